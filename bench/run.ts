/**
 * `npm run bench`: runs every scenario, prints the results and regenerates BENCHMARKS.md.
 *
 *   node bench/run.ts            full sweep (about 15 minutes on 2 cores), writes BENCHMARKS.md
 *   node bench/run.ts --quick    tiny scale (seconds): a smoke test of the harness
 *   --out <file.json>            also write the raw results as JSON
 *   --no-write                   do not touch BENCHMARKS.md (default with --quick)
 *   --note <text>                a line for BENCHMARKS.md (e.g. what else ran on the machine)
 *   --from <file.json>           only re-render BENCHMARKS.md from saved results
 *
 * Every process role (feeder/simulator, server under test, subscribers) is a separate Node
 * process: see bench/lib/proc.ts. Scenarios: bench/scenarios/*.ts.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { format } from 'prettier';
import { startProc } from './lib/proc.ts';
import { summariseProfile, type ProfileSummary } from './lib/profile.ts';
import { renderReport, renderTable, type BenchResults } from './lib/report.ts';
import { writeWorkload } from './lib/workload.ts';
import { runLatency, type LatencyResult } from './scenarios/latency.ts';
import { runSync } from './scenarios/sync.ts';
import { runSeries, type SeriesResult } from './scenarios/throughput.ts';

const argv = process.argv.slice(2);
const quick = argv.includes('--quick');
const outIdx = argv.indexOf('--out');
const out = outIdx >= 0 ? argv[outIdx + 1] : undefined;
const write = !quick && !argv.includes('--no-write');
const noteIdx = argv.indexOf('--note');
const note = noteIdx >= 0 ? argv[noteIdx + 1] : undefined;
const fromIdx = argv.indexOf('--from');
if (fromIdx >= 0) {
  // Re-renders BENCHMARKS.md from saved results (--out of an earlier run), e.g. to add a note.
  const saved = JSON.parse(readFileSync(argv[fromIdx + 1] ?? '', 'utf8')) as BenchResults;
  if (note !== undefined) saved.note = note;
  writeFileSync(new URL('../BENCHMARKS.md', import.meta.url), await formatted(renderReport(saved)));
  process.exit(0);
}
const log = (s: string): void => {
  process.stderr.write(`[bench] ${s}\n`);
};

/** Events per run: a budget of frames per run keeps every run to a few seconds. */
function eventsFor(mode: 'podpulse' | 'naive', subscribers: number, filter: boolean): number {
  if (quick) return subscribers === 0 ? 2000 : 300;
  if (subscribers === 0) return 20_000;
  const fanout = filter ? subscribers / 10 : subscribers;
  const budget = mode === 'podpulse' ? 500_000 : 200_000;
  return Math.max(20, Math.min(20_000, Math.round(budget / fanout)));
}

const podCounts = quick ? [500] : [10_000, 100_000];
const subscriberSets = quick
  ? [
      { subscribers: 0, filter: false },
      { subscribers: 20, filter: false },
      { subscribers: 20, filter: true },
    ]
  : [
      { subscribers: 0, filter: false },
      { subscribers: 100, filter: false },
      { subscribers: 1000, filter: false },
      { subscribers: 1000, filter: true },
      { subscribers: 10_000, filter: false },
    ];

const started = new Date();
const loadBefore = loadavg()[0] ?? NaN;
const t0 = performance.now();
const work = mkdtempSync(join(tmpdir(), 'podpulse-bench-'));
const series: SeriesResult[] = [];
const profiles: { label: string; summary: ProfileSummary }[] = [];
let parseBound: { events: number; bytes: number; eventsPerSec: number } | null = null;

