/**
 * Measures 2 (latency: simulator write → frame at a subscriber) and 6 (slow-consumer isolation).
 * The simulator process writes at a steady rate (bench/sim.ts); every status change carries its
 * write time, and the subscriber processes histogram arrival − write over every frame they get.
 * Processes share the machine's clock, so the difference is a true one-way latency.
 */
import { startProc, type Proc } from '../lib/proc.ts';
import { Histogram, type HistogramJson } from '../lib/stats.ts';

export interface LatencyPoint {
  pods: number;
  subscribers: number;
  rate: number;
  statusShare: number;
  seconds: number;
  /** Subscribers that stop reading once subscribed. */
  stalled: number;
}

export interface LatencyResult extends LatencyPoint {
  samples: number;
  p50: number;
  p99: number;
  max: number;
  written: number;
  /** Server heap+external after the run minus before it, bytes. */
  serverGrowth: number;
  /** Bytes the server held queued for its connections at the end. */
  outboxBytes: number;
  error: string | null;
}

interface Mem {
  now: { heapUsed: number; external: number };
}

export async function runLatency(pt: LatencyPoint): Promise<LatencyResult> {
  const procs: Proc[] = [];
  const res: LatencyResult = {
    ...pt,
    samples: 0,
    p50: NaN,
    p99: NaN,
    max: NaN,
    written: 0,
    serverGrowth: NaN,
    outboxBytes: NaN,
    error: null,
  };
  try {
    const sim = await startProc('sim.ts', { pods: pt.pods, seed: 7 }, [
      '--max-old-space-size=8192',
    ]);
    procs.push(sim);
    const { url: api } = await sim.call<{ url: string }>('ready');
    const server = await startProc('server.ts', { mode: 'podpulse', api, expect: pt.pods }, [
      '--expose-gc',
      '--max-old-space-size=8192',
    ]);
    procs.push(server);
    const { url } = await server.call<{ url: string }>('start');
    const nSub = pt.subscribers > 2000 ? 2 : 1;
    const subs: Proc[] = [];
    for (let i = 0; i < nSub; i++) {
      subs.push(
        await startProc('subscribers.ts', {
          url,
          mode: 'podpulse',
          count: Math.ceil(pt.subscribers / nSub),
          latency: true,
          stalled: i === 0 ? pt.stalled : 0,
        }),
      );
    }
    procs.push(...subs);
    await Promise.all(subs.map((s) => s.call('connect')));
    const before = await server.call<Mem>('mem');
    await Promise.all(subs.map((s) => s.call('arm')));
    const drive = await sim.call<{ written: number }>('drive', {
      rate: pt.rate,
      seconds: pt.seconds,
      statusShare: pt.statusShare,
    });
    // Let the last frames arrive.
    await new Promise((r) => setTimeout(r, 500));
    const stats = await server.call<{ outboxBytes?: number }>('stats');
    const after = await server.call<Mem>('mem');
    const h = new Histogram();
    for (const j of await Promise.all(subs.map((s) => s.call<HistogramJson>('latency'))))
      h.merge(j);
    res.written = drive.written;
    res.samples = h.count;
    res.p50 = h.quantile(0.5);
    res.p99 = h.quantile(0.99);
    res.max = h.max;
    res.outboxBytes = stats.outboxBytes ?? NaN;
    res.serverGrowth =
      after.now.heapUsed + after.now.external - (before.now.heapUsed + before.now.external);
  } catch (err) {
    res.error = err instanceof Error ? err.message : String(err);
  } finally {
    for (const p of procs.reverse()) await p.close();
  }
  return res;
}
