/**
 * Dashboard benchmark: the time for the page in real Chromium to apply 1,000 changes to a table
 * of 20,000 pods and render the result (one animation frame, layout forced).
 *
 * The page is built into a temporary directory and served by a bare static server (no WebSocket
 * behind it: the page shows "reconnecting" and the benchmark feeds it through its debug handle
 * `window.podpulse.app`, the same entry points the client library's events call).
 *
 * Usage: `node bench/web.ts [--pods 20000] [--changes 1000] [--rounds 15]`. Prints one line per
 * scenario with the median and p90 in milliseconds. Needs Debian's chromium at /usr/bin/chromium.
 */
import { createServer } from 'node:http';
import { readFile } from 'node:fs/promises';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { extname, join } from 'node:path';
import { chromium } from 'playwright-core';
import { buildWeb } from '../scripts/build-web.ts';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const v = i > 0 ? Number(process.argv[i + 1]) : NaN;
  return Number.isFinite(v) && v > 0 ? v : fallback;
}

const pods = arg('pods', 20_000);
const changes = arg('changes', 1_000);
const rounds = arg('rounds', 15);

const types: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
};

const dir = await mkdtemp(join(tmpdir(), 'podpulse-web-bench-'));
await buildWeb(dir);
const server = createServer((req, res) => {
  const path = new URL(req.url ?? '/', 'http://x').pathname;
  const file = path === '/' ? 'index.html' : path.slice(1);
  readFile(join(dir, file)).then(
    (body) => {
      res.writeHead(200, { 'content-type': types[extname(file)] ?? 'application/octet-stream' });
      res.end(body);
    },
    () => {
      res.writeHead(404).end();
    },
  );
});
await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
const address = server.address();
const port = typeof address === 'object' && address !== null ? address.port : 0;

const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
});
try {
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  await page.goto(`http://127.0.0.1:${port}/`);
  await page.waitForFunction(() => 'podpulse' in globalThis);

  const result = await page.evaluate(
    async ({ pods, changes, rounds }) => {
      type AnyApp = {
        snapshot(v: unknown[]): void;
        change(c: unknown): void;
        whenRendered(): Promise<void>;
        lastFrameMs: number;
      };
      // Runs in the page; the root tsconfig has no DOM types, so the few globals used are typed here.
      const page = globalThis as unknown as {
        podpulse: { app: AnyApp };
        document: {
          getElementById(id: string): { getBoundingClientRect(): unknown } | null;
          body: { offsetHeight: number };
          querySelectorAll(s: string): { length: number };
        };
      };
      const app = page.podpulse.app;
      const document = page.document;
      const statuses = ['Running', 'CrashLoopBackOff', 'Error', 'Pending', 'Completed'];
      const view = (i: number, status: string, restarts: number) => ({
        uid: `uid-${i}`,
        namespace: `ns-${i % 50}`,
        name: `pod-${i}`,
        phase: 'Running',
        ready: status === 'Running' ? '1/1' : '0/1',
        status,
        restarts,
        lastRestartAt: restarts > 0 ? Date.now() - 5000 : null,
        createdAt: Date.now() - 3_600_000,
        deletedAt: null,
        ip: `10.0.${(i >> 8) & 255}.${i & 255}`,
        node: `node-${i % 20}`,
        nominatedNode: null,
        readinessGates: null,
        owner: { kind: 'Deployment', name: `app-${i % 400}` },
        labels: { app: `app-${i % 400}` },
        containers: [],
      });
      app.snapshot(Array.from({ length: pods }, (_, i) => view(i, 'Running', 0)));
      await app.whenRendered();
      const grid = document.getElementById('grid');
      const frames: Record<string, number[]> = {};
      const measure = async (
        name: string,
        make: (r: number, k: number) => unknown,
      ): Promise<number[]> => {
        const times: number[] = [];
        const work: number[] = (frames[name] = []);
        for (let r = 0; r < rounds; r++) {
          const batch = Array.from({ length: changes }, (_, k) => make(r, k));
          const t0 = performance.now();
          for (const c of batch) app.change(c);
          await app.whenRendered();
          grid?.getBoundingClientRect();
          if (document.body.offsetHeight < 0) break;
          times.push(performance.now() - t0);
          work.push(app.lastFrameMs);
        }
        return times;
      };
      let seq = 0;
      // STATUS transitions spread over the whole table (each feeds the feed, counts, workloads).
      const spread = await measure('spread', (r, k) => {
        const i = (k * 7919 + r * 131) % pods;
        const status = statuses[(r + k) % statuses.length] ?? 'Running';
        return {
          type: 'MODIFIED',
          seq: ++seq,
          time: Date.now(),
          view: view(i, status, r),
          previous: { status: 'Running' },
        };
      });
      // The same, concentrated on the rows in view (every change touches the DOM).
      const visible = await measure('visible', (r, k) => {
        const i = k % 30;
        return {
          type: 'MODIFIED',
          seq: ++seq,
          time: Date.now(),
          view: view(i, statuses[(r + k) % statuses.length] ?? 'Running', r),
          previous: { status: 'Pending' },
        };
      });
      // Churn: 500 pods deleted and 500 added (array splices in a 20k sorted list).
      const churn = await measure('churn', (r, k) => {
        const i = pods + r * changes + k;
        return k % 2 === 0
          ? {
              type: 'ADDED',
              seq: ++seq,
              time: Date.now(),
              view: view(i, 'Pending', 0),
              previous: {},
            }
          : {
              type: 'DELETED',
              seq: ++seq,
              time: Date.now(),
              view: view(i - 1, 'Pending', 0),
              previous: {},
            };
      });
      return {
        spread,
        visible,
        churn,
        frames,
        rows: document.querySelectorAll('.body .row').length,
      };
    },
    { pods, changes, rounds },
  );

  const stats = (xs: number[]) => {
    const s = [...xs].sort((a, b) => a - b);
    const at = (q: number) => s[Math.min(s.length - 1, Math.floor(q * s.length))] ?? NaN;
    return `median ${at(0.5).toFixed(1)} ms, p90 ${at(0.9).toFixed(1)} ms`;
  };
  process.stdout.write(
    `web: apply ${changes} changes to ${pods} pods and render (${rounds} rounds, Chromium headless; ${result.rows} row elements in the DOM)\n` +
      `  (until rendered: from the first change to the frame after; frame work: time inside that frame)\n` +
      `  STATUS changes spread over the table   until rendered ${stats(result.spread)}; frame work ${stats(result.frames['spread'] ?? [])}\n` +
      `  STATUS changes on the rows in view     until rendered ${stats(result.visible)}; frame work ${stats(result.frames['visible'] ?? [])}\n` +
      `  500 ADDED + 500 DELETED                until rendered ${stats(result.churn)}; frame work ${stats(result.frames['churn'] ?? [])}\n`,
  );
} finally {
  await browser.close();
  server.close();
  await rm(dir, { recursive: true, force: true });
}
