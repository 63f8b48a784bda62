/**
 * The dashboard in real Chromium against `bin/podpulse serve --demo`: rows appear, a crash-looping
 * pod created with kubectl through the demo cluster's API shows CrashLoopBackOff within seconds, a
 * filter narrows the table (and a bad selector is refused inline) while the transitions feed keeps
 * what still matches, wide mode never cuts NAME or STATUS (1400 and 1000 px), a server restart
 * shows "reconnecting" and then recovers without a reload, and an API server unreachable past
 * `--stale-after` shows "stale source" (and /readyz 503) until it is back. Screenshots go to
 * test-results/.
 */
import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildWeb } from '../scripts/build-web.ts';

const root = resolve(import.meta.dirname, '..');
const results = join(root, 'test-results');

function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const s = createServer();
    s.once('error', rej);
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      const port = typeof a === 'object' && a !== null ? a.port : 0;
      s.close(() => {
        res(port);
      });
    });
  });
}

interface Serve {
  proc: ChildProcess;
  output: () => string;
}

async function startServe(port: number, kubeconfig: string, extra: string[] = []): Promise<Serve> {
  const proc = spawn(
    join(root, 'bin', 'podpulse'),
    [
      'serve',
      '--demo',
      '--listen',
      `127.0.0.1:${port}`,
      '--kubeconfig-out',
      kubeconfig,
      '--demo-time-scale',
      '10',
      ...extra,
    ],
    { cwd: root, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1' } },
  );
  let out = '';
  proc.stdout.on('data', (d: Buffer) => (out += d.toString()));
  proc.stderr.on('data', (d: Buffer) => (out += d.toString()));
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (proc.exitCode !== null) throw new Error(`podpulse serve exited early:\n${out}`);
    try {
      const r = await fetch(`http://127.0.0.1:${port}/readyz`);
      if (r.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`podpulse serve not ready in 30 s:\n${out}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  return { proc, output: () => out };
}

async function stopServe(s: Serve | null): Promise<void> {
  if (s === null || s.proc.exitCode !== null) return;
  const exited = new Promise((r) => s.proc.once('exit', r));
  s.proc.kill('SIGTERM');
  await exited;
}

function kubectl(kubeconfig: string, args: string[], input?: string): Promise<string> {
  return new Promise((res, rej) => {
    const child = execFile(
      'kubectl',
      ['--kubeconfig', kubeconfig, ...args],
      { timeout: 20_000 },
      (err, stdout, stderr) => {
        if (err) rej(new Error(`kubectl ${args.join(' ')}: ${stderr || err.message}`));
        else res(stdout);
      },
    );
    if (input !== undefined) child.stdin?.end(input);
  });
}

const crashPod = JSON.stringify({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: {
    name: 'e2e-crash',
    namespace: 'default',
    labels: { app: 'e2e-crash' },
    annotations: { 'sim.podpulse.dev/scenario': 'crashloop' },
  },
  spec: { containers: [{ name: 'app', image: 'busybox:1.36' }] },
});

// Code run in the page is passed as strings: the root tsconfig has no DOM types.
const rowsShown = "document.querySelectorAll('.body .row:not([hidden])').length > 5";

/** Text of the STATUS cell of the row named `name`, '' when it is not rendered. */
function statusOf(page: Page, name: string): Promise<string> {
  return page.evaluate(`(() => {
    for (const row of document.querySelectorAll('.body .row:not([hidden])')) {
      if (row.querySelector('.c-name')?.textContent === ${JSON.stringify(name)}) {
        return row.querySelector('.c-status')?.textContent ?? '';
      }
    }
    return '';
  })()`);
}

/** Cells of the rendered rows (class `c-<column>`) whose text is cut by an ellipsis. */
function truncated(page: Page, column: string): Promise<string[]> {
  return page.evaluate(
    `[...document.querySelectorAll('.body .row:not([hidden]) .c-${column}')].filter((c) => c.scrollWidth > c.clientWidth).map((c) => c.textContent)`,
  );
}

/** The feed's pods (`namespace/name`), newest first. */
function feedPods(page: Page): Promise<string[]> {
  return page.evaluate(
    `[...document.querySelectorAll('#feed li .link')].map((l) => l.textContent)`,
  );
}

/** The simulated cluster's URL, from the kubeconfig `serve --demo` wrote. */
async function simUrl(kubeconfig: string): Promise<string> {
  const text = await readFile(kubeconfig, 'utf8');
  const m = /server:\s*(\S+)/.exec(text);
  if (m?.[1] === undefined) throw new Error(`no server in ${kubeconfig}`);
  return m[1];
}

describe('web dashboard in Chromium', () => {
  let dir = '';
  let kubeconfig = '';
  let port = 0;
  let serve: Serve | null = null;
  let browser: Browser;
  let page: Page;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    await buildWeb();
    await mkdir(results, { recursive: true });
    dir = await mkdtemp(join(tmpdir(), 'podpulse-web-e2e-'));
    kubeconfig = join(dir, 'demo.kubeconfig');
    port = await freePort();
    serve = await startServe(port, kubeconfig);
    browser = await chromium.launch({
      executablePath: '/usr/bin/chromium',
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
    });
    page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    page.on('pageerror', (e) => pageErrors.push(e.message));
  });

  afterAll(async () => {
    await browser.close();
    await stopServe(serve);
    await rm(dir, { recursive: true, force: true });
  });

  it('loads, goes live and shows the demo cluster', async () => {
    await page.goto(`http://127.0.0.1:${port}/`);
    await page.waitForSelector('#conn[data-state="live"]', { timeout: 15_000 });
    await page.waitForFunction(rowsShown);
    const header = await page.locator('.row.head').innerText();
    expect(header.split(/\s+/)).toEqual([
      'NAMESPACE',
      'NAME',
      'READY',
      'STATUS',
      'RESTARTS',
      'AGE',
    ]);
    expect(await page.locator('#counts .chip').count()).toBeGreaterThan(1);
    expect(await page.locator('#workloads li').count()).toBeGreaterThan(1);
    // The demo's pods keep transitioning: the feed fills and the polite live region speaks.
    expect(await page.locator('#announce').getAttribute('aria-live')).toBe('polite');
    await expect
      .poll(() => page.locator('#announce').textContent(), { timeout: 15_000 })
      .toMatch(/\S/);
    await expect.poll(() => page.locator('#feed li').count()).toBeGreaterThan(0);
    expect(pageErrors).toEqual([]);
  });

  it('shows a crash-looping pod created with kubectl as CrashLoopBackOff', async () => {
    await kubectl(kubeconfig, ['create', '--validate=false', '-f', '-'], crashPod);
    await expect.poll(() => feedPods(page), { timeout: 15_000 }).toContain('default/e2e-crash');
    // Narrow to the default namespace, so the new pod's row is in view whatever the demo holds.
    await page.locator('#f-ns').fill('default');
    await page.locator('#f-ns').press('Enter');
    await expect.poll(() => page.url()).toContain('namespace=default');
    // The feed keeps what it saw of the pods still in view, and only those.
    const kept = await feedPods(page);
    expect(kept).toContain('default/e2e-crash');
    expect(kept.filter((p) => !p.startsWith('default/'))).toEqual([]);
    // Only default's pods are drawn: no stale rows from the unfiltered view stay visible.
    await expect
      .poll(() =>
        page.evaluate(
          `[...document.querySelectorAll('.body .row')].filter((r) => r.checkVisibility()).map((r) => r.querySelector('.c-namespace').textContent).filter((ns) => ns !== 'default').length`,
        ),
      )
      .toBe(0);
    await expect
      .poll(() => statusOf(page, 'e2e-crash'), { timeout: 30_000 })
      .toBe('CrashLoopBackOff');
    const feed = await page.locator('#feed').innerText();
    expect(feed).toContain('default/e2e-crash');
    expect(feed).toMatch(/→\s+CrashLoopBackOff/);
    // Click it: its containers' states.
    await page.locator('.body .row:not([hidden])', { hasText: 'e2e-crash' }).click();
    await expect
      .poll(() => page.locator('#details').innerText())
      .toMatch(/app[\s\S]*(CrashLoopBackOff|Error|running)/);
    expect(page.url()).toContain('pod=default%2Fe2e-crash');
    await page.screenshot({ path: join(results, 'web-crashloop.png') });
  });

  it('filters narrow the table; a bad selector is refused inline; the URL is shareable', async () => {
    await page.goto(`http://127.0.0.1:${port}/`);
    await page.waitForSelector('#conn[data-state="live"]');
    await page.waitForFunction(rowsShown);
    const all = Number(await page.locator('#grid').getAttribute('aria-rowcount'));
    // A status chip toggles a server-side STATUS filter: only Running pods remain.
    await page.locator('#counts .chip', { hasText: 'Running' }).click();
    await expect.poll(() => page.url()).toContain('status=Running');
    await expect
      .poll(() =>
        page.evaluate(
          `[...document.querySelectorAll('.body .row:not([hidden]) .c-status')].map((c) => c.textContent).filter((s) => s !== 'Running').length`,
        ),
      )
      .toBe(0);
    expect(await page.locator('#f-status').inputValue()).toBe('Running');
    await page.locator('#counts .chip[aria-pressed="true"]').click();
    await expect.poll(() => page.locator('#grid').getAttribute('aria-rowcount')).not.toBe('1');
    expect(page.url()).not.toContain('status=');
    await page.locator('#f-sel').fill('app in (e2e-crash,');
    await expect.poll(() => page.locator('#f-sel-err').innerText()).toMatch(/index/);
    expect(await page.locator('#f-sel').getAttribute('aria-invalid')).toBe('true');
    // A filter nothing matches: the feed says so honestly, not "since the page opened".
    await page.locator('#f-sel').fill('app=no-such-app');
    await page.locator('#f-sel').press('Enter');
    await expect.poll(() => page.locator('#grid').getAttribute('aria-rowcount')).toBe('1');
    expect(
      await page.evaluate(`getComputedStyle(document.getElementById('feed'), '::before').content`),
    ).toBe('"No transitions in this view since the filter changed."');
    await page.locator('#f-sel').fill('app=e2e-crash');
    await page.locator('#f-sel').press('Enter');
    await expect.poll(() => page.locator('#grid').getAttribute('aria-rowcount')).toBe('2');
    expect(all).toBeGreaterThan(2);
    expect(page.url()).toContain('labelSelector=app%3De2e-crash');
    // Keyboard: the grid is one tab stop; arrows pick a row, Enter opens it, Escape closes it.
    await page.locator('#grid').focus();
    await page.keyboard.press('ArrowDown');
    await expect
      .poll(() => page.locator('#grid').getAttribute('aria-activedescendant'))
      .toBe('pod-row-active');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.locator('#details h2').innerText()).toBe('default/e2e-crash');
    await page.keyboard.press('Escape');
    await expect.poll(() => page.locator('#details').isHidden()).toBe(true);
    // The shared URL opens the same view.
    const other = await browser.newPage();
    await other.goto(page.url());
    await expect.poll(() => other.locator('#grid').getAttribute('aria-rowcount')).toBe('2');
    expect(await other.locator('#f-sel').inputValue()).toBe('app=e2e-crash');
    await other.close();
  });

  it('shows "reconnecting" while the server is down and recovers without a reload', async () => {
    await page.goto(`http://127.0.0.1:${port}/?wide=1`);
    await page.waitForSelector('#conn[data-state="live"]');
    await page.waitForFunction(rowsShown);
    // Wide mode: a pod's NAME and STATUS are never cut, at 1400 px nor at 1000 px.
    for (const width of [1400, 1000]) {
      await page.setViewportSize({ width, height: 900 });
      await page.evaluate('window.podpulse.app.whenRendered()');
      expect(await truncated(page, 'name')).toEqual([]);
      expect(await truncated(page, 'status')).toEqual([]);
      await page.screenshot({ path: join(results, `web-wide-${width}.png`) });
    }
    await page.setViewportSize({ width: 1400, height: 900 });
    await page.evaluate('window.marker = 42');
    await stopServe(serve);
    serve = null;
    await page.waitForSelector('#conn[data-state="reconnecting"]', { timeout: 15_000 });
    await page.screenshot({ path: join(results, 'web-reconnecting.png') });
    serve = await startServe(port, kubeconfig);
    await page.waitForSelector('#conn[data-state="live"]', { timeout: 20_000 });
    await page.waitForFunction(rowsShown);
    // Same document: no reload happened.
    expect(await page.evaluate('window.marker')).toBe(42);
    await page.waitForTimeout(3_000);
    await page.screenshot({ path: join(results, 'web-live.png') });
    expect(pageErrors).toEqual([]);
  });

  it('shows "stale source" while the API server is unreachable past --stale-after, then recovers', async () => {
    const staleDir = await mkdtemp(join(tmpdir(), 'podpulse-web-stale-'));
    const staleConfig = join(staleDir, 'demo.kubeconfig');
    const stalePort = await freePort();
    const stale = await startServe(stalePort, staleConfig, ['--stale-after', '2s']);
    const tab = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    try {
      await tab.goto(`http://127.0.0.1:${stalePort}/`);
      await tab.waitForSelector('#conn[data-state="live"]', { timeout: 15_000 });
      await tab.waitForFunction(rowsShown);
      // Record every connection state the page shows: a stall is cured by the informer's
      // watchdog (a fresh watch is not stalled), so its "stale" lasts only until the re-watch.
      await tab.evaluate(`(() => {
        const conn = document.getElementById('conn');
        window.states = [];
        new MutationObserver(() => window.states.push(conn.dataset.state)).observe(conn, { attributes: true });
      })()`);
      const sim = await simUrl(staleConfig);
      expect((await fetch(`${sim}/sim/faults/stall?ms=6000`, { method: 'POST' })).status).toBe(200);
      await expect
        .poll(() => tab.evaluate('window.states'), { timeout: 15_000 })
        .toEqual(expect.arrayContaining(['stale', 'live']));
      // Unreachable for longer than --stale-after: stale, shown and kept, and /readyz says 503.
      expect((await fetch(`${sim}/sim/faults/restart?ms=8000`, { method: 'POST' })).status).toBe(
        200,
      );
      await tab.waitForSelector('#conn[data-state="stale"]', { timeout: 10_000 });
      await expect
        .poll(async () => (await fetch(`http://127.0.0.1:${stalePort}/readyz`)).status, {
          timeout: 10_000,
        })
        .toBe(503);
      await tab.waitForSelector('#conn[data-state="stale"]');
      expect(await tab.locator('#conn').innerText()).toBe('stale source');
      expect(await tab.locator('#conn-detail').innerText()).toMatch(/^source (stale|reconnecting)/);
      await tab.screenshot({ path: join(results, 'web-stale.png') });
      await tab.waitForSelector('#conn[data-state="live"]', { timeout: 40_000 });
      expect((await fetch(`http://127.0.0.1:${stalePort}/readyz`)).status).toBe(200);
    } finally {
      await tab.close();
      await stopServe(stale);
      await rm(staleDir, { recursive: true, force: true });
    }
  }, 90_000);
});
