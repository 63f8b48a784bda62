/**
 * sim/ — the simulated cluster: a Kubernetes API server for pods (and the few other resources
 * podpulse needs) with real list/watch semantics, a kubelet-like scenario engine, and fault
 * injection. It powers the demo, the integration tests and the benchmarks; kubectl works against it.
 *
 * `startSim(opts)` listens on loopback (port 0 by default) and resolves once it accepts
 * connections. `close()` ends every watch, stops every timer and frees the port.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { createServer as createHttpServer, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino, type Logger } from 'pino';
import { ApiServer } from './api-server.ts';
import { StatusError } from './api-status.ts';
import { defaultAuthConfig, type SimAuthConfig } from './auth.ts';
import { type Clock, realClock } from './clock.ts';
import { nodeName, seedCluster, setNodeReady } from './cluster.ts';
import { startDemo } from './demo.ts';
import { Kubelet } from './kubelet.ts';
import { kubeconfigText } from './kubeconfig.ts';
import { seededRandom } from './random.ts';
import { ScaleDriver, type ScaleMix } from './scale.ts';
import { SimStore } from './store.ts';

export type { KubeObject, StoreEvent } from './object-store.ts';
export { ObjectStore } from './object-store.ts';
export { SimStore } from './store.ts';
export type { CreateOptions, DeleteOptions, PatchType, WriteOptions } from './store.ts';
export { ManualClock, realClock, rfc3339 } from './clock.ts';
export type { Clock, TimerHandle } from './clock.ts';
export { StatusError } from './api-status.ts';
export type { KubeStatus } from './api-status.ts';
export { Kubelet } from './kubelet.ts';
export {
  advanceLife,
  newLife,
  podStatusOf,
  scenarioAnnotation,
  scenarioNames,
} from './scenario.ts';
export type { PodLife, ScenarioName } from './scenario.ts';
export { ScaleDriver } from './scale.ts';
export type { ScaleMix } from './scale.ts';
export { defaultAuthConfig, parseAuthConfig } from './auth.ts';
export type { SimAuthConfig, SimRule, SimUser } from './auth.ts';

export type SimScenario = 'demo' | 'empty' | 'scale';

export interface SimOptions {
  /** Listen address; default 127.0.0.1. */
  host?: string;
  /** Listen port; default 0 (any free port). */
  port?: number;
  /** 'empty' (default): nodes and system namespaces only; 'demo': a live workload; 'scale': `pods` static pods. */
  scenario?: SimScenario;
  /** Pods for the scale scenario (default 1000). */
  pods?: number;
  /** Speed of simulated kubelet timing: 1 = real timing, 10 = ten times faster. Default 1. */
  timeScale?: number;
  /** Seed for every random choice (names, timings, scenario mix). Default 1. */
  seed?: number;
  /** When set, every request must carry `Authorization: Bearer <token>`. */
  token?: string;
  /** Serve https with `tlsCert`/`tlsKey`, or a self-signed pair made with the `openssl` CLI. */
  tls?: boolean;
  tlsCert?: string;
  tlsKey?: string;
  /** Watch events retained for resuming; older resumes get 410. Default 10000. */
  historyLimit?: number;
  /** Interval of BOOKMARK events on watches that allow them. Default 60000 (as the real server). */
  bookmarkIntervalMs?: number;
  /** Lifetime of list continue tokens. Default 300000 (5 minutes). */
  continueTtlMs?: number;
  /** Nodes to simulate. Default 3. */
  nodes?: number;
  /** Run the kubelet-like scenario engine (default true). Pods annotated `sim.podpulse.dev/scenario: static` are never touched. */
  kubelet?: boolean;
  /** Users and rules for TokenReview/SubjectAccessReview (default: `defaultAuthConfig`). */
  auth?: SimAuthConfig;
  /** Maximum request body (default 3 MiB, as kube-apiserver). */
  maxBodyBytes?: number;
  logger?: Logger;
  /** Time source (tests); default the wall clock. */
  clock?: Clock;
}

/** Fault injection; each returns how many watches or objects it touched. */
export interface SimFaults {
  /** Destroys every open watch connection abruptly. */
  dropWatches(): number;
  /** Holds back every open watch's events for `ms`, then delivers them. */
  stallWatches(ms: number): number;
  /** Forgets watch history: resuming from any earlier resourceVersion gets 410 Expired. */
  compact(): void;
  /** Refuses connections for `downMs` (listener closed, all connections cut), keeping the data. */
  restart(downMs: number): Promise<void>;
  /** Adds `ms` of latency to every LIST (0 turns it off). */
  slowLists(ms: number): void;
  /** Writes one line that is not JSON into every open watch stream. */
  malformedLine(): number;
  /** Marks a node NotReady (its pods lose readiness, then are evicted as NodeLost) or Ready again. */
  setNodeReady(name: string, ready: boolean): void;
}

