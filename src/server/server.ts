/**
 * The podpulse server: one `node:http` server carrying the HTTP routes and, on upgrade, the
 * WebSocket protocol (`ws` with `noServer`, behind the Host/Origin guard and the authenticator).
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import type { Logger } from 'pino';
import { WebSocketServer, type WebSocket } from 'ws';
import { SUBPROTOCOL, type ServerLimits } from '../protocol/messages.ts';
import { allowAll, createHostGuard, type Authenticator } from './auth.ts';
import { Connection } from './connection.ts';
import type { PodFeed } from './feed.ts';
import { createHttpHandler } from './http-handler.ts';
import { Hub } from './hub.ts';
import { ServerMetrics } from './metrics.ts';

/** Server limits and knobs; defaults in `defaultServerOptions`. */
export interface ServerOptions {
  feed: PodFeed;
  log: Logger;
  version?: string;
  /**
   * Who may use the data routes (`/api/*`, WebSocket). Absent: anyone who passes the Host guard
   * (`allowHosts`); given (a bearer token): the Host is not checked.
   */
  authenticate?: Authenticator;
  /**
   * Without an authenticator, the Host names accepted on the data routes besides loopback
   * (`localhost`, 127.0.0.0/8, `::1`) and the listen address; `*` accepts any (DNS rebinding
   * then reaches the server: only behind something else that checks). Ignored with an authenticator.
   */
  allowHosts?: readonly string[];
  /**
   * Browser Origins allowed on the data routes besides the server's own (same host and port, on an
   * accepted Host); `*` allows any. Requests without an Origin (non-browser clients) pass.
   */
  allowOrigins?: readonly string[];
  /** Largest client frame in bytes; larger frames close the connection with 1009. */
  maxPayload?: number;
  maxSubscriptions?: number;
  replayDepth?: number;
  snapshotChunk?: number;
  /** Stop writing and start coalescing once a socket holds this many bytes. */
  outboxSoftBytes?: number;
  /** Close with 1013 once a connection's socket + queue hold more than this. */
  outboxHardBytes?: number;
  /** Ping interval; a peer that has not answered the previous ping is terminated. 0 disables. */
  heartbeatMs?: number;
  /** Web dashboard directory served at `/`; null: `/` answers 404 with a hint. */
  staticDir?: string | null;
  /** Server life id (cursor epoch); random when absent. */
  epoch?: string;
  /**
   * `/readyz` stays 200 this long while a source that was synced is `reconnecting` (a watch blip,
   * a 410 relist); then 503 until it is synced again. Match the informer's `staleAfterMs`.
   */
  readyGraceMs?: number;
  /** Clock for readiness and `/api/v1/pods` ages; default `Date.now`. */
  now?: () => number;
  /**
   * Write all the frames a connection gets in one turn of the event loop (the informer batches
   * read in that turn) with one syscall, by corking its socket (default true). False: one write per frame, as before;
   * kept for A/B benchmarks (bench/fanout-write.ts).
   */
  coalesceWrites?: boolean;
}

export const defaultServerOptions = Object.freeze({
  maxPayload: 64 * 1024,
  maxSubscriptions: 32,
  replayDepth: 10_000,
  snapshotChunk: 500,
  outboxSoftBytes: 1024 * 1024,
  outboxHardBytes: 64 * 1024 * 1024,
  heartbeatMs: 30_000,
  readyGraceMs: 120_000,
});

export interface PodpulseServer {
  readonly http: Server;
  readonly hub: Hub;
  readonly metrics: ServerMetrics;
  /** Starts listening; resolves with the bound address. */
  listen(port: number, host: string): Promise<AddressInfo>;
  /** Closes every WebSocket with 1001, stops the HTTP server. Idempotent; resolves once closed. */
  close(): Promise<void>;
}

function randomEpoch(): string {
  return (Date.now().toString(36) + Math.random().toString(36).slice(2, 8)).slice(0, 16);
}

function reject(socket: Duplex, status: number, text: string, message: string): void {
  socket.end(
    `HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Type: text/plain\r\nContent-Length: ${Buffer.byteLength(message) + 1}\r\n\r\n${message}\n`,
  );
}

