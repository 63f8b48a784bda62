/**
 * Summarises a V8 `.cpuprofile` (from `--cpu-prof`): self time per function and per area of the
 * code, counted only over the given monotonic windows (µs, `process.hrtime` clock, which is the
 * profile's clock), so list/sync and idle time do not dilute the measured burst.
 */
import { readFileSync } from 'node:fs';

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
}
interface ProfileNode {
  id: number;
  callFrame: CallFrame;
}
interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  samples: number[];
  timeDeltas: number[];
}

export interface ProfileSummary {
  /** Sampled µs inside the windows (idle excluded). */
  busyUs: number;
  top: { name: string; where: string; selfUs: number; share: number }[];
  areas: { area: string; selfUs: number; share: number }[];
}

/** Which part of the system a frame belongs to. */
export function areaOf(url: string, fn: string): string {
  if (fn === '(garbage collector)') return 'GC';
  if (fn === '(program)' || fn === '(idle)') return fn;
  if (fn === 'parse' && url === '') return 'JSON.parse';
  if (fn === 'stringify' && url === '') return 'JSON.stringify';
  const m = /\/src\/([a-z]+)\//.exec(url);
  if (m) return `podpulse ${m[1] ?? ''}/`;
  const dep = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(url);
  if (dep) return dep[1] ?? 'deps';
  if (url.startsWith('node:')) return 'node core';
  if (url.includes('/bench/')) return 'bench harness';
  return url === '' ? 'native/V8' : 'other';
}

export function summariseProfile(
  path: string,
  windows: readonly { fromUs: number; toUs: number }[],
  topN = 15,
): ProfileSummary {
  const p = JSON.parse(readFileSync(path, 'utf8')) as CpuProfile;
  const byId = new Map<number, CallFrame>();
  for (const n of p.nodes) byId.set(n.id, n.callFrame);
  const self = new Map<string, { name: string; where: string; area: string; us: number }>();
  let t = p.startTime;
  let busy = 0;
  for (let i = 0; i < p.samples.length; i++) {
    const dt = p.timeDeltas[i] ?? 0;
    t += dt;
    if (!windows.some((w) => t >= w.fromUs && t <= w.toUs)) continue;
    const f = byId.get(p.samples[i] ?? -1);
    if (!f || f.functionName === '(idle)') continue;
    // The sample's weight is the interval until the next sample.
    const w = p.timeDeltas[i + 1] ?? dt;
    busy += w;
    const where =
      f.url === ''
        ? ''
        : `${f.url.replace(/^.*\/(src|node_modules|bench)\//, '$1/')}:${f.lineNumber + 1}`;
    const key = `${f.functionName}|${where}`;
    const e = self.get(key) ?? {
      name: f.functionName || '(anonymous)',
      where,
      area: areaOf(f.url, f.functionName),
      us: 0,
    };
    e.us += w;
    self.set(key, e);
  }
  const entries = [...self.values()].sort((a, b) => b.us - a.us);
  const areas = new Map<string, number>();
  for (const e of entries) areas.set(e.area, (areas.get(e.area) ?? 0) + e.us);
  const share = (us: number): number => (busy === 0 ? 0 : us / busy);
  return {
    busyUs: busy,
    top: entries
      .slice(0, topN)
      .map((e) => ({ name: e.name, where: e.where, selfUs: e.us, share: share(e.us) })),
    areas: [...areas.entries()]
      .sort((a, b) => b[1] - a[1])
      .map(([area, us]) => ({ area, selfUs: us, share: share(us) })),
  };
}
