/**
 * Turns the results of one `bench/run.ts` run into the console table and BENCHMARKS.md. Goals are
 * evaluated here from the numbers of this run only; the prose that explains gaps lives in
 * docs/benchmarks.md, which the generated page links.
 */
import type { ProfileSummary } from './profile.ts';
import type { LatencyResult } from '../scenarios/latency.ts';
import type { SeriesResult } from '../scenarios/throughput.ts';
import type { SyncResult } from '../scenarios/sync.ts';

export interface BenchResults {
  command: string;
  quick: boolean;
  node: string;
  cpu: string;
  memoryGiB: number;
  kubectl: string;
  date: string;
  durationS: number;
  /** 1-minute load average before and after the run (other work on the machine). */
  load?: { before: number; after: number };
  note?: string;
  parseBound: { events: number; bytes: number; eventsPerSec: number } | null;
  series: SeriesResult[];
  profiles: { label: string; summary: ProfileSummary }[];
  latency: LatencyResult[];
  slow: LatencyResult[];
  sync: SyncResult[];
  web?: string[];
}

const n0 = (x: number): string =>
  Number.isFinite(x) ? Math.round(x).toLocaleString('en-US') : '–';
const n1 = (x: number): string => (Number.isFinite(x) ? x.toFixed(1) : '–');
const n2 = (x: number): string => (Number.isFinite(x) ? x.toFixed(2) : '–');
const kb = (x: number): string => (Number.isFinite(x) ? `${(x / 1024).toFixed(2)} KB` : '–');
const pct = (x: number): string => `${(x * 100).toFixed(1)}%`;
const verdict = (ok: boolean | null): string => (ok === null ? 'n/a' : ok ? 'met' : '**not met**');

function table(head: string[], rows: string[][]): string {
  return [
    `| ${head.join(' | ')} |`,
    `| ${head.map(() => '---').join(' | ')} |`,
    ...rows.map((r) => `| ${r.join(' | ')} |`),
  ].join('\n');
}

interface Pair {
  pods: number;
  subscribers: number;
  filter: boolean;
  pp: SeriesResult['runs'][number] | undefined;
  nv: SeriesResult['runs'][number] | undefined;
}

function pairs(r: BenchResults): Pair[] {
  const out: Pair[] = [];
  for (const s of r.series.filter((x) => x.mode === 'podpulse')) {
    const naive = r.series.find((x) => x.mode === 'naive' && x.pods === s.pods);
    for (const run of s.runs) {
      out.push({
        pods: s.pods,
        subscribers: run.subscribers,
        filter: run.filter,
        pp: run,
        nv: naive?.runs.find((x) => x.subscribers === run.subscribers && x.filter === run.filter),
      });
    }
  }
  return out;
}

function throughputRows(r: BenchResults): string[][] {
  const bound = r.parseBound?.eventsPerSec ?? NaN;
  return pairs(r).map((p) => {
    const pp = p.pp?.eventsPerSec ?? NaN;
    const nv = p.nv?.eventsPerSec ?? NaN;
    return [
      n0(p.pods),
      `${n0(p.subscribers)}${p.filter ? ' (1 ns of 10)' : ''}`,
      n0(p.pp?.events ?? NaN),
      n0(pp),
      n0(nv),
      `${n2(pp / nv)}×`,
      `${n2(pp / bound)}×`,
      n1(p.pp?.serverCpuUsPerEvent ?? NaN),
      n1(p.nv?.serverCpuUsPerEvent ?? NaN),
      `${n2((p.nv?.serverCpuUsPerEvent ?? NaN) / (p.pp?.serverCpuUsPerEvent ?? NaN))}×`,
      n1(p.pp?.framesPerSubscriber ?? NaN),
      kb((p.pp?.bytesPerSubscriber ?? NaN) / Math.max(1, p.pp?.events ?? 1)),
      kb((p.nv?.bytesPerSubscriber ?? NaN) / Math.max(1, p.nv?.events ?? 1)),
    ];
  });
}

