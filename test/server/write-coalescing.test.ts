import { afterEach, describe, expect, it } from 'vitest';
import type { ChangeMessage } from '../../src/protocol/messages.ts';
import { WriteCoalescer, type Corkable } from '../../src/server/write-coalescer.ts';
import { FakeFeed, startServer, TestClient, view } from './helpers.ts';

let cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const f of cleanup.reverse()) await f();
  cleanup = [];
});

/** Counts cork depth like a Writable does. */
class FakeSocket implements Corkable {
  corked = 0;
  corks = 0;
  failUncork = false;
  cork(): void {
    this.corked++;
    this.corks++;
  }
  uncork(): void {
    if (this.failUncork) throw new Error('socket gone');
    if (this.corked > 0) this.corked--;
  }
}

/** A coalescer whose rounds end when the test says so. */
function manual(
  onSent: (time: number, now: number) => void = () => undefined,
  now: () => number = Date.now,
): { c: WriteCoalescer; endRound: () => void; scheduled: () => number } {
  const queued: (() => void)[] = [];
  const c = new WriteCoalescer({ onSent, now, schedule: (f) => queued.push(f) });
  return {
    c,
    endRound: () => {
      for (const f of queued.splice(0)) f();
    },
    scheduled: () => queued.length,
  };
}

describe('WriteCoalescer', () => {
  it('corks a socket once per round and uncorks every socket when the round ends', () => {
    const { c, endRound, scheduled } = manual();
    const a = new FakeSocket();
    const b = new FakeSocket();
    const ha = c.holdFor(a);
    const hb = c.holdFor(b);
    for (let i = 0; i < 100; i++) {
      ha.hold();
      hb.hold();
    }
    expect([a.corks, b.corks, a.corked, b.corked, c.pending, scheduled()]).toEqual([
      1, 1, 1, 1, 2, 1,
    ]);
    endRound();
    expect([a.corked, b.corked, c.pending]).toEqual([0, 0, 0]);
    ha.hold();
    expect([a.corks, a.corked]).toEqual([2, 1]);
    c.flush();
    c.flush();
    expect(a.corked).toBe(0);
  });

  it('a hold released by its owner mid-round is not uncorked twice, and a failing uncork spares the others', () => {
    const { c } = manual();
    const gone = new FakeSocket();
    const ok = new FakeSocket();
    const closer = new FakeSocket();
    const hg = c.holdFor(gone);
    const hok = c.holdFor(ok);
    const hc = c.holdFor(closer);
    hg.hold();
    hok.hold();
    hc.hold();
    hc.release(); // the connection closed mid-round
    hc.release();
    expect(closer.corked).toBe(0);
    gone.failUncork = true;
    expect(() => {
      c.flush();
    }).not.toThrow();
    expect([ok.corked, closer.corked, hg.held, hok.held, c.pending]).toEqual([
      0,
      0,
      false,
      false,
      0,
    ]);
  });

  it('observes the latency of each change once, when the round is flushed', () => {
    const seen: [number, number][] = [];
    let now = 1000;
    const { c, endRound } = manual(
      (time, at) => seen.push([time, at]),
      () => now,
    );
    c.holdFor(new FakeSocket()).hold();
    c.sent(990);
    c.sent(995);
    now = 1010;
    expect(seen).toEqual([]);
    endRound();
    expect(seen).toEqual([
      [990, 1010],
      [995, 1010],
    ]);
  });
});

