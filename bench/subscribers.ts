/**
 * A process of WebSocket subscribers. `podpulse` mode speaks protocol v1: hello, then a ping whose
 * pong carries the connection's cursor, then a subscription that resumes from it (no snapshot:
 * the bench measures the change stream, and 1,000 snapshots of 100k pods would measure loopback
 * bandwidth). `naive` mode just listens. Frames are inspected as bytes, never parsed, so the
 * subscribers cost as little CPU as a client can.
 *
 * Commands: `connect`, `arm` (reset counters), `waitSentinel` (every reading subscriber has seen
 * the burst's last event), `latency` (histogram of write→arrival from `t=` stamps), `stall`,
 * `mem`, `closeAll`.
 */
import { WebSocket } from 'ws';
import { NAMESPACES, SENTINEL } from './lib/workload.ts';
import { procConfig, serveProc, wallMs } from './lib/proc.ts';
import { Histogram } from './lib/stats.ts';

interface Config {
  url: string;
  mode: 'podpulse' | 'naive';
  count: number;
  /** Subscribe to one namespace (`bench-<i % 10>`) instead of all pods. */
  filter?: boolean;
  /** The first `stalled` clients stop reading once subscribed. */
  stalled?: number;
  /** Record latency from `t=<epoch ms>` stamps in container messages. */
  latency?: boolean;
}

const cfg = procConfig() as Config;
const sentinel = Buffer.from(`"${SENTINEL}"`);
const stamp = Buffer.from('"message":"t=');

interface Client {
  ws: WebSocket;
  stalled: boolean;
  sentinels: number;
  sawSentinelAt: number | null;
}

const clients: Client[] = [];
let frames = 0;
let bytes = 0;
let waiting = 0;
let onAllSeen: (() => void) | null = null;
const hist = new Histogram();

function onFrame(c: Client, data: Buffer): void {
  frames++;
  bytes += data.length;
  if (cfg.latency === true) {
    const i = data.indexOf(stamp);
    if (i >= 0) {
      const end = data.indexOf(34, i + stamp.length);
      const t = Number(data.toString('latin1', i + stamp.length, end));
      if (Number.isFinite(t)) hist.add(wallMs() - t);
    }
  }
  if (c.sawSentinelAt === null && data.indexOf(sentinel) >= 0) {
    // One sentinel per namespace ends a burst; a namespace-filtered client sees only its own.
    if (++c.sentinels < (cfg.filter === true ? 1 : NAMESPACES)) return;
    c.sawSentinelAt = wallMs();
    waiting--;
    if (waiting === 0) onAllSeen?.();
  }
}

function open(i: number): Promise<Client> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(cfg.url, cfg.mode === 'podpulse' ? 'podpulse.v1' : [], {
      skipUTF8Validation: true,
      perMessageDeflate: false,
    });
    const c: Client = { ws, stalled: i < (cfg.stalled ?? 0), sentinels: 0, sawSentinelAt: null };
    ws.on('error', reject);
    if (cfg.mode === 'naive') {
      ws.on('open', () => {
        ws.on('message', (d: Buffer) => {
          onFrame(c, d);
        });
        resolve(c);
      });
      return;
    }
    let phase: 'hello' | 'pong' | 'resumed' | 'live' = 'hello';
    ws.on('message', (d: Buffer) => {
      if (phase === 'live') {
        onFrame(c, d);
        return;
      }
      const m = JSON.parse(d.toString()) as { type: string; cursor?: string | null };
      if (phase === 'hello' && m.type === 'hello') {
        phase = 'pong';
        ws.send(JSON.stringify({ type: 'ping', id: 'p' }));
      } else if (phase === 'pong' && m.type === 'pong' && typeof m.cursor === 'string') {
        phase = 'resumed';
        ws.send(
          JSON.stringify({
            type: 'subscribe',
            id: 's',
            resume: m.cursor,
            ...(cfg.filter === true ? { namespaces: [`bench-${i % 10}`] } : {}),
          }),
        );
      } else if (phase === 'resumed' && m.type === 'resumed') {
        phase = 'live';
        if (c.stalled) ws.pause();
        resolve(c);
      } else if (m.type === 'error' || m.type === 'reset') {
        reject(new Error(`subscriber ${i}: ${d.toString()}`));
      }
    });
  });
}

serveProc(Promise.resolve(null), {
  connect: async () => {
    const t0 = wallMs();
    // In waves, so the server's accept queue never overflows.
    for (let i = 0; i < cfg.count; i += 250) {
      const wave: Promise<Client>[] = [];
      for (let j = i; j < Math.min(cfg.count, i + 250); j++) wave.push(open(j));
      clients.push(...(await Promise.all(wave)));
    }
    return { connected: clients.length, ms: wallMs() - t0 };
  },
  arm: () => {
    frames = 0;
    bytes = 0;
    hist.reset();
    waiting = 0;
    for (const c of clients) {
      c.sawSentinelAt = null;
      c.sentinels = 0;
      if (!c.stalled) waiting++;
    }
    return null;
  },
  waitSentinel: () =>
    new Promise((resolve) => {
      const done = (): void => {
        let first = Infinity;
        let last = 0;
        for (const c of clients) {
          if (c.sawSentinelAt === null) continue;
          first = Math.min(first, c.sawSentinelAt);
          last = Math.max(last, c.sawSentinelAt);
        }
        resolve({ first, last, frames, bytes });
      };
      if (waiting === 0) done();
      else onAllSeen = done;
    }),
  counts: () => ({ frames, bytes }),
  latency: () => hist.toJSON(),
  mem: () => {
    const m = process.memoryUsage();
    return { heapUsed: m.heapUsed, rss: m.rss };
  },
  closeAll: async () => {
    await Promise.all(
      clients.map(
        (c) =>
          new Promise<void>((r) => {
            if (c.ws.readyState === WebSocket.CLOSED) {
              r();
              return;
            }
            c.ws.once('close', () => {
              r();
            });
            c.ws.terminate();
          }),
      ),
    );
    clients.length = 0;
    return null;
  },
});
