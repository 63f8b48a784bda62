/**
 * Focused micro-benchmark of the fan-out write path: socket writes coalesced per round (corked,
 * `coalesceWrites: true`, the default) against one write per frame (`coalesceWrites: false`), side
 * by side in one run, interleaved round by round so machine load hits both alike.
 *
 *   node bench/fanout-write.ts [--subscribers 100,1000] [--batches 1,8] [--rates 200,1000]
 *                              [--rounds 3] [--seconds 4] [--quick] [--profile]
 *
 * Processes: two servers (this file with `role: 'server'`, one per mode), each fed by an in-process
 * feed (no informer, no pipeline: the changes arrive ready, so the server's CPU is the hub and the
 * writes), and one subscriber process (bench/subscribers.ts) per server and size. Measures:
 * - throughput: `changes` changes of distinct pods as fast as possible, `batch` per macrotask
 *   (an informer batch), then one sentinel per namespace; server CPU µs per change and changes/s
 *   until every subscriber has its sentinels;
 * - latency: `rate` changes/s in 5 ms ticks (as bench/sim.ts paces), stamped `t=<epoch ms>` with
 *   the time each change was due (a server too busy to emit on time shows as latency, as it would
 *   behind a real informer); p50/p99/max of due → frame at the subscriber, over every frame (the
 *   run waits until every frame has arrived). Due times are paced in 5 ms ticks, so every sample
 *   includes up to 5 ms of pacing (about 2.5 ms on average) in both modes: compare the modes, not
 *   the absolute numbers with the end-to-end latency in BENCHMARKS.md.
 * `--profile` runs both servers with `--cpu-prof` and prints where their time went during the
 * throughput bursts.
 */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BehaviorSubject, Subject } from 'rxjs';
import { pino } from 'pino';
import { createPodpulseServer, type PodFeed, type PodpulseServer } from '../src/server/index.ts';
import type { SourceInfo } from '../src/protocol/messages.ts';
import type { PodChange, PodView } from '../src/status/types.ts';
import { startProc, procConfig, serveProc, wallMs, type Proc } from './lib/proc.ts';
import { summariseProfile } from './lib/profile.ts';
import { Histogram, type HistogramJson } from './lib/stats.ts';
import { NAMESPACES, SENTINEL } from './lib/workload.ts';

interface ServerConfig {
  role: 'server';
  coalesce: boolean;
  pods: number;
}

// A forked server gets its JSON config as the first argument; the orchestrator gets flags.
const isServer = process.argv[2]?.startsWith('{') === true;
if (isServer) runServer(procConfig() as ServerConfig);
else await orchestrate();

// ---------------------------------------------------------------------------------------------
// Server role

function podView(ns: number, name: string, restarts: number, message: string | null): PodView {
  const container = {
    kind: 'regular' as const,
    state: 'waiting' as const,
    reason: 'CrashLoopBackOff',
    exitCode: null,
    signal: null,
    ready: false,
    startedAt: null,
    lastTerminatedAt: 1_700_000_100_000,
    lastReason: 'Error',
    lastExitCode: 1,
  };
  return {
    uid: `uid-${String(ns)}-${name}`,
    namespace: `bench-${String(ns)}`,
    name,
    phase: 'Running',
    ready: '1/2',
    status: 'CrashLoopBackOff',
    restarts,
    lastRestartAt: 1_700_000_100_000,
    createdAt: 1_700_000_000_000,
    deletedAt: null,
    ip: '10.12.34.56',
    node: 'node-a-0123',
    nominatedNode: null,
    readinessGates: null,
    owner: { kind: 'Deployment', name: 'bench-app' },
    labels: { app: 'bench-app', 'pod-template-hash': '5d8f7c9b6d', tier: 'backend' },
    containers: [
      { ...container, name: 'app', message, restartCount: restarts },
      { ...container, name: 'sidecar', message: null, restartCount: 0, state: 'running' },
    ],
  };
}