export interface SimCluster {
  /** Base URL, e.g. http://127.0.0.1:43121. */
  readonly url: string;
  /** Kubeconfig YAML for this cluster (kubectl and client-node accept it). */
  kubeconfig(opts?: { context?: string; namespace?: string }): string;
  writeKubeconfig(path: string): Promise<void>;
  readonly faults: SimFaults;
  /** The truth: every object as the API would return it. */
  readonly store: SimStore;
  /** Present in the scale scenario: drives a configurable event rate. */
  readonly scale: ScaleDriver | undefined;
  readonly kubelet: Kubelet | undefined;
  /** Number of open watch streams. */
  readonly watchCount: number;
  /** Idempotent: ends watches, stops timers, frees the port. */
  close(): Promise<void>;
}

function selfSignedPair(host: string): { cert: string; key: string } {
  const dir = mkdtempSync(join(tmpdir(), 'podpulse-sim-tls-'));
  try {
    const keyPath = join(dir, 'key.pem');
    const certPath = join(dir, 'cert.pem');
    const san = /^[\d.]+$/.test(host)
      ? `IP:${host},DNS:localhost`
      : `DNS:${host},DNS:localhost,IP:127.0.0.1`;
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:prime256v1',
        '-nodes',
        '-keyout',
        keyPath,
        '-out',
        certPath,
        '-days',
        '30',
        '-subj',
        '/CN=podpulse-sim',
        '-addext',
        `subjectAltName=${san}`,
      ],
      { stdio: 'ignore' },
    );
    return { cert: readFileSync(certPath, 'utf8'), key: readFileSync(keyPath, 'utf8') };
  } catch (err) {
    throw new Error(
      'sim: --tls needs the openssl CLI to make a self-signed certificate, or pass tlsCert and tlsKey',
      { cause: err },
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (err: Error): void => {
      reject(err);
    };
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      const addr = server.address();
      resolve(typeof addr === 'object' && addr !== null ? addr.port : port);
    });
  });
}

