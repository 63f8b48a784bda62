/**
 * The parse bound: `JSON.parse` of the very watch lines the throughput runs replay, on one core,
 * with nothing else done. No informer can process events faster than it can parse them, so this
 * is the ceiling the throughput goal is stated against. Best of three passes (warm JIT).
 */
import { readFileSync } from 'node:fs';
import { procConfig, serveProc } from './lib/proc.ts';

const cfg = procConfig() as { path: string };
const text = readFileSync(cfg.path, 'latin1');
const lines = text.split('\n').filter((l) => l.length > 0);

serveProc(Promise.resolve(null), {
  run: (arg: { count: number }) => {
    const n = Math.min(arg.count, lines.length);
    let best = Infinity;
    let bytes = 0;
    let sink = 0;
    for (let pass = 0; pass < 3; pass++) {
      bytes = 0;
      const t0 = performance.now();
      for (let i = 0; i < n; i++) {
        const l = lines[i] as string;
        bytes += l.length + 1;
        const o = JSON.parse(l) as { type: string };
        sink += o.type.length;
      }
      best = Math.min(best, performance.now() - t0);
    }
    return { events: n, bytes, ms: best, eventsPerSec: n / (best / 1000), sink };
  },
});