try {
  for (const pods of podCounts) {
    log(`workload: ${pods} pods`);
    // Every run sends a fresh slice of the mixed burst (a replayed event would not be a change).
    const mixed = [...subscriberSets, ...subscriberSets].reduce(
      (a, s) => a + eventsFor('podpulse', s.subscribers, s.filter),
      0,
    );
    const files = await writeWorkload(join(work, `w${pods}`), {
      pods,
      mixed,
      statusShare: 0.5,
      noise: quick ? 500 : 5000,
      seed: 1,
    });
    if (parseBound === null) {
      const p = await startProc('parse-bound.ts', { path: files.mixed });
      parseBound = await p.call('run', { count: quick ? 2000 : 20_000 });
      await p.close();
      log(`parse bound: ${Math.round(parseBound?.eventsPerSec ?? 0)} events/s`);
    }
    // The profiled series is extra: profiling slows the server, so its numbers are not reported.
    const kinds = ['podpulse', 'naive', ...(pods === podCounts[0] ? ['profile'] : [])] as const;
    for (const kind of kinds) {
      const mode = kind === 'naive' ? 'naive' : 'podpulse';
      const profDir = kind === 'profile' ? join(work, 'prof') : undefined;
      const sets =
        kind === 'profile' ? subscriberSets.filter((s) => s.subscribers <= 100) : subscriberSets;
      log(`throughput: ${kind}, ${pods} pods`);
      const r = await runSeries(files, {
        mode,
        pods,
        noise: quick ? 500 : 5000,
        runs: sets.map((s) => ({ ...s, events: eventsFor(mode, s.subscribers, s.filter) })),
        ...(profDir === undefined ? {} : { cpuProfDir: profDir }),
      });
      if (r.error !== null) log(`  error: ${r.error}`);
      if (profDir === undefined) {
        series.push(r);
        continue;
      }
      const file = readdirSync(profDir).find((f) => f.endsWith('.cpuprofile'));
      if (file === undefined) continue;
      for (const run of r.runs.filter((x) => !x.filter)) {
        profiles.push({
          label: `${run.pods} pods, ${run.subscribers} subscribers`,
          summary: summariseProfile(join(profDir, file), [run.window]),
        });
      }
    }
    rmSync(files.dir, { recursive: true, force: true });
  }

  const latency: LatencyResult[] = [];
  const latencyPoints = quick
    ? [{ pods: 500, subscribers: 20, rate: 200, statusShare: 0.2, seconds: 1, stalled: 0 }]
    : [
        { pods: 10_000, subscribers: 1000, rate: 2000, statusShare: 0.1, seconds: 8, stalled: 0 },
        { pods: 10_000, subscribers: 100, rate: 2000, statusShare: 0.1, seconds: 8, stalled: 0 },
        { pods: 10_000, subscribers: 1000, rate: 400, statusShare: 0.1, seconds: 8, stalled: 0 },
      ];
  for (const pt of latencyPoints) {
    log(`latency: ${pt.subscribers} subscribers at ${pt.rate} events/s`);
    latency.push(await runLatency(pt));
  }
  const slowBase = latencyPoints[latencyPoints.length - 1];
  const slow: LatencyResult[] = [];
  if (slowBase) {
    log('slow consumer');
    const secs = quick ? 1 : 15;
    slow.push(await runLatency({ ...slowBase, seconds: secs, stalled: 0 }));
    slow.push(await runLatency({ ...slowBase, seconds: secs, stalled: 1 }));
  }
  log('initial sync vs kubectl');
  const sync = [];
  for (const pods of quick ? [500] : [10_000, 100_000])
    sync.push(await runSync(pods, quick ? 1 : 2));

  // The dashboard's own benchmark (bench/web.ts) in headless Chromium, when there is one.
  let web: string[] | undefined;
  if (!quick && existsSync('/usr/bin/chromium')) {
    log('dashboard: 1,000 changes to 20,000 pods in Chromium');
    try {
      const text = execFileSync(process.execPath, [new URL('./web.ts', import.meta.url).pathname], {
        encoding: 'utf8',
        timeout: 300_000,
      });
      web = text.trimEnd().split('\n');
    } catch (err) {
      log(`  error: ${err instanceof Error ? err.message : String(err)}`);
    }
  }

  const results: BenchResults = {
    command: `node bench/run.ts${argv.length > 0 ? ` ${argv.join(' ')}` : ''}`,
    quick,
    node: process.version,
    cpu: `${cpus()[0]?.model ?? 'unknown'} × ${cpus().length}`,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    kubectl: kubectlVersion(),
    date: started.toISOString(),
    durationS: (performance.now() - t0) / 1000,
    load: { before: loadBefore, after: loadavg()[0] ?? NaN },
    ...(note === undefined ? {} : { note }),
    parseBound,
    series,
    profiles,
    latency,
    slow,
    sync,
    ...(web === undefined ? {} : { web }),
  };
  process.stdout.write(`${renderTable(results)}\n`);
  if (out !== undefined) writeFileSync(out, JSON.stringify(results, null, 2));
  if (write) {
    writeFileSync(
      new URL('../BENCHMARKS.md', import.meta.url),
      await formatted(renderReport(results)),
    );
    log('wrote BENCHMARKS.md');
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}

/** BENCHMARKS.md as `prettier --check` (npm run lint) expects it. */
async function formatted(md: string): Promise<string> {
  return format(md, { parser: 'markdown', filepath: 'BENCHMARKS.md' });
}

function kubectlVersion(): string {
  try {
    const v = execFileSync('/usr/bin/kubectl', ['version', '--client', '-o', 'json'], {
      encoding: 'utf8',
    });
    return (
      (JSON.parse(v) as { clientVersion?: { gitVersion?: string } }).clientVersion?.gitVersion ??
      '?'
    );
  } catch {
    return 'not found';
  }
}
