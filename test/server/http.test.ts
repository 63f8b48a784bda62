import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { staticToken } from '../../src/server/auth.ts';
import { FakeFeed, startServer, TestClient, view } from './helpers.ts';

let cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const f of cleanup.reverse()) await f();
  cleanup = [];
});

async function setup(
  opts: Parameters<typeof startServer>[1] = {},
): Promise<{ feed: FakeFeed; base: string; url: string }> {
  const feed = new FakeFeed();
  const s = await startServer(feed, opts);
  cleanup.push(() => s.server.close());
  return { feed, base: s.base, url: s.url };
}

function upgradeStatus(url: string, headers: Record<string, string>): Promise<number> {
  return new Promise((resolve) => {
    const ws = new WebSocket(url, 'podpulse.v1', { headers });
    ws.on('open', () => {
      ws.terminate();
      resolve(101);
    });
    ws.on('unexpected-response', (_req, res) => {
      resolve(res.statusCode ?? 0);
      ws.terminate();
    });
    ws.on('error', () => {});
  });
}

describe('HTTP', () => {
  it('GET /api/v1/pods lists rows with uid and view, filtered by query parameters', async () => {
    const { feed, base } = await setup();
    feed.apply(
      'ADDED',
      view('api', { namespace: 'prod', status: 'CrashLoopBackOff', restarts: 3 }),
    );
    feed.apply('ADDED', view('web', { namespace: 'prod' }));
    feed.apply('ADDED', view('db', { namespace: 'dev', status: 'Error' }));
    const all = (await (await fetch(`${base}/api/v1/pods`)).json()) as {
      items: Record<string, unknown>[];
    };
    expect(all.items.map((i) => i.name)).toEqual(['api', 'web', 'db']);
    expect(Object.keys(all.items[0] ?? {}).sort()).toEqual(
      [
        'age',
        'ip',
        'name',
        'namespace',
        'node',
        'nominatedNode',
        'ready',
        'readinessGates',
        'restarts',
        'status',
        'uid',
        'view',
      ].sort(),
    );
    expect(all.items[0]).toMatchObject({
      namespace: 'prod',
      status: 'CrashLoopBackOff',
      uid: 'uid-api',
      view: { restarts: 3 },
    });
    const q = async (qs: string): Promise<unknown[]> =>
      (
        (await (await fetch(`${base}/api/v1/pods?${qs}`)).json()) as { items: { name: string }[] }
      ).items.map((i) => i.name);
    expect(await q('namespace=prod')).toEqual(['api', 'web']);
    expect(await q('status=Error,CrashLoopBackOff')).toEqual(['api', 'db']);
    expect(await q('labelSelector=app%20in%20(web,db)')).toEqual(['web', 'db']);
  });

  it('answers 400 with the selector problem', async () => {
    const { base } = await setup();
    const res = await fetch(`${base}/api/v1/pods?labelSelector=a%3D%3D%3D`);
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: { code: 'PP_ERR_SELECTOR_SYNTAX' } });
  });

  it('/healthz is 200; /readyz follows the source state', async () => {
    const { feed, base } = await setup();
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    expect((await fetch(`${base}/readyz`)).status).toBe(200);
    feed.state$.next({ state: 'stale', since: 1, message: 'no events for 90s' });
    const res = await fetch(`${base}/readyz`);
    expect(res.status).toBe(503);
    expect(await res.text()).toBe('not ready: source is stale: no events for 90s\n');
  });

  it('/ answers 404 with a hint until the dashboard exists, then serves it', async () => {
    const { base } = await setup();
    const res = await fetch(`${base}/`);
    expect(res.status).toBe(404);
    expect(await res.text()).toMatch(/web dashboard is not built/);
    const dir = mkdtempSync(join(tmpdir(), 'pp-web-'));
    writeFileSync(join(dir, 'index.html'), '<h1>podpulse</h1>');
    const s = await setup({ staticDir: dir });
    const page = await fetch(`${s.base}/`);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(await page.text()).toBe('<h1>podpulse</h1>');
    expect((await fetch(`${s.base}/..%2F..%2Fetc%2Fpasswd`)).status).toBe(404);
    // A directory given with a trailing separator serves its files too.
    writeFileSync(join(dir, 'app.js'), 'export {};');
    const slash = await setup({ staticDir: `${dir}/` });
    const js = await fetch(`${slash.base}/app.js`);
    expect(js.status).toBe(200);
    expect(js.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
  });

  it('/metrics passes promtool check metrics and counts what happened', async () => {
    const { feed, base, url } = await setup();
    const c = await TestClient.open(url);
    cleanup.push(() => {
      c.close();
    });
    c.send({ type: 'subscribe', id: 's' });
    c.send('not json');
    await c.sync();
    feed.apply('ADDED', view('a'));
    await c.next((m) => m.type === 'change');
    const text = await (await fetch(`${base}/metrics`)).text();
    for (const line of [
      'podpulse_changes_total 1',
      'podpulse_events_total 2',
      'podpulse_recomputes_total 1',
      'podpulse_watch_restarts_total 1',
      'podpulse_connections 1',
      'podpulse_subscribers 1',
      'podpulse_outbox_bytes 0',
      'podpulse_protocol_errors_total{code="PP_ERR_WIRE_JSON"} 1',
      'podpulse_event_to_send_seconds_count 1',
    ])
      expect(text.split('\n')).toContain(line);
    const check = spawnSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8' });
    expect(check.stdout + check.stderr).toBe('');
    expect(check.status).toBe(0);
  });
});

describe('auth seam', () => {
  it('a static bearer token guards upgrades and the API (header or access_token)', async () => {
    const { url, base } = await setup({ authenticate: staticToken('s3cret') });
    expect(await upgradeStatus(url, {})).toBe(401);
    expect(await upgradeStatus(url, { authorization: 'Bearer wrong' })).toBe(401);
    expect(await upgradeStatus(url, { authorization: 'Bearer s3cret' })).toBe(101);
    expect(await upgradeStatus(`${url}?access_token=s3cret`, {})).toBe(101);
    expect((await fetch(`${base}/api/v1/pods`)).status).toBe(401);
    expect(
      (await fetch(`${base}/api/v1/pods`, { headers: { authorization: 'Bearer s3cret' } })).status,
    ).toBe(200);
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
  });

  it('refuses cross-origin upgrades unless allowed; same origin and no Origin pass', async () => {
    const { url } = await setup({ allowOrigins: ['https://dash.example'] });
    const host = new URL(url).host;
    expect(await upgradeStatus(url, { origin: 'https://evil.example' })).toBe(403);
    expect(await upgradeStatus(url, { origin: 'https://dash.example' })).toBe(101);
    expect(await upgradeStatus(url, { origin: `http://${host}` })).toBe(101);
    expect(await upgradeStatus(url, {})).toBe(101);
  });
});
