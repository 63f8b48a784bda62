import { describe, expect, it } from 'vitest';
import type { WebSocket } from 'ws';
import type { ServerMessage, SnapshotMessage } from '../../src/protocol/messages.ts';
import { Connection } from '../../src/server/connection.ts';
import { Hub } from '../../src/server/hub.ts';
import { ServerMetrics } from '../../src/server/metrics.ts';
import { FakeFeed, silent, view } from './helpers.ts';

/** A socket the test drains by hand: it holds write callbacks and counts buffered bytes. */
class FakeSocket {
  bufferedAmount = 0;
  readonly frames: ServerMessage[] = [];
  closed: number | null = null;
  readonly #callbacks: (() => void)[] = [];
  send(data: string | Buffer, options: { binary: boolean }, cb: () => void): void {
    if (options.binary) throw new Error('text frames only');
    this.frames.push(
      JSON.parse(typeof data === 'string' ? data : data.toString('utf8')) as ServerMessage,
    );
    this.bufferedAmount += data.length;
    this.#callbacks.push(cb);
  }
  /** The peer reads everything, including what the callbacks write next. */
  drain(): void {
    while (this.#callbacks.length > 0) {
      this.bufferedAmount = 0;
      for (const cb of this.#callbacks.splice(0)) cb();
    }
  }
  close(code: number): void {
    this.closed = code;
  }
  terminate(): void {
    this.closed = 1006;
  }
  snapshots(id: string): SnapshotMessage[] {
    return this.frames.filter((m): m is SnapshotMessage => m.type === 'snapshot' && m.id === id);
  }
}

function setup(
  feed: FakeFeed,
  snapshotChunk = 2,
): { hub: Hub; open: () => [Connection, FakeSocket] } {
  const metrics = new ServerMetrics({
    feedStats: () => feed.stats(),
    connections: () => 0,
    subscriptions: () => 0,
    outboxBytes: () => 0,
  });
  const hub = new Hub({
    feed,
    epoch: 'e',
    version: 't',
    limits: { maxPayload: 65536, maxSubscriptions: 8, replayDepth: 100, snapshotChunk },
    // One frame fills the socket: the rest waits until the test drains it.
    outboxSoftBytes: 1,
    outboxHardBytes: 64 * 1024 * 1024,
    metrics,
    log: silent,
    readyGraceMs: 1000,
  });
  return {
    hub,
    open: () => {
      const socket = new FakeSocket();
      const conn = new Connection(socket as unknown as WebSocket, hub, silent);
      hub.connections.add(conn);
      return [conn, socket];
    },
  };
}

const text = (v: unknown): Buffer => Buffer.from(JSON.stringify(v));

describe('Connection: an unsubscribe stops what was being produced for the subscription', () => {
  it('a snapshot stops mid-way; a new subscription under the same id gets only its own', () => {
    const feed = new FakeFeed();
    for (let i = 0; i < 10; i++) feed.apply('ADDED', view(`a${i}`, { namespace: 'a' }));
    for (let i = 0; i < 6; i++) feed.apply('ADDED', view(`b${i}`, { namespace: 'b' }));
    const { open } = setup(feed);
    const [conn, socket] = open();
    conn.receive(text({ type: 'subscribe', id: 's', namespaces: ['a'] }), false);
    expect(socket.snapshots('s').length).toBe(1); // one chunk written, the socket is full
    conn.receive(text({ type: 'unsubscribe', id: 's' }), false);
    conn.receive(text({ type: 'subscribe', id: 's', namespaces: ['b'] }), false);
    socket.drain();
    const chunks = socket.snapshots('s');
    const namespaces = chunks.map((m) => [...new Set(m.items.map((v) => v.namespace))].join());
    expect(namespaces).toEqual(['a', 'b', 'b', 'b']);
    expect(chunks.filter((m) => m.final)).toEqual([
      expect.objectContaining({ total: 6, cursor: 'e.16' }),
    ]);
  });

  it('a resume replay stops mid-way after an unsubscribe', () => {
    const feed = new FakeFeed();
    const { open } = setup(feed);
    const [conn, socket] = open();
    for (let i = 0; i < 10; i++) feed.apply('ADDED', view(`p${i}`));
    conn.receive(text({ type: 'subscribe', id: 's', resume: 'e.0' }), false);
    // resumed is written; replayed changes wait for the socket
    expect(socket.frames.map((m) => m.type)).toEqual(['resumed']);
    socket.drain();
    const replayed = socket.frames.filter((m) => m.type === 'change').length;
    expect(replayed).toBe(10);

    const [conn2, socket2] = open();
    conn2.receive(text({ type: 'subscribe', id: 's', resume: 'e.0' }), false);
    conn2.receive(text({ type: 'unsubscribe', id: 's' }), false);
    socket2.drain();
    expect(socket2.frames.filter((m) => m.type === 'change')).toEqual([]);
  });
});

describe('Hub: subscriptions are indexed by namespace', () => {
  it('dispatch offers a change only to its namespace and to subscriptions without one', () => {
    const feed = new FakeFeed();
    const { hub, open } = setup(feed);
    const [conn, socket] = open();
    conn.receive(text({ type: 'subscribe', id: 'a', namespaces: ['a'] }), false);
    conn.receive(text({ type: 'subscribe', id: 'ab', namespaces: ['a', 'b'] }), false);
    conn.receive(text({ type: 'subscribe', id: 'any' }), false);
    socket.drain();
    expect(hub.subscriptionCount()).toBe(3);
    expect([...(hub.subscriptions.inNamespace('a') ?? [])].map((s) => s.id)).toEqual(['a', 'ab']);
    expect([...(hub.subscriptions.inNamespace('b') ?? [])].map((s) => s.id)).toEqual(['ab']);
    expect(hub.subscriptions.inNamespace('c')).toBeUndefined();
    expect([...hub.subscriptions.anyNamespace].map((s) => s.id)).toEqual(['any']);
    feed.apply('ADDED', view('x', { namespace: 'a' }));
    feed.apply('ADDED', view('y', { namespace: 'b' }));
    feed.apply('ADDED', view('z', { namespace: 'c' }));
    socket.drain();
    // ids in subscription order, whichever bucket they came from
    expect(
      socket.frames.flatMap((m) => (m.type === 'change' ? [[m.view.name, m.ids]] : [])),
    ).toEqual([
      ['x', ['a', 'ab', 'any']],
      ['y', ['ab', 'any']],
      ['z', ['any']],
    ]);
    conn.receive(text({ type: 'unsubscribe', id: 'ab' }), false);
    expect(hub.subscriptionCount()).toBe(2);
    expect(hub.subscriptions.inNamespace('b')).toBeUndefined();
    conn.close(1000, 'bye');
    expect(hub.subscriptionCount()).toBe(0);
    expect(hub.subscriptions.inNamespace('a')).toBeUndefined();
    expect(hub.subscriptions.anyNamespace.size).toBe(0);
  });
});
