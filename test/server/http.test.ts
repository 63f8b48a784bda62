import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { request, type IncomingMessage } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { createHostGuard, staticToken } from '../../src/server/auth.ts';
import { FakeFeed, startServer, TestClient, view } from './helpers.ts';

let cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const f of cleanup.reverse()) await f();
  cleanup = [];
});

async function setup(
  opts: Parameters<typeof startServer>[1] = {},
  feed = new FakeFeed(),
): Promise<{ feed: FakeFeed; base: string; url: string }> {
  const s = await startServer(feed, opts);
  cleanup.push(() => s.server.close());
  return { feed, base: s.base, url: s.url };
}

/** GET with headers fetch() will not forge (Host). */
function get(
  url: string,
  headers: Record<string, string>,
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (body += d));
      res.on('end', () => {
        resolve({ status: res.statusCode ?? 0, body });
      });
    });
    req.on('error', reject);
    req.end();
  });
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

  it('/readyz stays 200 through a short reconnect after sync, 503 once it lasts past the grace', async () => {
    let now = 1_000_000;
    const { feed, base } = await setup({ readyGraceMs: 5000, now: () => now });
    const readyz = async (): Promise<[number, string]> => {
      const res = await fetch(`${base}/readyz`);
      return [res.status, await res.text()];
    };
    feed.state$.next({ state: 'reconnecting', since: now, message: 'watch closed: 410 Gone' });
    expect(await readyz()).toEqual([
      200,
      'ready: source is reconnecting: watch closed: 410 Gone (for 0 ms; ready for 5000 ms)\n',
    ]);
    now += 3000;
    // A new message while still reconnecting does not restart the grace period.
    feed.state$.next({ state: 'reconnecting', since: now, message: 'ECONNREFUSED' });
    now += 1999;
    expect((await readyz())[0]).toBe(200);
    now += 1;
    expect(await readyz()).toEqual([
      503,
      'not ready: source is reconnecting: ECONNREFUSED (for 5000 ms, longer than 5000 ms)\n',
    ]);
    feed.state$.next({ state: 'synced', since: now, message: null });
    expect(await readyz()).toEqual([200, 'ready\n']);
    feed.state$.next({ state: 'reconnecting', since: now, message: null });
    expect((await readyz())[0]).toBe(200); // a new blip, a new grace period
    feed.state$.next({ state: 'stale', since: now, message: 'failing for 120 s' });
    expect((await readyz())[0]).toBe(503);
  });

  it('/readyz is 503 while the source has never synced, reconnecting or not', async () => {
    const feed = new FakeFeed();
    feed.state$.next({ state: 'connecting', since: 0, message: null });
    const { base } = await setup({ readyGraceMs: 60_000 }, feed);
    expect((await fetch(`${base}/readyz`)).status).toBe(503);
    feed.state$.next({ state: 'reconnecting', since: 0, message: 'list failed: 500' });
    const res = await fetch(`${base}/readyz`);
    expect(res.status).toBe(503);
    expect(await res.text()).toBe('not ready: source is reconnecting: list failed: 500\n');
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

describe('Host and Origin guard (DNS rebinding)', () => {
  it('without a token, the API and upgrades answer only loopback Host names', async () => {
    const { url, base } = await setup();
    const port = new URL(base).port;
    const pods = `${base}/api/v1/pods`;
    for (const host of [`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`, '127.1.2.3'])
      expect((await get(pods, { host })).status).toBe(200);
    // What a rebound name looks like: the attacker's name, resolving to 127.0.0.1.
    const rebound = await get(pods, { host: `evil.example:${port}` });
    expect(rebound.status).toBe(403);
    expect(JSON.parse(rebound.body)).toMatchObject({ error: { code: 'PP_ERR_HOST' } });
    expect(
      (await get(pods, { host: `evil.example:${port}`, origin: `http://evil.example:${port}` }))
        .status,
    ).toBe(403);
    expect(await upgradeStatus(url, { host: `evil.example:${port}` })).toBe(403);
    expect(
      await upgradeStatus(url, {
        host: `evil.example:${port}`,
        origin: `http://evil.example:${port}`,
      }),
    ).toBe(403);
    expect(await upgradeStatus(url, { host: `localhost:${port}` })).toBe(101);
    // Probes and scrapers use the pod IP as Host: health, readiness and metrics answer any Host.
    for (const path of ['/healthz', '/readyz', '/metrics'])
      expect((await get(`${base}${path}`, { host: 'evil.example' })).status).toBe(200);
  });

  it('a browser Origin must be the server itself (on a loopback Host) or allowed', async () => {
    const { url, base } = await setup({ allowOrigins: ['https://dash.example'] });
    const host = new URL(url).host;
    const pods = `${base}/api/v1/pods`;
    expect(await upgradeStatus(url, { origin: 'https://evil.example' })).toBe(403);
    expect(await upgradeStatus(url, { origin: 'null' })).toBe(403);
    expect(await upgradeStatus(url, { origin: 'https://dash.example' })).toBe(101);
    expect(await upgradeStatus(url, { origin: `http://${host}` })).toBe(101);
    expect(await upgradeStatus(url, {})).toBe(101);
    const cross = await get(pods, { origin: 'https://evil.example' });
    expect(cross.status).toBe(403);
    expect(JSON.parse(cross.body)).toMatchObject({ error: { code: 'PP_ERR_ORIGIN' } });
    expect((await get(pods, { origin: `http://${host}` })).status).toBe(200);
  });

  it('--allow-host names are accepted; `*` accepts any', async () => {
    const { base } = await setup({ allowHosts: ['podpulse.example'] });
    const pods = `${base}/api/v1/pods`;
    expect((await get(pods, { host: 'podpulse.example' })).status).toBe(200);
    expect((await get(pods, { host: 'podpulse.example:8080' })).status).toBe(200);
    expect((await get(pods, { host: 'other.example' })).status).toBe(403);
    const any = await setup({ allowHosts: ['*'] });
    expect((await get(`${any.base}/api/v1/pods`, { host: 'other.example' })).status).toBe(200);
  });

  it('with a token the Host is not checked: the token guards', async () => {
    const { url, base } = await setup({ authenticate: staticToken('s3cret-token') });
    const pods = `${base}/api/v1/pods`;
    expect((await get(pods, { host: 'evil.example' })).status).toBe(401);
    expect(
      (await get(pods, { host: 'podpulse.svc', authorization: 'Bearer s3cret-token' })).status,
    ).toBe(200);
    expect(
      await upgradeStatus(`${url}?access_token=s3cret-token`, {
        host: 'podpulse.svc',
        origin: 'http://podpulse.svc',
      }),
    ).toBe(101);
  });

  it('accepts the listen address once added, never a wildcard', () => {
    const guard = createHostGuard([], []);
    const req = (host: string): Pick<IncomingMessage, 'headers'> => ({ headers: { host } });
    expect(guard.check(req('10.1.2.3:8080'))?.code).toBe('PP_ERR_HOST');
    guard.addHost('10.1.2.3');
    guard.addHost('fd00::5');
    guard.addHost('0.0.0.0');
    expect(guard.check(req('10.1.2.3:8080'))).toBeNull();
    expect(guard.check(req('[fd00::5]:8080'))).toBeNull();
    expect(guard.check(req('0.0.0.0:8080'))?.code).toBe('PP_ERR_HOST');
    expect(guard.check(req('127.0.0.1.evil.example'))?.code).toBe('PP_ERR_HOST');
    expect(guard.check(req('localhost.evil.example'))?.code).toBe('PP_ERR_HOST');
  });
});
