import { afterEach, describe, expect, it } from 'vitest';
import type { ChangeMessage, SnapshotMessage } from '../../src/protocol/messages.ts';
import type { PodpulseServer } from '../../src/server/server.ts';
import { FakeFeed, startServer, TestClient, view } from './helpers.ts';

let cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const f of cleanup.reverse()) await f();
  cleanup = [];
});

async function setup(opts: Parameters<typeof startServer>[1] = {}): Promise<{
  feed: FakeFeed;
  server: PodpulseServer;
  url: string;
  base: string;
  client: () => Promise<TestClient>;
}> {
  const feed = new FakeFeed();
  const s = await startServer(feed, opts);
  cleanup.push(() => s.server.close());
  return {
    feed,
    ...s,
    client: async () => {
      const c = await TestClient.open(s.url);
      cleanup.push(() => {
        c.close();
      });
      return c;
    },
  };
}

const isChange = (m: { type: string }): m is ChangeMessage => m.type === 'change';

describe('server: protocol v1', () => {
  it('greets with hello: protocol, epoch, limits, source state', async () => {
    const { client } = await setup({ maxSubscriptions: 3, epoch: 'abc' });
    const c = await client();
    expect(c.ws.protocol).toBe('podpulse.v1');
    expect(c.messages[0]).toMatchObject({
      type: 'hello',
      protocol: 'podpulse.v1',
      epoch: 'abc',
      limits: { maxSubscriptions: 3 },
      source: { state: 'synced' },
    });
  });

  it('sends a chunked snapshot ending with the cursor, then live changes', async () => {
    const { feed, client } = await setup({ snapshotChunk: 2, epoch: 'e1' });
    for (const n of ['a', 'b', 'c', 'd', 'e']) feed.apply('ADDED', view(n));
    const c = await client();
    c.send({ type: 'subscribe', id: 's' });
    const final = await c.next<SnapshotMessage>((m) => m.type === 'snapshot' && m.final);
    const chunks = c.of('snapshot');
    expect(chunks.map((m) => m.items.length)).toEqual([2, 2, 1]);
    expect(final).toMatchObject({ cursor: 'e1.5', total: 5 });
    feed.apply('MODIFIED', view('a', { status: 'Error', ready: '0/1' }));
    const ch = await c.next<ChangeMessage>(isChange);
    expect(ch).toMatchObject({
      ids: ['s'],
      op: 'MODIFIED',
      seq: 6,
      cursor: 'e1.6',
      view: { name: 'a', status: 'Error' },
      previous: { status: 'Running', ready: '1/1' },
    });
    expect(c.binaryFrames).toBe(0); // change frames are sent as shared Buffers, but as text
  });

  it('filters server-side; a pod entering the filter is ADDED, one leaving is DELETED', async () => {
    const { feed, client } = await setup();
    feed.apply('ADDED', view('web', { namespace: 'prod' }));
    const c = await client();
    c.send({ type: 'subscribe', id: 'bad', status: ['CrashLoopBackOff', 'Error'] });
    c.send({ type: 'subscribe', id: 'prod', namespaces: ['prod'], labelSelector: 'app in (web)' });
    await c.sync();
    expect(c.of('snapshot').map((s) => [s.id, s.total])).toEqual([
      ['bad', 0],
      ['prod', 1],
    ]);
    feed.apply('MODIFIED', view('web', { namespace: 'prod', status: 'CrashLoopBackOff' }));
    feed.apply('MODIFIED', view('web', { namespace: 'prod', status: 'Running' }));
    feed.apply('ADDED', view('other', { namespace: 'dev', status: 'Error' }));
    await c.sync();
    const changes = c.of('change').map((m) => [m.ids.join('+'), m.op, m.view.name, m.seq]);
    expect(changes).toEqual([
      ['bad', 'ADDED', 'web', 2],
      ['prod', 'MODIFIED', 'web', 2],
      // frames of one change go out ADDED, MODIFIED, DELETED
      ['prod', 'MODIFIED', 'web', 3],
      ['bad', 'DELETED', 'web', 3],
      ['bad', 'ADDED', 'other', 4],
    ]);
  });

  it('lists every matching subscription of a connection in one frame', async () => {
    const { feed, client } = await setup();
    const c = await client();
    c.send({ type: 'subscribe', id: 'x' });
    c.send({ type: 'subscribe', id: 'y', namespaces: ['default'] });
    await c.sync();
    feed.apply('ADDED', view('p'));
    const ch = await c.next<ChangeMessage>(isChange);
    expect(ch.ids).toEqual(['x', 'y']);
    c.send({ type: 'unsubscribe', id: 'x' });
    await c.sync();
    feed.apply('DELETED', view('p'));
    await c.sync();
    expect(c.of('change').map((m) => [m.ids, m.op])).toEqual([
      [['x', 'y'], 'ADDED'],
      [['y'], 'DELETED'],
    ]);
  });

  it('resumes from a cursor: replays exactly what was missed, then goes live', async () => {
    const { feed, client } = await setup({ epoch: 'r1' });
    const a = await client();
    a.send({ type: 'subscribe', id: 's', labelSelector: 'app=p' });
    await a.next((m) => m.type === 'snapshot' && m.final);
    feed.apply('ADDED', view('p'));
    const seen = await a.next<ChangeMessage>(isChange);
    a.close();
    feed.apply('MODIFIED', view('p', { status: 'Error' }));
    feed.apply('ADDED', view('q')); // not matching
    feed.apply('MODIFIED', view('p', { status: 'CrashLoopBackOff', restarts: 1 }));
    const b = await client();
    b.send({ type: 'subscribe', id: 's', labelSelector: 'app=p', resume: seen.cursor });
    await b.next((m) => m.type === 'resumed');
    feed.apply('DELETED', view('p', { status: 'CrashLoopBackOff', restarts: 1 }));
    await b.sync();
    expect(b.of('snapshot')).toEqual([]);
    expect(b.of('change').map((m) => [m.op, m.view.status, m.seq, m.cursor])).toEqual([
      ['MODIFIED', 'Error', 2, 'r1.2'],
      ['MODIFIED', 'CrashLoopBackOff', 4, 'r1.4'],
      ['DELETED', 'CrashLoopBackOff', 5, 'r1.5'],
    ]);
  });

  it.each([
    ['expired', { replayDepth: 2, epoch: 'z' }, 'z.1', 'cursor-expired'],
    ['from another epoch', { epoch: 'z' }, 'old.3', 'cursor-epoch'],
    ['ahead of the server', { epoch: 'z' }, 'z.99', 'cursor-ahead'],
  ] as const)(
    'resets when the cursor is %s, then sends a fresh snapshot',
    async (_n, opts, cursor, reason) => {
      const { feed, client } = await setup(opts);
      for (const n of ['a', 'b', 'c', 'd']) feed.apply('ADDED', view(n));
      const c = await client();
      c.send({ type: 'subscribe', id: 's', resume: cursor });
      const final = await c.next<SnapshotMessage>((m) => m.type === 'snapshot' && m.final);
      expect(c.messages.map((m) => m.type)).toEqual(['hello', 'reset', 'snapshot']);
      expect(c.of('reset')[0]).toMatchObject({ id: 's', reason });
      expect(final).toMatchObject({ total: 4, cursor: 'z.4' });
    },
  );

  it('relays the source state to every connection', async () => {
    const { feed, client } = await setup();
    const c = await client();
    feed.state$.next({ state: 'reconnecting', since: 5, message: 'watch failed: ECONNRESET' });
    const m = await c.next((x) => x.type === 'source');
    expect(m).toEqual({
      type: 'source',
      source: { state: 'reconnecting', since: 5, message: 'watch failed: ECONNRESET' },
    });
  });

  it('answers ping with pong carrying the idle cursor', async () => {
    const { feed, client } = await setup({ epoch: 'p' });
    feed.apply('ADDED', view('a'));
    const c = await client();
    c.send({ type: 'ping', id: 'x' });
    expect(await c.next((m) => m.type === 'pong')).toEqual({
      type: 'pong',
      id: 'x',
      cursor: 'p.1',
    });
  });
});