/** The console summary. */
export function renderTable(r: BenchResults): string {
  const lines: string[] = [];
  lines.push(`parse bound: ${n0(r.parseBound?.eventsPerSec ?? NaN)} events/s`);
  lines.push(
    'pods     subs   events  podpulse ev/s  naive ev/s  ratio  vs parse  pp µs/ev  naive µs/ev',
  );
  for (const row of throughputRows(r)) {
    lines.push(
      [row[0], row[1], row[2], row[3], row[4], row[5], row[6], row[7], row[8]]
        .map((c, i) => (c ?? '').padStart(i === 1 ? 14 : 10))
        .join(' '),
    );
  }
  for (const s of r.series) {
    lines.push(
      `${s.mode} ${n0(s.pods)} pods: sync ${n0(s.syncMs)} ms, heap/pod ${kb(s.heapPerPod)}${s.noise ? `, noise recomputes ${String(s.noise.recomputes)}` : ''}${s.error ? `, ERROR ${s.error}` : ''}`,
    );
  }
  for (const l of [...r.latency, ...r.slow]) {
    lines.push(
      `latency ${n0(l.subscribers)} subs${l.stalled ? ` (${l.stalled} stalled)` : ''} @ ${n0(l.rate)} ev/s: p50 ${n2(l.p50)} ms p99 ${n2(l.p99)} ms max ${n2(l.max)} ms (${n0(l.samples)} frames)${l.error ? ` ERROR ${l.error}` : ''}`,
    );
  }
  for (const s of r.sync) {
    lines.push(
      `sync ${n0(s.pods)} pods: podpulse ${n0(s.podpulseStreamingMs)} ms (streaming) / ${n0(s.podpulseListMs)} ms (LIST), kubectl ${n0(s.kubectlMs)} ms${s.error ? ` ERROR ${s.error}` : ''}`,
    );
  }
  return lines.join('\n');
}

function profileSection(p: { label: string; summary: ProfileSummary }): string {
  const areas = p.summary.areas
    .slice(0, 10)
    .map((a) => [a.area, `${n0(a.selfUs / 1000)} ms`, pct(a.share)]);
  const top = p.summary.top.map((f) => [
    `\`${f.name}\``,
    f.where === '' ? '(native)' : `\`${f.where}\``,
    `${n0(f.selfUs / 1000)} ms`,
    pct(f.share),
  ]);
  return [
    `#### ${p.label} (${n0(p.summary.busyUs / 1000)} ms of samples)`,
    '',
    table(['area', 'self time', 'share'], areas),
    '',
    table(['function', 'where', 'self time', 'share'], top),
  ].join('\n');
}

