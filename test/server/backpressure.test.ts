import { afterEach, describe, expect, it, vi } from 'vitest';
import { WebSocket } from 'ws';
import type { ChangeMessage } from '../../src/protocol/messages.ts';
import { FakeFeed, startServer, TestClient, view } from './helpers.ts';

let cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const f of cleanup.reverse()) await f();
  cleanup = [];
});

const bigLabels = (i: number): Record<string, string> => {
  const labels: Record<string, string> = { app: 'load' };
  for (let k = 0; k < 40; k++) labels[`key-${k}`] = `value-${i}-${k}-${'x'.repeat(80)}`;
  return labels;
};

describe('backpressure', () => {
  it('a stalled client is closed with 1013 while a reading client gets every change in order', async () => {
    const feed = new FakeFeed();
    const { server, url } = await startServer(feed, {
      outboxSoftBytes: 64 * 1024,
      outboxHardBytes: 1024 * 1024,
    });
    cleanup.push(() => server.close());
    const good = await TestClient.open(url);
    const stalled = await TestClient.open(url);
    cleanup.push(
      () => {
        good.close();
      },
      () => {
        stalled.close();
      },
    );
    good.send({ type: 'subscribe', id: 'g' });
    stalled.send({ type: 'subscribe', id: 's' });
    await good.sync();
    await stalled.sync();
    stalled.ws.pause(); // stops reading: the server's socket fills up
    const n = 3000; // ~13 MB of frames: more than loopback buffers and the hard limit
    // Changes arrive over many event-loop turns, as from a real watch, so the reading client drains.
    for (let i = 0; i < n; i++) {
      feed.apply('ADDED', view(`p${i}`, { labels: bigLabels(i) }));
      if (i % 20 === 19) await new Promise((r) => setImmediate(r));
    }
    await good.next((m) => m.type === 'change' && m.seq === n, 30_000);
    const seqs = good.of('change').map((m: ChangeMessage) => m.seq);
    expect(seqs).toEqual(Array.from({ length: n }, (_, i) => i + 1));
    const text = await server.metrics.registry.getSingleMetricAsString(
      'podpulse_dropped_connections_total',
    );
    expect(text).toMatch(/podpulse_dropped_connections_total 1$/m);
    stalled.ws.resume();
    expect(await stalled.closed()).toBe(1013);
  });

  it('a lagging client gets per-pod coalesced changes and still converges to the latest views', async () => {
    const feed = new FakeFeed();
    const { server, url } = await startServer(feed, {
      outboxSoftBytes: 16 * 1024,
      outboxHardBytes: 64 * 1024 * 1024,
    });
    cleanup.push(() => server.close());
    const slow = await TestClient.open(url);
    cleanup.push(() => {
      slow.close();
    });
    slow.send({ type: 'subscribe', id: 's' });
    await slow.sync();
    slow.ws.pause();
    const pods = 20;
    const rounds = 300;
    for (let r = 0; r < rounds; r++)
      for (let p = 0; p < pods; p++)
        feed.apply(
          r === 0 ? 'ADDED' : 'MODIFIED',
          view(`p${p}`, { restarts: r, labels: bigLabels(p) }),
        );
    slow.ws.resume();
    const last = pods * rounds;
    await slow.sync();
    await slow.next((m) => m.type === 'change' && m.cursor.endsWith(`.${last}`), 30_000);
    const changes = slow.of('change');
    expect(changes.length).toBeLessThan(last);
    const state = new Map<string, number>();
    // A coalesced change keeps its place and carries a later seq; cursors never go back.
    let prevCursor = 0;
    for (const m of changes) {
      const cursor = Number(m.cursor.split('.')[1]);
      expect(cursor).toBeGreaterThanOrEqual(prevCursor);
      prevCursor = cursor;
      state.set(m.view.name, m.view.restarts);
    }
    expect(prevCursor).toBe(last);
    expect([...state.values()]).toEqual(Array.from({ length: pods }, () => rounds - 1));
    const coalesced = await server.metrics.registry.getSingleMetricAsString(
      'podpulse_coalesced_total',
    );
    expect(Number(/ (\d+)$/m.exec(coalesced)?.[1])).toBeGreaterThan(0);
  });
});

describe('large snapshots', () => {
  it('stream as the socket drains: a snapshot far above the hard limit does not close the client', async () => {
    const feed = new FakeFeed();
    const n = 4000; // ~20 MB of views against a 2 MB hard limit
    for (let i = 0; i < n; i++) feed.apply('ADDED', view(`p${i}`, { labels: bigLabels(i) }));
    const { server, url } = await startServer(feed, {
      outboxSoftBytes: 64 * 1024,
      outboxHardBytes: 2 * 1024 * 1024,
      snapshotChunk: 100,
    });
    cleanup.push(() => server.close());
    const c = await TestClient.open(url);
    cleanup.push(() => {
      c.close();
    });
    c.send({ type: 'subscribe', id: 's' });
    await c.next((m) => m.type === 'snapshot');
    feed.apply('MODIFIED', view('p0', { status: 'Error', labels: bigLabels(0) }));
    await c.next((m) => m.type === 'change', 30_000);
    const chunks = c.of('snapshot');
    expect(chunks.length).toBe(n / 100);
    expect(chunks.reduce((k, m) => k + m.items.length, 0)).toBe(n);
    expect(chunks.at(-1)).toMatchObject({ final: true, total: n });
    // The change made after subscribing arrives after the whole snapshot.
    expect(c.messages.findIndex((m) => m.type === 'change')).toBeGreaterThan(
      c.messages.findIndex((m) => m.type === 'snapshot' && m.final),
    );
    expect(c.closeCode).toBeNull();
  });
});

describe('heartbeat', () => {
  it('terminates a peer that stops answering pings, keeps one that answers', async () => {
    // Only the heartbeat's interval is faked: sockets and their I/O stay real.
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    cleanup.push(() => {
      vi.useRealTimers();
    });
    const feed = new FakeFeed();
    const { server, url } = await startServer(feed, { heartbeatMs: 30_000 });
    cleanup.push(() => server.close());
    const silent = new WebSocket(url, 'podpulse.v1', { autoPong: false });
    silent.on('error', () => {});
    const silentClosed = new Promise<number>((resolve) => silent.on('close', resolve));
    const pinged = new Promise<void>((resolve) =>
      silent.once('ping', () => {
        resolve();
      }),
    );
    await new Promise((resolve) => silent.once('message', resolve)); // hello: registered
    const alive = await TestClient.open(url);
    cleanup.push(() => {
      alive.close();
    });
    vi.advanceTimersByTime(30_000); // first ping to both
    await pinged;
    // The answering client's automatic pong precedes this round trip on its socket.
    await alive.sync();
    vi.advanceTimersByTime(30_000); // the silent peer missed its ping: terminated
    expect(await silentClosed).toBe(1006);
    await alive.sync();
    vi.advanceTimersByTime(30_000);
    await alive.sync();
    expect(alive.closeCode).toBeNull();
  });
});