describe('server: bad input gets an error frame and the connection stays usable', () => {
  it.each([
    ['malformed JSON', '{"type":', 'PP_ERR_WIRE_JSON', null],
    ['a JSON array', '[1,2]', 'PP_ERR_WIRE_JSON', null],
    ['an unknown type', { type: 'subscribe-all', id: 'q' }, 'PP_ERR_WIRE_TYPE', 'q'],
    ['a missing id', { type: 'subscribe' }, 'PP_ERR_WIRE_FIELD', null],
    [
      'a bad namespaces field',
      { type: 'subscribe', id: 'n', namespaces: 'default' },
      'PP_ERR_WIRE_FIELD',
      'n',
    ],
    ['a bad cursor', { type: 'subscribe', id: 'k', resume: 'yesterday' }, 'PP_ERR_WIRE_FIELD', 'k'],
    [
      'an invalid selector',
      { type: 'subscribe', id: 'l', labelSelector: 'app in (a,' },
      'PP_ERR_SELECTOR_SYNTAX',
      'l',
    ],
    ['an unknown unsubscribe', { type: 'unsubscribe', id: 'nope' }, 'PP_ERR_SUB_UNKNOWN', 'nope'],
  ] as const)('%s', async (_name, frame, code, id) => {
    const { client } = await setup();
    const c = await client();
    c.send(frame);
    const err = await c.next((m) => m.type === 'error');
    expect(err).toMatchObject({ type: 'error', code, id });
    c.send({ type: 'subscribe', id: 'ok' });
    await c.next((m) => m.type === 'snapshot' && m.final);
  });

  it('names the selector problem with the parser message', async () => {
    const { client } = await setup();
    const c = await client();
    c.send({ type: 'subscribe', id: 'l', labelSelector: 'app in (a,' });
    const err = await c.next((m) => m.type === 'error');
    expect(err.type === 'error' && err.message).toMatch(/selector 'app in \(a,'/);
  });

  it('refuses binary frames', async () => {
    const { client } = await setup();
    const c = await client();
    c.ws.send(Buffer.from([1, 2, 3]));
    expect(await c.next((m) => m.type === 'error')).toMatchObject({ code: 'PP_ERR_WIRE_BINARY' });
    await c.sync();
  });

  it('refuses duplicate ids and too many subscriptions, keeping the existing ones', async () => {
    const { feed, client } = await setup({ maxSubscriptions: 2 });
    const c = await client();
    c.send({ type: 'subscribe', id: 'a' });
    c.send({ type: 'subscribe', id: 'a', status: ['Error'] });
    c.send({ type: 'subscribe', id: 'b' });
    c.send({ type: 'subscribe', id: 'c' });
    await c.sync();
    expect(c.of('error').map((e) => [e.code, e.id])).toEqual([
      ['PP_ERR_SUB_DUPLICATE', 'a'],
      ['PP_ERR_SUB_LIMIT', 'c'],
    ]);
    feed.apply('ADDED', view('x'));
    expect((await c.next<ChangeMessage>(isChange)).ids).toEqual(['a', 'b']);
  });

  it('closes with 1009 on a frame over maxPayload, and others are unaffected', async () => {
    const { feed, client } = await setup({ maxPayload: 1024 });
    const good = await client();
    good.send({ type: 'subscribe', id: 's' });
    await good.sync();
    const bad = await client();
    bad.send({ type: 'subscribe', id: 'x'.repeat(2000) });
    expect(await bad.closed()).toBe(1009);
    feed.apply('ADDED', view('after'));
    expect((await good.next<ChangeMessage>(isChange)).view.name).toBe('after');
  });
});