function runServer(cfg: ServerConfig): void {
  const views = new Map<string, PodView>();
  const changes$ = new Subject<PodChange>();
  let seq = 0;
  const feed: PodFeed = {
    snapshot: () => views.values(),
    get lastSeq() {
      return seq;
    },
    changes$,
    state$: new BehaviorSubject<SourceInfo>({ state: 'synced', since: Date.now(), message: null }),
    stats: () => ({ events: seq, recomputes: seq, watchRestarts: 0 }),
  };
  const names: [number, string][] = [];
  for (let i = 0; i < cfg.pods; i++) names.push([i % NAMESPACES, `bench-app-${String(i)}`]);
  let next = 0;
  let restarts = 0;
  /** `stamp`: when the change is due (rate mode), so a server that falls behind shows it. */
  const emit = (ns: number, name: string, stamp = wallMs()): void => {
    restarts++;
    const view = podView(ns, name, restarts, `t=${String(stamp)}`);
    views.set(view.uid, view);
    changes$.next({
      type: 'MODIFIED',
      seq: ++seq,
      time: Date.now(),
      view,
      previous: { restarts: restarts - 1, ready: '2/2' },
    });
  };
  const emitNext = (stamp?: number): void => {
    const [ns, name] = names[next++ % names.length] ?? [0, 'none'];
    emit(ns, name, stamp);
  };
  const turn = (): Promise<void> => new Promise((r) => setImmediate(r));
  let server: PodpulseServer | null = null;
  serveProc(
    (async () => {
      server = createPodpulseServer({
        feed,
        log: pino({ level: 'silent' }),
        heartbeatMs: 0,
        coalesceWrites: cfg.coalesce,
      });
      const addr = await server.listen(0, '127.0.0.1');
      return { url: `ws://127.0.0.1:${String(addr.port)}/ws` };
    })(),
    {
      cpu: () => process.cpuUsage(),
      hrnow: () => Number(process.hrtime.bigint() / 1000n),
      burst: async (arg: { changes: number; batch: number }) => {
        for (let i = 0; i < arg.changes;) {
          for (let j = 0; j < arg.batch && i < arg.changes; j++, i++) emitNext();
          await turn();
        }
        for (let ns = 0; ns < NAMESPACES; ns++) emit(ns, SENTINEL);
        return null;
      },
      rate: async (arg: { rate: number; seconds: number }) => {
        const t0 = wallMs();
        const end = t0 + arg.seconds * 1000;
        let emitted = 0;
        while (wallMs() < end) {
          const due = Math.floor(((wallMs() - t0) / 1000) * arg.rate);
          for (; emitted < due; emitted++) emitNext(t0 + ((emitted + 1) * 1000) / arg.rate);
          await new Promise((r) => setTimeout(r, 5));
        }
        return { emitted, outboxBytes: server?.hub.outboxBytes() ?? 0 };
      },
    },
    async () => {
      await server?.close();
    },
  );
}

// ---------------------------------------------------------------------------------------------
// Orchestrator

function listArg(name: string, fallback: number[]): number[] {
  const i = process.argv.indexOf(`--${name}`);
  const v = i >= 0 ? process.argv[i + 1] : undefined;
  return v === undefined ? fallback : v.split(',').map(Number);
}

interface ThroughputSample {
  cpuUsPerChange: number;
  changesPerSec: number;
  framesPerSub: number;
}