/** Starts a simulated cluster; resolves once it accepts connections. */
export async function startSim(opts: SimOptions = {}): Promise<SimCluster> {
  const host = opts.host ?? '127.0.0.1';
  const clock = opts.clock ?? realClock;
  const logger = opts.logger ?? pino({ level: 'silent' });
  const random = seededRandom(opts.seed ?? 1);
  const timeScale = opts.timeScale ?? 1;
  if (!(timeScale > 0)) throw new Error(`sim: timeScale must be > 0, got ${timeScale}`);
  const scenario = opts.scenario ?? 'empty';
  const store = new SimStore({
    clock,
    random,
    ...(opts.historyLimit === undefined ? {} : { historyLimit: opts.historyLimit }),
  });
  const nodes = opts.nodes ?? 3;
  seedCluster(store, nodes);

  const tls =
    opts.tls === true
      ? opts.tlsCert !== undefined && opts.tlsKey !== undefined
        ? { cert: opts.tlsCert, key: opts.tlsKey }
        : selfSignedPair(host)
      : undefined;
  const scheme = tls === undefined ? 'http' : 'https';
  let port = opts.port ?? 0;
  const sockets = new Set<Socket>();
  let down = false;
  let closed = false;
  const isClosed = (): boolean => closed;

  const faults: SimFaults = {
    dropWatches: () => api.watches.dropAll(),
    stallWatches: (ms) => api.watches.stallAll(ms),
    compact: () => {
      store.compact();
    },
    restart: async (downMs) => {
      if (down || closed) return;
      down = true;
      logger.info({ downMs }, 'sim: restart: refusing connections');
      api.watches.dropAll();
      await new Promise<void>((resolve) => {
        server.close(() => {
          resolve();
        });
        for (const s of sockets) s.destroy();
      });
      await new Promise<void>((resolve) => setTimeout(resolve, downMs));
      if (isClosed()) return;
      await listen(server, port, host);
      down = false;
      logger.info({ port }, 'sim: restart: accepting connections again');
    },
    slowLists: (ms) => {
      api.listDelayMs = Math.max(0, ms);
    },
    malformedLine: () => api.watches.malformedLine(),
    setNodeReady: (name, ready) => {
      setNodeReady(store, name, ready);
    },
  };

  const num = (params: URLSearchParams, key: string, dflt: number): number => {
    const v = params.get(key);
    const n = v === null ? dflt : Number(v);
    if (!Number.isFinite(n) || n < 0)
      throw new StatusError(400, 'BadRequest', `sim control: ${key} must be a non-negative number`);
    return n;
  };

  let scale: ScaleDriver | undefined;
  const api: ApiServer = new ApiServer({
    store,
    clock,
    logger,
    token: opts.token,
    auth: opts.auth ?? defaultAuthConfig,
    bookmarkIntervalMs: opts.bookmarkIntervalMs ?? 60_000,
    continueTtlMs: opts.continueTtlMs ?? 300_000,
    maxBodyBytes: opts.maxBodyBytes ?? 3 * 1024 * 1024,
    serverAddress: () => `${host}:${port}`,
    control: {
      control: (action, params) => {
        logger.info({ action, params: Object.fromEntries(params) }, 'sim: control');
        switch (action) {
          case 'faults/drop-watches':
            return { dropped: faults.dropWatches() };
          case 'faults/stall':
            return { stalled: faults.stallWatches(num(params, 'ms', 30_000)) };
          case 'faults/compact':
            faults.compact();
            return { compactedAt: store.resourceVersion };
          case 'faults/restart': {
            const ms = num(params, 'ms', 3000);
            // Answer first: the restart cuts this very connection.
            setTimeout(() => {
              faults.restart(ms).catch((err: unknown) => {
                logger.error({ err }, 'sim: restart failed');
              });
            }, 10);
            return { restartingForMs: ms };
          }
          case 'faults/slow-lists':
            faults.slowLists(num(params, 'ms', 2000));
            return { listDelayMs: api.listDelayMs };
          case 'faults/malformed-line':
            return { written: faults.malformedLine() };
          case 'faults/node-not-ready':
          case 'faults/node-ready': {
            const name = params.get('node') ?? nodeName(0);
            faults.setNodeReady(name, action === 'faults/node-ready');
            return { node: name, ready: action === 'faults/node-ready' };
          }
          case 'scale/start':
            if (scale === undefined)
              throw new StatusError(404, 'NotFound', 'sim control: not in scale mode');
            scale.start({
              eventsPerSecond: num(params, 'rate', 1000),
              statusShare: num(params, 'statusShare', 0.5),
            });
            return { running: true };
          case 'scale/stop':
            if (scale === undefined)
              throw new StatusError(404, 'NotFound', 'sim control: not in scale mode');
            scale.stop();
            return { running: false };
          case 'state':
            return {
              resourceVersion: store.resourceVersion,
              pods: store.objects.size('pods'),
              watches: api.watches.size,
            };
          default:
            throw new StatusError(404, 'NotFound', `sim control: unknown action '${action}'`);
        }
      },
    },
  });

  const handler = api.handle.bind(api);
  const server: Server =
    tls === undefined
      ? createHttpServer(handler)
      : createHttpsServer({ cert: tls.cert, key: tls.key }, handler);
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  server.on('clientError', (_err, socket) => {
    socket.destroy();
  });
  port = await listen(server, port, host);
  const url = `${scheme}://${host.includes(':') ? `[${host}]` : host}:${port}`;

  const kubelet =
    opts.kubelet === false ? undefined : new Kubelet({ store, clock, timeScale, random, logger });
  kubelet?.start();
  let stopDemo: (() => void) | undefined;
  if (scenario === 'demo') stopDemo = startDemo({ store, clock, timeScale, random, logger });
  if (scenario === 'scale') {
    scale = new ScaleDriver({ store, clock, random, nodes });
    scale.populate(opts.pods ?? 1000);
  }
  logger.info({ url, scenario, timeScale, nodes }, 'sim: listening');

  const kubeconfig = (k: { context?: string; namespace?: string } = {}): string =>
    kubeconfigText({ server: url, token: opts.token, caPem: tls?.cert, ...k });

  return {
    url,
    kubeconfig,
    writeKubeconfig: (path) => writeFile(path, kubeconfig(), { mode: 0o600 }),
    faults,
    store,
    scale,
    kubelet,
    get watchCount() {
      return api.watches.size;
    },
    close: async () => {
      if (closed) return;
      closed = true;
      stopDemo?.();
      scale?.stop();
      kubelet?.stop();
      store.close();
      api.watches.endAll();
      await new Promise<void>((resolve) => {
        server.close(() => {
          resolve();
        });
        for (const s of sockets) s.destroy();
      });
      logger.info({ url }, 'sim: closed');
    },
  };
}

export type { ScaleMix as SimScaleMix };
