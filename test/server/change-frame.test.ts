import { afterEach, describe, expect, it, vi } from 'vitest';
import { ChangeFrames, encodeChange } from '../../src/server/change-frame.ts';
import { FakeFeed, startServer, TestClient, view } from './helpers.ts';

function frames(): ChangeFrames {
  const change = { type: 'MODIFIED' as const, seq: 7, time: 0, view: view('a'), previous: {} };
  return new ChangeFrames({ change, body: encodeChange(change) }, 'ep');
}

describe('ChangeFrames', () => {
  it('shares one Buffer per distinct (ids, op) during a dispatch', () => {
    const f = frames();
    expect(f.frameFor('s1', 'MODIFIED')).toBe(f.frameFor('s1', 'MODIFIED'));
    expect(f.frame(['s1', 's2'], 'ADDED')).toBe(f.frame(['s1', 's2'], 'ADDED'));
    expect(f.frameFor('s2', 'MODIFIED')).not.toBe(f.frameFor('s1', 'MODIFIED'));
    expect(f.cachedFrames).toBe(3);
  });

  it('drops its cache when the dispatch ends, so a queued change keeps only its body', () => {
    const f = frames();
    const during = f.frameFor('s1', 'MODIFIED').toString('utf8');
    const multi = f.frame(['s1', 's2'], 'DELETED').toString('utf8');
    f.endDispatch();
    expect(f.cachedFrames).toBe(0);
    // Frames built afterwards (a lagging outbox draining) are the same bytes, and not cached.
    expect(f.frameFor('s1', 'MODIFIED').toString('utf8')).toBe(during);
    expect(f.frame(['s1', 's2'], 'DELETED').toString('utf8')).toBe(multi);
    expect(f.cachedFrames).toBe(0);
  });
});

describe('hub dispatch', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('ends the dispatch of every change after offering it to every connection', async () => {
    const ended: number[] = [];
    // eslint-disable-next-line @typescript-eslint/unbound-method -- called with its own `this` below
    const original = ChangeFrames.prototype.endDispatch;
    vi.spyOn(ChangeFrames.prototype, 'endDispatch').mockImplementation(function (
      this: ChangeFrames,
    ) {
      ended.push(this.cachedFrames);
      original.call(this);
      expect(this.cachedFrames).toBe(0);
    });
    const feed = new FakeFeed();
    const { server, url } = await startServer(feed);
    const clients = [await TestClient.open(url), await TestClient.open(url)];
    try {
      for (const [i, c] of clients.entries()) {
        c.send({ type: 'subscribe', id: `s${i}` });
        await c.next((m) => m.type === 'snapshot' && m.final);
      }
      feed.apply('ADDED', view('p1'));
      feed.apply('MODIFIED', view('p1', { status: 'Error' }));
      for (const c of clients) await c.next((m) => m.type === 'change' && m.op === 'MODIFIED');
      // Two changes, each encoded for two distinct subscription ids, then released.
      expect(ended).toEqual([2, 2]);
    } finally {
      for (const c of clients) c.close();
      await server.close();
    }
  });
});