describe('coalesced writes over real sockets', () => {
  const labels = (i: number): Record<string, string> => ({
    app: `a${i}`,
    // Frame sizes vary across the 126-byte and 64 KiB length encodings of the WebSocket header.
    pad: 'x'.repeat((i * 37) % 70_000),
  });

  it('many frames written in one round arrive as separate messages, in order, with exact bodies', async () => {
    const feed = new FakeFeed();
    const { server, url } = await startServer(feed, {
      outboxSoftBytes: 512 * 1024 * 1024,
      outboxHardBytes: 1024 * 1024 * 1024,
    });
    cleanup.push(() => server.close());
    const one = await TestClient.open(url);
    const two = await TestClient.open(url);
    cleanup.push(
      () => {
        one.close();
      },
      () => {
        two.close();
      },
    );
    one.send({ type: 'subscribe', id: 'all' });
    two.send({ type: 'subscribe', id: 'all' });
    // A second subscription on one connection: some frames list two ids, some one.
    two.send({ type: 'subscribe', id: 'even', labelSelector: 'parity=even' });
    await one.sync();
    await two.sync();
    const n = 600;
    const expected: { seq: number; name: string; pad: number }[] = [];
    // One synchronous batch: every frame of it is written in the same round.
    for (let i = 0; i < n; i++) {
      const pad = 'x'.repeat((i * 37) % 70_000);
      const l = { app: `a${i}`, pad, parity: i % 2 === 0 ? 'even' : 'odd' };
      const c = feed.apply(
        i < n / 2 ? 'ADDED' : 'MODIFIED',
        view(`p${i % (n / 2)}`, { labels: l }),
      );
      expected.push({ seq: c.seq, name: c.view.name, pad: pad.length });
    }
    expect(server.hub.writes?.pending).toBe(2);
    await one.next((m) => m.type === 'change' && m.seq === n, 20_000);
    await two.next((m) => m.type === 'change' && m.seq === n, 20_000);
    expect(server.hub.writes?.pending).toBe(0);
    for (const client of [one, two]) {
      const got = client.of('change').map((m: ChangeMessage) => ({
        seq: m.seq,
        name: m.view.name,
        pad: m.view.labels.pad?.length,
      }));
      expect(got).toEqual(expected);
    }
    const twoIds = two.of('change').map((m: ChangeMessage) => m.ids.join(','));
    expect(twoIds).toEqual(expected.map((_, i) => (i % 2 === 0 ? 'all,even' : 'all')));
  });

  it('a connection closed mid-round gets its close frame, the others every change, nothing throws', async () => {
    const feed = new FakeFeed();
    const { server, url } = await startServer(feed);
    cleanup.push(() => server.close());
    const clients = await Promise.all([0, 1, 2].map(() => TestClient.open(url)));
    for (const c of clients)
      cleanup.push(() => {
        c.close();
      });
    for (const c of clients) c.send({ type: 'subscribe', id: 's' });
    for (const c of clients) await c.sync();
    const [first, victim, last] = clients;
    if (first === undefined || victim === undefined || last === undefined) throw new Error('setup');
    const n = 200;
    expect(() => {
      for (let i = 0; i < n; i++) {
        feed.apply('ADDED', view(`p${i}`, { labels: labels(i) }));
        if (i === n / 2) {
          // The server side of the second connection, found by its position (insertion order).
          const conns = [...server.hub.connections];
          conns[1]?.close(1001, 'closed mid-batch');
        }
      }
    }).not.toThrow();
    expect(await victim.closed()).toBe(1001);
    const victimSeqs = victim.of('change').map((m) => m.seq);
    expect(victimSeqs).toEqual(Array.from({ length: victimSeqs.length }, (_, i) => i + 1));
    expect(victimSeqs.length).toBeLessThanOrEqual(n / 2 + 1);
    for (const c of [first, last]) {
      await c.next((m) => m.type === 'change' && m.seq === n, 10_000);
      expect(c.of('change').map((m) => m.seq)).toEqual(Array.from({ length: n }, (_, i) => i + 1));
    }
    expect(server.hub.writes?.pending).toBe(0);
    // The server forgets the connection once the closing handshake is done.
    while (server.hub.connections.size > 2) await new Promise((r) => setImmediate(r));
  });

  it('a peer gone before a round is detached without errors; the rest of the round still goes out', async () => {
    const feed = new FakeFeed();
    const { server, url } = await startServer(feed);
    cleanup.push(() => server.close());
    const gone = await TestClient.open(url);
    const stays = await TestClient.open(url);
    cleanup.push(() => {
      stays.close();
    });
    gone.send({ type: 'subscribe', id: 's' });
    stays.send({ type: 'subscribe', id: 's' });
    await gone.sync();
    await stays.sync();
    gone.ws.terminate();
    await gone.closed();
    for (let i = 0; i < 100; i++) feed.apply('ADDED', view(`p${i}`, { labels: labels(i) }));
    await stays.next((m) => m.type === 'change' && m.seq === 100, 10_000);
    await stays.sync();
    expect(server.hub.connections.size).toBe(1);
    expect(server.hub.writes?.pending).toBe(0);
  });

  it('with coalescing off, frames are still written in order (the A/B baseline)', async () => {
    const feed = new FakeFeed();
    const { server, url } = await startServer(feed, { coalesceWrites: false });
    cleanup.push(() => server.close());
    const c = await TestClient.open(url);
    cleanup.push(() => {
      c.close();
    });
    c.send({ type: 'subscribe', id: 's' });
    await c.sync();
    for (let i = 0; i < 50; i++) feed.apply('ADDED', view(`p${i}`));
    await c.next((m) => m.type === 'change' && m.seq === 50);
    expect(server.hub.writes).toBeNull();
    expect(c.of('change').map((m) => m.seq)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
  });
});
