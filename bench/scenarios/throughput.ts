/**
 * Measures 1 (throughput), 3b (memory per idle subscriber), 5 (recomputes under annotation-only
 * noise) and the throughput part of 7 (cost growth). One feeder and one server process per
 * (mode, pods); subscriber sets of each size connect in turn. The feeder replays a recorded burst
 * into the server as fast as it reads, and every subscriber must receive the burst's last event.
 *
 * Reported per run: end-to-end events/s (feeder's first write → last subscriber saw the sentinel),
 * pipeline events/s (→ the server processed the sentinel), and server CPU per event (user+system
 * of the server process alone, over the end-to-end window): on 2 cores the subscribers' processes
 * compete with the server, so CPU per event is the server's cost isolated.
 */
import { NAMESPACES, type WorkloadFiles } from '../lib/workload.ts';
import { startProc, type Proc } from '../lib/proc.ts';

export interface SeriesSpec {
  mode: 'podpulse' | 'naive';
  pods: number;
  /** Noise events sent once, before the runs, with no subscriber (0: skip). */
  noise: number;
  runs: { subscribers: number; filter: boolean; events: number }[];
  /** Write a CPU profile of the server to this directory. */
  cpuProfDir?: string;
}

export interface RunResult {
  mode: 'podpulse' | 'naive';
  pods: number;
  subscribers: number;
  filter: boolean;
  events: number;
  eventsPerSec: number;
  pipelineEventsPerSec: number;
  serverCpuUsPerEvent: number;
  framesPerSubscriber: number;
  bytesPerSubscriber: number;
  /** Server heap + external growth per connected idle subscriber, bytes (null for 0). */
  bytesPerIdleSubscriber: number | null;
  /** Monotonic µs window of the burst, to cut the CPU profile. */
  window: { fromUs: number; toUs: number };
}

export interface SeriesResult {
  mode: 'podpulse' | 'naive';
  pods: number;
  syncMs: number;
  /** Heap retained by the server process after sync, bytes per cached pod. */
  heapPerPod: number;
  noise: { events: number; recomputes: number | null; changes: number | null } | null;
  runs: RunResult[];
  /** Path of the CPU profile, when one was asked for. */
  profile: string | null;
  error: string | null;
}

interface Stats {
  eventsIn: number;
  recomputes?: number;
  changesOut?: number;
}
interface MemNow {
  heapUsed: number;
  external: number;
}
interface Mem {
  baseline: MemNow;
  now: MemNow;
}
interface SubResult {
  first: number;
  last: number;
  frames: number;
  bytes: number;
}

/** A burst that has not arrived within this long is a failure, not a wait. */
const burstTimeoutMs = 180_000;

async function all<T>(ps: Proc[], cmd: string, arg?: unknown): Promise<T[]> {
  return Promise.all(ps.map((p) => p.call<T>(cmd, arg, burstTimeoutMs)));
}

const heapOf = (m: MemNow): number => m.heapUsed + m.external;

export async function runSeries(files: WorkloadFiles, spec: SeriesSpec): Promise<SeriesResult> {
  const procs: Proc[] = [];
  const result: SeriesResult = {
    mode: spec.mode,
    pods: spec.pods,
    syncMs: NaN,
    heapPerPod: NaN,
    noise: null,
    runs: [],
    profile: null,
    error: null,
  };
  try {
    const feeder = await startProc('feeder.ts', {
      items: files.items,
      bursts: { noise: files.noise, mixed: files.mixed },
      listRv: files.listRv,
    });
    procs.push(feeder);
    const { url: api } = await feeder.call<{ url: string }>('ready');
    const flags = ['--expose-gc', '--max-old-space-size=8192'];
    if (spec.cpuProfDir !== undefined)
      flags.push('--cpu-prof', `--cpu-prof-dir=${spec.cpuProfDir}`, '--cpu-prof-interval=250');
    const server = await startProc(
      'server.ts',
      { mode: spec.mode, api, expect: files.spec.pods + 1, streamingList: false },
      flags,
    );
    procs.push(server);
    const { url, syncMs } = await server.call<{ url: string; syncMs: number }>('start');
    result.syncMs = syncMs;
    const mem = await server.call<Mem>('mem');
    result.heapPerPod = (mem.now.heapUsed - mem.baseline.heapUsed) / (files.spec.pods + 1);

    if (spec.noise > 0) {
      const before = await server.call<Stats>('stats');
      await server.call('arm');
      await feeder.call('go', { burst: 'noise', count: spec.noise });
      await server.call('waitSentinel', undefined, burstTimeoutMs);
      const after = await server.call<Stats>('stats');
      // The sentinels (one real status change per namespace) are the only recomputes and changes expected.
      const delta = (k: 'recomputes' | 'changesOut'): number | null => {
        const a = after[k];
        const b = before[k];
        return a === undefined || b === undefined ? null : a - b - NAMESPACES;
      };
      result.noise = {
        events: after.eventsIn - before.eventsIn - NAMESPACES,
        recomputes: delta('recomputes'),
        changes: delta('changesOut'),
      };
    }

    for (const run of spec.runs) {
      const memBefore = await server.call<Mem>('mem');
      const nSubProcs = run.subscribers > 2000 ? 2 : run.subscribers > 0 ? 1 : 0;
      const subs: Proc[] = [];
      for (let i = 0; i < nSubProcs; i++) {
        const count = Math.ceil(run.subscribers / nSubProcs);
        subs.push(
          await startProc('subscribers.ts', { url, mode: spec.mode, count, filter: run.filter }, [
            '--max-old-space-size=4096',
          ]),
        );
      }
      try {
        await all(subs, 'connect');
        const memAfter = await server.call<Mem>('mem');
        await server.call('arm');
        await all(subs, 'arm');
        const cpu0 = await server.call<NodeJS.CpuUsage>('cpu');
        const fromUs = await server.call<number>('hrnow');
        const go = await feeder.call<{ startedAt: number; events: number }>('go', {
          burst: 'mixed',
          count: run.events,
        });
        const done = await server.call<{ wall: number }>('waitSentinel', undefined, burstTimeoutMs);
        const seen = await all<SubResult>(subs, 'waitSentinel');
        const toUs = await server.call<number>('hrnow');
        const cpu1 = await server.call<NodeJS.CpuUsage>('cpu');
        const last = Math.max(done.wall, ...seen.map((s) => s.last));
        const frames = seen.reduce((a, s) => a + s.frames, 0);
        const bytes = seen.reduce((a, s) => a + s.bytes, 0);
        const cpuUs = cpu1.user - cpu0.user + (cpu1.system - cpu0.system);
        const m = Math.max(1, run.subscribers);
        result.runs.push({
          mode: spec.mode,
          pods: spec.pods,
          subscribers: run.subscribers,
          filter: run.filter,
          events: go.events,
          eventsPerSec: go.events / ((last - go.startedAt) / 1000),
          pipelineEventsPerSec: go.events / ((done.wall - go.startedAt) / 1000),
          serverCpuUsPerEvent: cpuUs / go.events,
          framesPerSubscriber: frames / m,
          bytesPerSubscriber: bytes / m,
          bytesPerIdleSubscriber:
            run.subscribers === 0
              ? null
              : (heapOf(memAfter.now) - heapOf(memBefore.now)) / run.subscribers,
          window: { fromUs, toUs },
        });
        await all(subs, 'closeAll');
      } finally {
        for (const s of subs) await s.close();
      }
    }
  } catch (err) {
    result.error = err instanceof Error ? err.message : String(err);
  } finally {
    for (const p of procs.reverse()) await p.close();
  }
  return result;
}
