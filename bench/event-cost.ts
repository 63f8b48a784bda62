/**
 * Focused A/B of the server's cost per watch event (0 subscribers) and retained heap per cached
 * pod, for two source trees side by side in one run: measure 1a and 3a of BENCHMARKS.md without
 * the full sweep. Each tree's own `bench/scenarios/throughput.ts` runs its own server process
 * against the same recorded workload; runs alternate A/B (then B/A) so that load from other jobs
 * on the shared cores falls on both, and the best of N is kept per tree.
 *
 *   node bench/event-cost.ts --a /tmp/before --b . [--pods 10000,100000] [--rounds 3]
 *        [--events 20000] [--cpu-prof <dir>]
 *
 * A tree is a directory holding `src/` and `bench/` (e.g. `git archive <rev> src bench | tar -x`)
 * with `node_modules` reachable from it (a symlink to this one's). Both default to this tree.
 * `--cpu-prof` profiles one more run of each tree and prints where its time went.
 */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startProc } from './lib/proc.ts';
import { summariseProfile } from './lib/profile.ts';
import { writeWorkload } from './lib/workload.ts';
import type { SeriesResult, SeriesSpec } from './scenarios/throughput.ts';
import type { WorkloadFiles } from './lib/workload.ts';

type RunSeries = (files: WorkloadFiles, spec: SeriesSpec) => Promise<SeriesResult>;

const argv = process.argv.slice(2);
function arg(name: string): string | undefined {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? argv[i + 1] : undefined;
}
const here = fileURLToPath(new URL('..', import.meta.url));
const trees = { A: resolve(arg('a') ?? here), B: resolve(arg('b') ?? here) };
const podCounts = (arg('pods') ?? '10000,100000').split(',').map(Number);
const rounds = Number(arg('rounds') ?? '3');
const events = Number(arg('events') ?? '20000');
const profDir = arg('cpu-prof');
const log = (s: string): void => {
  process.stderr.write(`[event-cost] ${s}\n`);
};

async function runner(tree: string): Promise<RunSeries> {
  const mod = (await import(join(tree, 'bench/scenarios/throughput.ts'))) as {
    runSeries: RunSeries;
  };
  return mod.runSeries;
}
const run = { A: await runner(trees.A), B: await runner(trees.B) };

interface Sample {
  usPerEvent: number;
  heapPerPod: number;
}
const work = mkdtempSync(join(tmpdir(), 'podpulse-event-cost-'));
const lines: string[] = [];
try {
  for (const pods of podCounts) {
    log(`workload: ${pods} pods, ${events} events`);
    const files = await writeWorkload(join(work, `w${pods}`), {
      pods,
      mixed: events,
      statusShare: 0.5,
      noise: 0,
      seed: 1,
    });
    const p = await startProc('parse-bound.ts', { path: files.mixed });
    const bound = await p.call<{ eventsPerSec: number }>('run', { count: events });
    await p.close();
    const boundUs = 1e6 / bound.eventsPerSec;
    const samples: Record<'A' | 'B', Sample[]> = { A: [], B: [] };
    for (let r = 0; r < rounds; r++) {
      for (const side of r % 2 === 0 ? (['A', 'B'] as const) : (['B', 'A'] as const)) {
        const s = await run[side](files, {
          mode: 'podpulse',
          pods,
          noise: 0,
          runs: [{ subscribers: 0, filter: false, events }],
        });
        if (s.error !== null) throw new Error(`${side}: ${s.error}`);
        const us = s.runs[0]?.serverCpuUsPerEvent ?? NaN;
        samples[side].push({ usPerEvent: us, heapPerPod: s.heapPerPod });
        log(
          `  round ${r + 1} ${side}: ${us.toFixed(1)} µs/event, ${(s.heapPerPod / 1024).toFixed(2)} KB/pod (load ${loadavg()[0]?.toFixed(1) ?? '?'})`,
        );
      }
    }
    const best = (side: 'A' | 'B', k: keyof Sample): number =>
      Math.min(...samples[side].map((x) => x[k]));
    const a = { us: best('A', 'usPerEvent'), heap: best('A', 'heapPerPod') };
    const b = { us: best('B', 'usPerEvent'), heap: best('B', 'heapPerPod') };
    lines.push(
      `${pods} pods, best of ${rounds}: parse bound ${boundUs.toFixed(1)} µs/event | ` +
        `A ${a.us.toFixed(1)} µs/event (${(boundUs / a.us).toFixed(2)}× bound), ` +
        `${(a.heap / 1024).toFixed(2)} KB/pod | ` +
        `B ${b.us.toFixed(1)} µs/event (${(boundUs / b.us).toFixed(2)}× bound), ` +
        `${(b.heap / 1024).toFixed(2)} KB/pod | ` +
        `B/A CPU ${(b.us / a.us).toFixed(2)}×, heap ${(b.heap / a.heap).toFixed(2)}×`,
    );
    if (profDir !== undefined) {
      for (const side of ['A', 'B'] as const) {
        const dir = join(profDir, `${side}-${pods}`);
        const s = await run[side](files, {
          mode: 'podpulse',
          pods,
          noise: 0,
          runs: [{ subscribers: 0, filter: false, events }],
          cpuProfDir: dir,
        });
        const file = readdirSync(dir).find((f) => f.endsWith('.cpuprofile'));
        const window = s.runs[0]?.window;
        if (file === undefined || window === undefined) continue;
        const summary = summariseProfile(join(dir, file), [window], 40);
        lines.push(`${side} profile, ${pods} pods:\n${JSON.stringify(summary, null, 1)}`);
      }
    }
    rmSync(files.dir, { recursive: true, force: true });
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
process.stdout.write(`A = ${trees.A}\nB = ${trees.B}\n${lines.join('\n')}\n`);