async function orchestrate(): Promise<void> {
  const quick = process.argv.includes('--quick');
  const sizes = listArg('subscribers', quick ? [20] : [100, 1000]);
  const batches = listArg('batches', quick ? [8] : [1, 8]);
  const rates = listArg('rates', quick ? [200] : [200, 1000]);
  const rounds = listArg('rounds', [quick ? 1 : 3])[0] ?? 3;
  const seconds = listArg('seconds', [quick ? 1 : 4])[0] ?? 4;
  const log = (s: string): void => {
    process.stderr.write(`[fanout-write] ${s}\n`);
  };
  const self = 'fanout-write.ts';
  const modes = ['on', 'off'] as const;
  type Mode = (typeof modes)[number];
  const servers = new Map<Mode, Proc>();
  const urls = new Map<Mode, string>();
  const procs: Proc[] = [];
  const lines: string[] = [];
  const profDir = process.argv.includes('--profile')
    ? mkdtempSync(join(tmpdir(), 'fanout-prof-'))
    : null;
  const windows = new Map<Mode, { fromUs: number; toUs: number }[]>([
    ['on', []],
    ['off', []],
  ]);
  try {
    for (const mode of modes) {
      const flags = ['--max-old-space-size=4096'];
      if (profDir !== null)
        flags.push(
          '--cpu-prof',
          `--cpu-prof-dir=${join(profDir, mode)}`,
          '--cpu-prof-interval=250',
        );
      const p = await startProc(
        self,
        { role: 'server', coalesce: mode === 'on', pods: 10_000 },
        flags,
      );
      procs.push(p);
      servers.set(mode, p);
      urls.set(mode, (await p.call<{ url: string }>('ready')).url);
    }
    lines.push(
      '| subscribers | batch | cork on µs/change | cork off µs/change | off/on CPU | on changes/s | off changes/s | frames/sub on, off |',
      '| --- | --- | --- | --- | --- | --- | --- | --- |',
    );
    const latencyLines = [
      '| subscribers | changes/s | frames/s | p50 on | p50 off | p99 on | p99 off | max on | max off |',
      '| --- | --- | --- | --- | --- | --- | --- | --- | --- |',
    ];
    for (const size of sizes) {
      const subs = new Map<Mode, Proc>();
      for (const mode of modes) {
        const s = await startProc(
          'subscribers.ts',
          { url: urls.get(mode), mode: 'podpulse', count: size, latency: true },
          ['--max-old-space-size=4096'],
        );
        procs.push(s);
        subs.set(mode, s);
        await s.call('connect');
      }
      // Sized so one run writes about 300k frames.
      const changes = quick ? 200 : Math.max(100, Math.round(300_000 / size));
      const tput = new Map<string, ThroughputSample[]>();
      const lat = new Map<string, Histogram>();
      for (let r = 0; r < rounds; r++) {
        const order: Mode[] = r % 2 === 0 ? ['on', 'off'] : ['off', 'on'];
        for (const batch of batches) {
          for (const mode of order) {
            const server = servers.get(mode);
            const sub = subs.get(mode);
            if (server === undefined || sub === undefined) continue;
            await sub.call('arm');
            const cpu0 = await server.call<NodeJS.CpuUsage>('cpu');
            const fromUs = await server.call<number>('hrnow');
            const t0 = wallMs();
            await server.call('burst', { changes, batch });
            const seen = await sub.call<{ last: number; frames: number }>('waitSentinel');
            const cpu1 = await server.call<NodeJS.CpuUsage>('cpu');
            windows.get(mode)?.push({ fromUs, toUs: await server.call<number>('hrnow') });
            const cpuUs = cpu1.user - cpu0.user + (cpu1.system - cpu0.system);
            const n = changes + NAMESPACES;
            const key = `${String(batch)}/${mode}`;
            const list = tput.get(key) ?? [];
            list.push({
              cpuUsPerChange: cpuUs / n,
              changesPerSec: n / ((seen.last - t0) / 1000),
              framesPerSub: seen.frames / size,
            });
            tput.set(key, list);
            log(
              `${String(size)} subs, batch ${String(batch)}, cork ${mode}: ${(cpuUs / n).toFixed(1)} µs/change`,
            );
          }
        }
        for (const rate of rates) {
          for (const mode of order) {
            const server = servers.get(mode);
            const sub = subs.get(mode);
            if (server === undefined || sub === undefined) continue;
            await sub.call('arm');
            const cpu0 = await server.call<NodeJS.CpuUsage>('cpu');
            const ran = await server.call<{ emitted: number; outboxBytes: number }>('rate', {
              rate,
              seconds,
            });
            // Every frame must arrive: a frame still queued would otherwise drop out of the
            // histogram and flatter the slower mode.
            const asked = ran.emitted * size;
            const deadline = wallMs() + 60_000;
            let got = 0;
            while ((got = (await sub.call<{ frames: number }>('counts')).frames) < asked) {
              if (wallMs() > deadline) break;
              await new Promise((res) => setTimeout(res, 100));
            }
            const cpu1 = await server.call<NodeJS.CpuUsage>('cpu');
            const key = `${String(rate)}/${mode}`;
            const run = new Histogram();
            run.merge(await sub.call<HistogramJson>('latency'));
            const h = lat.get(key) ?? new Histogram();
            h.merge(await sub.call<HistogramJson>('latency'));
            lat.set(key, h);
            const cpuUs = cpu1.user - cpu0.user + (cpu1.system - cpu0.system);
            log(
              `${String(size)} subs, ${String(rate)} changes/s, cork ${mode}: p50 ${run.quantile(0.5).toFixed(2)} p99 ${run.quantile(0.99).toFixed(2)} ms, ${String(got)}/${String(asked)} frames, server ${(cpuUs / Math.max(1, ran.emitted)).toFixed(0)} µs/change, outbox ${String(ran.outboxBytes)} B at the end`,
            );
          }
        }
      }
      for (const batch of batches) {
        const on = tput.get(`${String(batch)}/on`) ?? [];
        const off = tput.get(`${String(batch)}/off`) ?? [];
        const cpuOn = median(on.map((s) => s.cpuUsPerChange));
        const cpuOff = median(off.map((s) => s.cpuUsPerChange));
        lines.push(
          `| ${String(size)} | ${String(batch)} | ${cpuOn.toFixed(1)} | ${cpuOff.toFixed(1)} | ${(cpuOff / cpuOn).toFixed(2)}× | ${fmt(median(on.map((s) => s.changesPerSec)))} | ${fmt(median(off.map((s) => s.changesPerSec)))} | ${median(on.map((s) => s.framesPerSub)).toFixed(0)}, ${median(off.map((s) => s.framesPerSub)).toFixed(0)} |`,
        );
      }
      for (const rate of rates) {
        const on = lat.get(`${String(rate)}/on`) ?? new Histogram();
        const off = lat.get(`${String(rate)}/off`) ?? new Histogram();
        const q = (h: Histogram, x: number): string => h.quantile(x).toFixed(2);
        latencyLines.push(
          `| ${String(size)} | ${String(rate)} | ${fmt(rate * size)} | ${q(on, 0.5)} | ${q(off, 0.5)} | ${q(on, 0.99)} | ${q(off, 0.99)} | ${on.max.toFixed(2)} | ${off.max.toFixed(2)} |`,
        );
      }
      for (const mode of modes) await subs.get(mode)?.call('closeAll');
    }
    process.stdout.write(
      `Throughput (median of ${String(rounds)} interleaved rounds; server CPU per change):\n\n${lines.join('\n')}\n\n` +
        `Latency (ms, emit → frame at subscriber, all rounds merged):\n\n${latencyLines.join('\n')}\n`,
    );
  } finally {
    for (const p of procs.reverse()) await p.close();
  }
  if (profDir === null) return;
  for (const mode of modes) {
    const dir = join(profDir, mode);
    const file = readdirSync(dir).find((f) => f.endsWith('.cpuprofile'));
    if (file === undefined) continue;
    const sum = summariseProfile(join(dir, file), windows.get(mode) ?? [], 12);
    process.stdout.write(
      `\nServer profile, cork ${mode}, throughput bursts (${(sum.busyUs / 1000).toFixed(0)} ms sampled):\n\n` +
        `| function | where | self ms | share |\n| --- | --- | --- | --- |\n` +
        sum.top
          .map(
            (t) =>
              `| \`${t.name}\` | ${t.where} | ${(t.selfUs / 1000).toFixed(0)} | ${(t.share * 100).toFixed(1)}% |`,
          )
          .join('\n') +
        '\n',
    );
  }
  rmSync(profDir, { recursive: true, force: true });
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  if (s.length === 0) return NaN;
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? (s[mid] ?? NaN) : ((s[mid - 1] ?? NaN) + (s[mid] ?? NaN)) / 2;
}

function fmt(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}