export function createPodpulseServer(options: ServerOptions): PodpulseServer {
  const o = { ...defaultServerOptions, ...options };
  const log = options.log;
  const authenticate = options.authenticate ?? allowAll;
  const guard = createHostGuard(
    options.authenticate === undefined ? (options.allowHosts ?? []) : null,
    options.allowOrigins ?? [],
  );
  const now = options.now ?? Date.now;
  const limits: ServerLimits = {
    maxPayload: o.maxPayload,
    maxSubscriptions: o.maxSubscriptions,
    replayDepth: o.replayDepth,
    snapshotChunk: o.snapshotChunk,
  };
  let hub: Hub | null = null;
  const metrics = new ServerMetrics({
    feedStats: () => options.feed.stats(),
    connections: () => hub?.connections.size ?? 0,
    subscriptions: () => hub?.subscriptionCount() ?? 0,
    outboxBytes: () => hub?.outboxBytes() ?? 0,
  });
  const theHub = new Hub({
    feed: options.feed,
    epoch: options.epoch ?? randomEpoch(),
    version: options.version ?? '0.0.0',
    limits,
    outboxSoftBytes: o.outboxSoftBytes,
    outboxHardBytes: o.outboxHardBytes,
    metrics,
    log,
    readyGraceMs: o.readyGraceMs,
    now,
    coalesceWrites: options.coalesceWrites ?? true,
  });
  hub = theHub;

  const http = createServer(
    createHttpHandler({
      views: () => options.feed.snapshot(),
      readiness: () => theHub.readiness(),
      metrics,
      guard,
      authenticate,
      staticDir: options.staticDir ?? null,
      now,
    }),
  );
  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: o.maxPayload,
    clientTracking: false,
    handleProtocols: (protocols) => (protocols.has(SUBPROTOCOL) ? SUBPROTOCOL : false),
  });
  wss.on('error', (err) => {
    log.warn({ err }, 'websocket server error');
  });

  const sockets = new Map<WebSocket, Connection>();
  let closing = false;

  http.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => socket.destroy());
    if (closing) {
      reject(socket, 503, 'Service Unavailable', 'server is shutting down');
      return;
    }
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname !== '/' && url.pathname !== '/ws' && url.pathname !== '/api/v1/ws') {
      reject(socket, 404, 'Not Found', `no WebSocket endpoint at ${url.pathname}; use /ws`);
      return;
    }
    const refused = guard.check(req);
    if (refused !== null) {
      log.info(
        { code: refused.code, host: req.headers.host, origin: req.headers.origin },
        'upgrade refused',
      );
      reject(socket, 403, 'Forbidden', refused.message);
      return;
    }
    const auth = authenticate(req);
    if (!auth.ok) {
      reject(socket, 401, 'Unauthorized', auth.message);
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      onConnection(ws, auth.principal, req, socket);
    });
  });

  function onConnection(
    ws: WebSocket,
    principal: string,
    req: IncomingMessage,
    socket: Duplex,
  ): void {
    const connLog = log.child({ peer: req.socket.remoteAddress, principal });
    // `socket` is the one `ws` writes to (handleUpgrade adopts it): corking it holds ws's frames.
    const conn = new Connection(ws, theHub, connLog, socket);
    sockets.set(ws, conn);
    theHub.connections.add(conn);
    connLog.debug('connection opened');
    ws.on('error', (err: Error & { code?: string }) => {
      // ws closes the socket itself after an error (1009 for oversize, 1002 for bad frames).
      connLog.debug({ code: err.code, message: err.message }, 'websocket error');
      if (err.code === 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH')
        metrics.protocolErrors.inc({ code: 'PP_ERR_WIRE_TOO_LARGE' });
    });
    ws.on('pong', () => {
      conn.alive = true;
    });
    ws.on('message', (data, isBinary) => {
      conn.receive(data, isBinary);
    });
    ws.on('close', (code) => {
      conn.detach();
      sockets.delete(ws);
      theHub.connections.delete(conn);
      connLog.debug({ code }, 'connection closed');
    });
    conn.sendFrame(theHub.hello());
  }

  let heartbeat: NodeJS.Timeout | null = null;
  if (o.heartbeatMs > 0) {
    heartbeat = setInterval(() => {
      for (const [ws, conn] of sockets) {
        if (!conn.alive) {
          log.info('heartbeat: peer did not answer the last ping, terminating');
          conn.detach();
          ws.terminate();
          continue;
        }
        conn.alive = false;
        try {
          ws.ping();
        } catch {
          ws.terminate();
        }
      }
    }, o.heartbeatMs);
    heartbeat.unref();
  }

  let closed: Promise<void> | null = null;
  return {
    http,
    hub: theHub,
    metrics,
    listen(port, host) {
      return new Promise((resolve, rejectListen) => {
        const onError = (err: Error): void => {
          rejectListen(err);
        };
        http.once('error', onError);
        http.listen(port, host, () => {
          http.off('error', onError);
          guard.addHost(host);
          resolve(http.address() as AddressInfo);
        });
      });
    },
    close() {
      closed ??= new Promise<void>((resolve) => {
        closing = true;
        if (heartbeat !== null) clearInterval(heartbeat);
        theHub.close();
        for (const [ws, conn] of sockets) {
          conn.close(1001, 'server shutting down');
          // A peer that does not finish the closing handshake is cut off.
          setTimeout(() => {
            ws.terminate();
          }, 2000).unref();
        }
        http.close(() => {
          resolve();
        });
        http.closeIdleConnections();
        setTimeout(() => {
          http.closeAllConnections();
        }, 3000).unref();
      });
      return closed;
    },
  };
}
