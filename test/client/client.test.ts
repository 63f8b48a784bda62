import { afterEach, describe, expect, it } from 'vitest';
import { PodpulseClient, type ClientSubscription } from '../../src/client/index.ts';
import type { PodpulseServer } from '../../src/server/server.ts';
import { FakeFeed, startServer, view } from '../server/helpers.ts';

let cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const f of cleanup.reverse()) await f();
  cleanup = [];
});

async function serve(
  feed: FakeFeed,
  epoch?: string,
): Promise<{ server: PodpulseServer; port: number }> {
  const s = await startServer(feed, epoch === undefined ? {} : { epoch });
  return { server: s.server, port: Number(new URL(s.base).port) };
}

function client(port: number): PodpulseClient {
  const c = new PodpulseClient({
    url: `http://127.0.0.1:${port}`,
    reconnect: { initialDelayMs: 10, maxDelayMs: 50 },
    random: () => 0.5,
    pingIntervalMs: 0,
  });
  cleanup.push(() => {
    c.close();
  });
  return c;
}

describe('PodpulseClient: dead links', () => {
  it('gives up on a server that stops sending, closes that socket, and reconnects once', async () => {
    const { WebSocketServer } = await import('ws');
    const wss = new WebSocketServer({ port: 0, host: '127.0.0.1' });
    cleanup.push(
      () =>
        new Promise<void>((r) => {
          for (const ws of wss.clients) ws.terminate();
          wss.close(() => {
            r();
          });
        }),
    );
    await new Promise((r) => wss.once('listening', r));
    let opened = 0;
    let closedByClient = 0;
    wss.on('connection', (ws) => {
      opened++;
      ws.on('close', () => closedByClient++);
      // A hello, then silence (no pongs): the link looks dead to the client.
      ws.send(
        JSON.stringify({
          type: 'hello',
          protocol: 'podpulse.v1',
          server: { name: 'podpulse', version: 't' },
          epoch: 'e',
          limits: {},
          source: { state: 'synced', since: 0, message: null },
        }),
      );
    });
    const port = (wss.address() as { port: number }).port;
    const c = new PodpulseClient({
      url: `ws://127.0.0.1:${port}/ws`,
      pingIntervalMs: 40,
      reconnect: { initialDelayMs: 1000, maxDelayMs: 1000 },
      random: () => 0,
    });
    cleanup.push(() => {
      c.close();
    });
    const closed = await c.once('close');
    expect(closed).toMatchObject({ code: 1006, reason: 'no frames from server', retryInMs: 500 });
    await c.once('open');
    expect(opened).toBe(2);
    expect(closedByClient).toBe(1);
  });
});

describe('PodpulseClient', () => {
  it('subscribes, keeps the pod set, and reports changes with the view before', async () => {
    const feed = new FakeFeed();
    feed.apply('ADDED', view('a'));
    const { server, port } = await serve(feed);
    cleanup.push(() => server.close());
    const c = client(port);
    const sub = c.subscribe({ namespaces: ['default'] });
    const snap = await sub.once('snapshot');
    expect([...snap.pods.keys()]).toEqual(['uid-a']);
    expect(snap.reset).toBe(false);
    const changed = sub.once('change');
    feed.apply('MODIFIED', view('a', { status: 'CrashLoopBackOff', restarts: 2 }));
    const ev = await changed;
    expect(ev.op).toBe('MODIFIED');
    expect(ev.before?.status).toBe('Running');
    expect(ev.previous).toEqual({ status: 'Running', restarts: 0 });
    expect(sub.pods.get('uid-a')?.status).toBe('CrashLoopBackOff');
    expect(sub.cursor).toMatch(/\.2$/);
  });

  it('reports a refused subscription as an error event and closes it', async () => {
    const feed = new FakeFeed();
    const { server, port } = await serve(feed);
    cleanup.push(() => server.close());
    const c = client(port);
    const sub = c.subscribe({ labelSelector: 'app in (' });
    const err = await sub.once('error');
    expect(err.code).toBe('PP_ERR_SELECTOR_SYNTAX');
    expect(sub.closed).toBe(true);
  });

  it('reconnects after the connection drops and resumes, replaying what it missed', async () => {
    const feed = new FakeFeed();
    const { server, port } = await serve(feed, 'one');
    cleanup.push(() => server.close());
    const c = client(port);
    const sub = c.subscribe();
    await sub.once('snapshot');
    const seen: string[] = [];
    sub.on('change', (e) => seen.push(`${e.op} ${e.view.name} ${e.view.status}`));
    // Cut every connection from the server side, then change things while the client is away.
    const closing = c.once('close');
    for (const conn of server.hub.connections) conn.close(1012, 'restart');
    feed.apply('ADDED', view('b'));
    feed.apply('MODIFIED', view('b', { status: 'Error' }));
    expect((await closing).retryInMs).toBe(8); // 10ms base, jitter 0.5 → 10/2 + 10/2 * 0.5
    const resumed = sub.once('resumed');
    await until(() => seen.length === 2);
    await resumed;
    feed.apply('DELETED', view('b', { status: 'Error' }));
    await until(() => seen.length === 3);
    expect(seen).toEqual(['ADDED b Running', 'MODIFIED b Error', 'DELETED b Error']);
    expect(sub.pods.size).toBe(0);
  });

  it('after a server restart (new epoch) it is reset and gets a fresh snapshot', async () => {
    const feed = new FakeFeed();
    feed.apply('ADDED', view('old'));
    const first = await serve(feed, 'first');
    const c = client(first.port);
    const sub: ClientSubscription = c.subscribe();
    await sub.once('snapshot');
    await first.server.close();
    feed.views.clear();
    feed.apply('ADDED', view('new'));
    const reset = sub.once('reset');
    const fresh = sub.once('snapshot');
    const srv = await createOnPort(feed, first.port);
    cleanup.push(() => srv.close());
    const snap = await fresh;
    expect((await reset).reason).toBe('cursor-epoch');
    expect(snap.reset).toBe(true);
    expect([...snap.pods.keys()]).toEqual(['uid-new']);
  });
});

async function until(cond: () => boolean): Promise<void> {
  for (let i = 0; i < 1000 && !cond(); i++) await new Promise((r) => setTimeout(r, 5));
}

async function createOnPort(feed: FakeFeed, port: number): Promise<PodpulseServer> {
  const { createPodpulseServer } = await import('../../src/server/server.ts');
  const { silent } = await import('../server/helpers.ts');
  const server = createPodpulseServer({ feed, log: silent, heartbeatMs: 0, epoch: 'third' });
  for (let i = 0; ; i++) {
    try {
      await server.listen(port, '127.0.0.1');
      return server;
    } catch (err) {
      if (i > 50) throw err;
      await new Promise((r) => setTimeout(r, 20));
    }
  }
}
