/**
 * The server under test, alone in its process. `podpulse` mode: the shared informer, the change
 * pipeline and the WebSocket server, composed as `serve` composes them. `naive` mode: what a user
 * would write without podpulse: client-node's `makeInformer` and the full pod JSON broadcast to
 * every WebSocket client on every event (serialised once per event, the kind version of naive).
 *
 * Commands: `start` (informer + server; resolves with the URL once the cache holds `expect` pods),
 * `mem` (heap after GC), `arm`/`waitSentinel` (server-side time the burst's last event was
 * processed), `stats`, `hrnow` (monotonic µs, to cut the CPU profile to the measured window).
 */
import { createServer } from 'node:http';
import { KubeConfig, CoreV1Api, makeInformer, type V1Pod } from '@kubernetes/client-node';
import { pino } from 'pino';
import { WebSocketServer, type WebSocket } from 'ws';
import { createPodSource, type PodSource } from '../src/pipeline/index.ts';
import { createPodpulseServer, type PodFeed, type PodpulseServer } from '../src/server/index.ts';
import { NAMESPACES, SENTINEL } from './lib/workload.ts';
import { procConfig, serveProc, wallMs } from './lib/proc.ts';

interface Config {
  mode: 'podpulse' | 'naive';
  /** API server URL (the feeder or the simulator). */
  api: string;
  /** Pods the cache must hold before `start` resolves. */
  expect: number;
  /** Informer knobs for podpulse (e.g. streamingList: false against the feeder). */
  streamingList?: boolean;
  /** Outbox hard limit for podpulse (slow-consumer runs). */
  outboxHardBytes?: number;
}

const cfg = procConfig() as Config;
const gc = (globalThis as { gc?: () => void }).gc;

function heap(): { heapUsed: number; external: number; arrayBuffers: number; rss: number } {
  gc?.();
  gc?.();
  const m = process.memoryUsage();
  return { heapUsed: m.heapUsed, external: m.external, arrayBuffers: m.arrayBuffers, rss: m.rss };
}

function kubeConfig(server: string): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [{ name: 'bench', server, skipTLSVerify: true }],
    users: [{ name: 'bench' }],
    contexts: [{ name: 'bench', cluster: 'bench', user: 'bench' }],
    currentContext: 'bench',
  });
  return kc;
}

const baseline = heap();
let sentinelAt: { wall: number; hr: number } | null = null;
let armed = false;
let sentinelsSeen = 0;
let waiter: ((v: { wall: number; hr: number }) => void) | null = null;
const hrUs = (): number => Number(process.hrtime.bigint() / 1000n);
function sawSentinel(): void {
  if (!armed || sentinelAt !== null) return;
  if (++sentinelsSeen < NAMESPACES) return;
  sentinelAt = { wall: wallMs(), hr: hrUs() };
  waiter?.(sentinelAt);
}

let source: PodSource | null = null;
let server: PodpulseServer | null = null;
const naive = { events: 0, clients: new Set<WebSocket>(), close: (): void => undefined };

async function startPodpulse(): Promise<string> {
  const log = pino({ level: 'silent' });
  const src = createPodSource({
    kubeConfig: kubeConfig(cfg.api),
    logger: log,
    knobs: { streamingList: cfg.streamingList ?? true },
  });
  source = src;
  src.changes$.subscribe((c) => {
    if (c.view.name === SENTINEL) sawSentinel();
  });
  const feed: PodFeed = {
    snapshot: () => src.snapshot(),
    get lastSeq() {
      return src.lastSeq;
    },
    changes$: src.changes$,
    state$: src.state$,
    stats: () => ({
      events: src.stats.eventsIn,
      recomputes: src.stats.recomputes,
      watchRestarts: src.stats.watchRestarts,
    }),
  };
  const srv = createPodpulseServer({
    feed,
    log,
    heartbeatMs: 0,
    ...(cfg.outboxHardBytes === undefined ? {} : { outboxHardBytes: cfg.outboxHardBytes }),
  });
  server = srv;
  const addr = await srv.listen(0, '127.0.0.1');
  await until(() => src.size >= cfg.expect);
  return `ws://127.0.0.1:${addr.port}/ws`;
}

async function startNaive(): Promise<string> {
  const kc = kubeConfig(cfg.api);
  const api = kc.makeApiClient(CoreV1Api);
  const informer = makeInformer(kc, '/api/v1/pods', () => api.listPodForAllNamespaces());
  const http = createServer();
  const wss = new WebSocketServer({ server: http, maxPayload: 64 * 1024 });
  wss.on('connection', (ws) => {
    naive.clients.add(ws);
    ws.on('error', () => undefined);
    ws.on('close', () => naive.clients.delete(ws));
  });
  let cached = 0;
  const broadcast = (type: string, pod: V1Pod): void => {
    naive.events++;
    const frame = JSON.stringify({ type, object: pod });
    for (const c of naive.clients) c.send(frame);
    if (pod.metadata?.name === SENTINEL) sawSentinel();
  };
  informer.on('add', (pod) => {
    cached++;
    broadcast('ADDED', pod);
  });
  informer.on('update', (pod) => {
    broadcast('MODIFIED', pod);
  });
  informer.on('delete', (pod) => {
    cached--;
    broadcast('DELETED', pod);
  });
  informer.on('error', (err: unknown) => {
    process.stderr.write(`naive informer error: ${String(err)}\n`);
  });
  await informer.start();
  naive.close = () => {
    void informer.stop();
    wss.close();
    http.close();
  };
  await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
  const a = http.address();
  await until(() => cached >= cfg.expect);
  return `ws://127.0.0.1:${typeof a === 'object' && a !== null ? a.port : 0}/`;
}

async function until(cond: () => boolean): Promise<void> {
  while (!cond()) await new Promise((r) => setTimeout(r, 20));
}

serveProc(
  Promise.resolve({ baseline }),
  {
    start: async () => {
      const t0 = wallMs();
      const url = cfg.mode === 'podpulse' ? await startPodpulse() : await startNaive();
      return { url, syncMs: wallMs() - t0 };
    },
    mem: () => ({ baseline, now: heap() }),
    arm: () => {
      armed = true;
      sentinelAt = null;
      sentinelsSeen = 0;
      return null;
    },
    waitSentinel: () =>
      sentinelAt ??
      new Promise((resolve) => {
        waiter = resolve;
      }),
    hrnow: () => hrUs(),
    cpu: () => process.cpuUsage(),
    stats: () => {
      if (source) {
        const s = source.stats;
        return {
          eventsIn: s.eventsIn,
          recomputes: s.recomputes,
          recomputesSkipped: s.recomputesSkipped,
          changesOut: s.changesOut,
          relists: s.relists,
          watchRestarts: s.watchRestarts,
          pods: source.size,
          connections: server?.hub.connections.size ?? 0,
          outboxBytes: server?.hub.outboxBytes() ?? 0,
        };
      }
      return { eventsIn: naive.events, connections: naive.clients.size };
    },
  },
  async () => {
    await server?.close();
    source?.close();
    naive.close();
  },
);