/** BENCHMARKS.md */
export function renderReport(r: BenchResults): string {
  const bound = r.parseBound?.eventsPerSec ?? NaN;
  const pp = r.series.filter((s) => s.mode === 'podpulse');
  const nv = r.series.filter((s) => s.mode === 'naive');
  const ps = pairs(r);
  const solo = ps.find((p) => p.subscribers === 0 && p.pods === 10_000) ?? ps[0];
  const at100 = ps.find((p) => p.subscribers === 100 && p.pods === 10_000 && !p.filter);
  const soloRatio = (solo?.pp?.eventsPerSec ?? NaN) / bound;
  const baseRatio = (at100?.pp?.eventsPerSec ?? NaN) / (at100?.nv?.eventsPerSec ?? NaN);
  const big = pp.find((s) => s.pods === 100_000) ?? pp[pp.length - 1];
  const bigNaive = nv.find((s) => s.pods === big?.pods);
  const idle = ps
    .filter((p) => p.subscribers >= 1000 && !p.filter)
    .map((p) => p.pp?.bytesPerIdleSubscriber ?? NaN);
  const idleMax = idle.length > 0 ? Math.max(...idle) : NaN;
  const goalLatency = r.latency[0];
  const noise = pp.map((s) => s.noise?.recomputes ?? NaN);
  const syncBig = r.sync[r.sync.length - 1];
  const syncRatio = (syncBig?.podpulseStreamingMs ?? NaN) / (syncBig?.kubectlMs ?? NaN);
  const [slowBase, slowStalled] = r.slow;
  const slowRatio = (slowStalled?.p99 ?? NaN) / (slowBase?.p99 ?? NaN);

  const goals = [
    [
      '1a throughput vs JSON.parse bound (informer+pipeline, 0 subscribers)',
      '≥ 0.5×',
      `${n2(soloRatio)}×`,
      verdict(Number.isFinite(soloRatio) ? soloRatio >= 0.5 : null),
    ],
    [
      '1b throughput vs naive baseline (100 subscribers)',
      '≥ 5×',
      `${n2(baseRatio)}×`,
      verdict(Number.isFinite(baseRatio) ? baseRatio >= 5 : null),
    ],
    [
      `2 latency p99 (${n0(goalLatency?.subscribers ?? NaN)} subscribers, ${n0(goalLatency?.rate ?? NaN)} events/s)`,
      '< 10 ms',
      `${n2(goalLatency?.p99 ?? NaN)} ms`,
      verdict(goalLatency && Number.isFinite(goalLatency.p99) ? goalLatency.p99 < 10 : null),
    ],
    [
      `3a heap per cached pod (${n0(big?.pods ?? NaN)} pods)`,
      '≤ 1.5 KB',
      `${kb(big?.heapPerPod ?? NaN)} (client-node: ${kb(bigNaive?.heapPerPod ?? NaN)})`,
      verdict(big && Number.isFinite(big.heapPerPod) ? big.heapPerPod <= 1536 : null),
    ],
    [
      '3b memory per idle subscriber',
      '≤ 20 KB',
      kb(idleMax),
      verdict(Number.isFinite(idleMax) ? idleMax <= 20 * 1024 : null),
    ],
    [
      `4 initial sync vs kubectl (${n0(syncBig?.pods ?? NaN)} pods)`,
      '≤ 1.5×',
      `${n2(syncRatio)}×`,
      verdict(Number.isFinite(syncRatio) ? syncRatio <= 1.5 : null),
    ],
    [
      '5 recomputes under annotation-only noise',
      '0',
      noise.map((x) => n0(x)).join(', '),
      verdict(noise.length > 0 ? noise.every((x) => x === 0) : null),
    ],
    [
      '6 slow consumer: others’ p99 with one stalled / without',
      '≤ 1.2×',
      `${n2(slowRatio)}×`,
      verdict(Number.isFinite(slowRatio) ? slowRatio <= 1.2 : null),
    ],
  ];

  const seriesRows = r.series.map((s) => [
    s.mode,
    n0(s.pods),
    `${n0(s.syncMs)} ms`,
    kb(s.heapPerPod),
    s.noise
      ? `${n0(s.noise.events)} events → ${String(s.noise.recomputes ?? 'n/a')} recomputes, ${String(s.noise.changes ?? 'n/a')} changes`
      : '–',
    s.error ?? '',
  ]);
  const idleRows = ps
    .filter((p) => p.subscribers > 0)
    .map((p) => [
      n0(p.pods),
      `${n0(p.subscribers)}${p.filter ? ' (filtered)' : ''}`,
      kb(p.pp?.bytesPerIdleSubscriber ?? NaN),
      kb(p.nv?.bytesPerIdleSubscriber ?? NaN),
    ]);
  const latRows = [...r.latency, ...r.slow].map((l) => [
    n0(l.pods),
    n0(l.subscribers),
    String(l.stalled),
    n0(l.rate),
    n0(l.rate * l.statusShare * l.subscribers),
    n0(l.samples),
    n2(l.p50),
    n2(l.p99),
    n2(l.max),
    `${(l.serverGrowth / 2 ** 20).toFixed(1)} MiB`,
    l.error ?? '',
  ]);
  const syncRows = r.sync.map((s) => [
    n0(s.pods),
    `${n0(s.podpulseStreamingMs)} ms`,
    `${n0(s.podpulseListMs)} ms`,
    `${n0(s.kubectlMs)} ms`,
    `${n2(s.podpulseStreamingMs / s.kubectlMs)}×`,
    s.error ?? '',
  ]);

  return `# Benchmarks

Generated by \`${r.command}\` — do not edit by hand; \`npm run bench\` rewrites this page.
How the harness works, what each number means and why a goal is missed: [docs/benchmarks.md](docs/benchmarks.md).

- Date: ${r.date} (run took ${n0(r.durationS)} s)
- Node ${r.node}, kubectl ${r.kubectl}
- CPU: ${r.cpu}, ${r.memoryGiB} GiB RAM${r.load ? `; 1-minute load average ${n2(r.load.before)} before, ${n2(r.load.after)} after` : ''}${r.note === undefined ? '' : `\n- **Note:** ${r.note}`}
- Every role runs in its own process on these same cores: API (feeder or simulator), server under
  test, subscriber processes. On 2 cores the subscribers compete with the server for CPU, so
  end-to-end events/s understate the server; "server µs/event" is the server process's own CPU.

## Goals

${table(['measure', 'goal', 'this run', 'verdict'], goals)}

## 1. Throughput and 7. cost growth

Feeder replays recorded watch events (${r.parseBound ? n0(r.parseBound.bytes / r.parseBound.events) : '–'} bytes each, 50% status changes,
50% annotation-only noise) as fast as the server reads them; a run ends when every subscriber has
the burst's last event. JSON.parse bound of the same lines on one core: **${n0(bound)} events/s**.
Naive = client-node \`makeInformer\` + \`JSON.stringify\` of the full pod once per event, sent to
every client. Subscribers resume from the current cursor (no snapshot).

${table(
  [
    'pods',
    'subscribers',
    'events',
    'podpulse ev/s',
    'naive ev/s',
    'podpulse/naive',
    'podpulse/parse bound',
    'podpulse server µs/ev',
    'naive server µs/ev',
    'CPU ratio',
    'frames/subscriber',
    'podpulse bytes/sub/ev',
    'naive bytes/sub/ev',
  ],
  throughputRows(r),
)}

## Sync, memory per pod, recomputes under noise

Heap per pod: server process heap after sync and two GCs, minus its heap before the informer
started, over the pods cached (podpulse: slim cache + views + replay buffer; naive: client-node's
ListWatch cache of full objects).

${table(['server', 'pods', 'sync (feeder, LIST)', 'heap/pod', 'noise burst', 'error'], seriesRows)}

## 3b. Memory per idle subscriber

Server heap + external growth after connecting (and subscribing) the subscribers, per subscriber.

${table(['pods', 'subscribers', 'podpulse', 'naive'], idleRows)}

## 2. Latency and 6. slow consumer

Simulator write → frame at the subscriber, every status-change frame of every subscriber.
"frames/s" is the fan-out the rate asks for (status changes/s × subscribers).

${table(
  [
    'pods',
    'subscribers',
    'stalled',
    'events/s',
    'frames/s asked',
    'frames seen',
    'p50 ms',
    'p99 ms',
    'max ms',
    'server heap growth',
    'error',
  ],
  latRows,
)}

## 4. Initial sync against kubectl

${table(['pods', 'podpulse (streaming list)', 'podpulse (LIST, 500/page)', 'kubectl --chunk-size=500', 'ratio', 'error'], syncRows)}

## Where the time goes (server CPU profile, throughput runs)

Self time per area and the top functions, sampled only during the burst.

${r.profiles.map(profileSection).join('\n\n')}
${r.web && r.web.length > 0 ? `\n## Dashboard (bench/web.ts, headless Chromium)\n\n\`\`\`\n${r.web.join('\n')}\n\`\`\`\n` : ''}`;
}
