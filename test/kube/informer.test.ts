import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { KubeApiError } from '../../src/kube/api-error.ts';
import { backoffDelay, defaultBackoff } from '../../src/kube/backoff.ts';
import { Informer, type InformerStatus } from '../../src/kube/informer.ts';
import { podResource } from '../../src/kube/pod-informer.ts';
import type { InformerEvent, ReflectorKnobs } from '../../src/kube/reflector.ts';
import type { Pod } from '../../src/status/types.ts';
import { FakeListerWatcher } from './fake-lister-watcher.ts';

const logger = pino({ level: 'silent' });

function setup(knobs: Partial<ReflectorKnobs> = {}, random: () => number = () => 0.5) {
  const fake = new FakeListerWatcher();
  const batches: InformerEvent<Pod>[][] = [];
  const statuses: InformerStatus[] = [];
  const informer = new Informer<Pod>({
    resource: podResource,
    listerWatcher: () => fake,
    logger,
    random,
    knobs: { streamingList: false, pageSize: 2, staleAfterMs: 60_000, ...knobs },
  });
  informer.addListener({
    batch: (events) => batches.push([...events]),
    status: (s) => statuses.push(s),
  });
  const summary = (events: readonly InformerEvent<Pod>[]) =>
    events.map((e) => `${e.type} ${e.object.metadata?.uid ?? ''}`).sort();
  return { fake, informer, batches, statuses, summary };
}

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('Informer over a fake API', () => {
  it('lists page by page, then reports one ADDED batch and synced', async () => {
    const { fake, informer, batches, statuses, summary } = setup();
    for (const uid of ['a', 'b', 'c', 'd', 'e']) fake.put(uid);
    informer.start();
    await vi.advanceTimersByTimeAsync(0);
    expect(fake.lists.map((q) => q['continue'] ?? null)).toEqual([null, '105:2', '105:4']);
    expect(fake.lists.every((q) => q['limit'] === '2')).toBe(true);
    expect(batches.map(summary)).toEqual([['ADDED a', 'ADDED b', 'ADDED c', 'ADDED d', 'ADDED e']]);
    expect(statuses.at(-1)).toEqual({ state: 'synced', synced: true, message: null });
    expect(fake.openWatchers[0]?.query).toMatchObject({
      watch: 'true',
      resourceVersion: '105',
      allowWatchBookmarks: 'true',
    });
    const timeout = Number(fake.openWatchers[0]?.query['timeoutSeconds']);
    expect(timeout).toBeGreaterThanOrEqual(300);
    expect(timeout).toBeLessThanOrEqual(600);
    informer.close();
  });

  it('applies watch events in order, without duplicate ADDED or same-version repeats', async () => {
    const { fake, informer, batches, summary } = setup();
    informer.start();
    await vi.advanceTimersByTimeAsync(0);
    fake.put('a');
    fake.put('a', { phase: 'Running' });
    const w = fake.openWatchers[0];
    // A repeat of the same version, and an ADDED for a known pod (both seen after re-watches).
    w?.sink.event('MODIFIED', structuredClone(fake.objects.get('a')));
    w?.sink.event('ADDED', {
      ...structuredClone(fake.objects.get('a')),
      metadata: { ...fake.objects.get('a')?.metadata, resourceVersion: '999' },
    });
    w?.sink.event('DELETED', { metadata: { uid: 'ghost', resourceVersion: '1000' } });
    fake.remove('a');
    expect(batches.map(summary)).toEqual([
      ['ADDED a'],
      ['MODIFIED a'],
      ['MODIFIED a'],
      ['DELETED a'],
    ]);
    expect(informer.size).toBe(0);
    informer.close();
  });

  it('relists after 410 Gone and reconciles: DELETED, MODIFIED, ADDED for the gap, nothing for the rest', async () => {
    const { fake, informer, batches, summary } = setup();
    for (const uid of ['a', 'b', 'c']) fake.put(uid);
    informer.start();
    await vi.advanceTimersByTimeAsync(0);
    fake.silently(() => {
      fake.put('a', { phase: 'Running' });
      fake.remove('b');
      fake.put('d');
    });
    fake.compact();
    fake.endWatches(new KubeApiError('too old resource version', 410, 'Expired'));
    await vi.advanceTimersByTimeAsync(0);
    expect(batches.map(summary)).toEqual([
      ['ADDED a', 'ADDED b', 'ADDED c'],
      ['ADDED d', 'DELETED b', 'MODIFIED a'],
    ]);
    expect(informer.stats.relists).toBe(1);
    expect(fake.lists.at(-2)?.['resourceVersion']).toBeUndefined();
    expect(fake.openWatchers).toHaveLength(1);
    informer.close();
  });

  it('relists at once after each 410 separated by a healthy watch; backs off on 410s in a row', async () => {
    const { fake, informer } = setup();
    fake.put('a');
    informer.start();
    await vi.advanceTimersByTimeAsync(0);
    const gone = () => {
      fake.compact();
      fake.endWatches(new KubeApiError('too old resource version', 410, 'Expired'));
    };
    for (let i = 0; i < 3; i++) {
      gone();
      await vi.advanceTimersByTimeAsync(0);
      fake.put('a', { phase: `P${i}` }); // the new watch delivers an event: healthy
    }
    expect(fake.lists).toHaveLength(4);
    gone(); // the watch has delivered nothing since the last relist...
    await vi.advanceTimersByTimeAsync(0);
    expect(fake.lists).toHaveLength(5);
    gone(); // ...so this 410 is the second in a row: back off before relisting
    await vi.advanceTimersByTimeAsync(0);
    expect(fake.lists).toHaveLength(5);
    await vi.advanceTimersByTimeAsync(1000);
    expect(fake.lists).toHaveLength(6);
    informer.close();
  });

  it('relists from scratch when a continue token expires mid-list', async () => {
    const { fake, informer, batches, summary } = setup();
    for (const uid of ['a', 'b', 'c']) fake.put(uid);
    const origList = fake.list.bind(fake);
    let calls = 0;
    fake.list = (q) => {
      calls++;
      if (calls === 2) return Promise.reject(new KubeApiError('continue expired', 410, 'Expired'));
      return origList(q);
    };
    informer.start();
    await vi.advanceTimersByTimeAsync(0);
    expect(calls).toBe(4);
    expect(batches.map(summary)).toEqual([['ADDED a', 'ADDED b', 'ADDED c']]);
    informer.close();
  });

  it('backs off 1s → 30s with jitter, forever, on list failures, and counts them', async () => {
    const random = vi.fn(() => 0.999);
    const { fake, informer, statuses } = setup({}, random);
    const times: number[] = [];
    for (let i = 0; i < 9; i++)
      fake.listFailures.push(new KubeApiError('boom', 500, 'InternalError'));
    const origList = fake.list.bind(fake);
    fake.list = (q) => {
      times.push(Date.now());
      return origList(q);
    };
    informer.start();
    await vi.advanceTimersByTimeAsync(200_000);
    const gaps = times.slice(1).map((t, i) => t - (times[i] ?? 0));
    const bases = [1000, 2000, 4000, 8000, 16000, 30000, 30000, 30000, 30000];
    expect(gaps).toHaveLength(9);
    gaps.forEach((gap, i) => {
      expect(gap).toBeGreaterThanOrEqual(Math.floor((bases[i] ?? 0) * 0.8));
      expect(gap).toBeLessThanOrEqual(bases[i] ?? 0);
    });
    expect(informer.stats.errors).toBe(9);
    expect(statuses.some((s) => s.state === 'connecting' && s.message === 'boom')).toBe(true);
    expect(informer.status.state).toBe('synced');
    informer.close();
  });

  it('re-watches from the last bookmark after a clean close, and backs off on watch errors', async () => {
    const { fake, informer, statuses } = setup();
    fake.put('a');
    informer.start();
    await vi.advanceTimersByTimeAsync(0);
    fake.rv = 500;
    fake.bookmark();
    await vi.advanceTimersByTimeAsync(5000);
    fake.endWatches();
    await vi.advanceTimersByTimeAsync(0);
    expect(fake.openWatchers[0]?.query['resourceVersion']).toBe('500');
    fake.watchFailures.push(new KubeApiError('forbidden', 403, 'Forbidden'));
    fake.endWatches(new KubeApiError('unavailable', 503, 'ServiceUnavailable'));
    await vi.advanceTimersByTimeAsync(0);
    expect(fake.openWatchers).toHaveLength(0);
    expect(informer.status.state).toBe('reconnecting');
    await vi.advanceTimersByTimeAsync(1000); // first retry (403) fails
    await vi.advanceTimersByTimeAsync(2000); // second retry opens
    expect(fake.openWatchers).toHaveLength(1);
    expect(fake.lists).toHaveLength(1);
    expect(informer.stats.errors).toBe(2);
    // An HTTP 200 alone is no recovery: the watch must deliver something or last minWatchMs.
    expect(statuses.at(-1)?.state).toBe('reconnecting');
    await vi.advanceTimersByTimeAsync(1000);
    expect(statuses.at(-1)?.state).toBe('synced');
    informer.close();
  });

  it('backs off when watches close at once without events', async () => {
    const { fake, informer } = setup({ minWatchMs: 1000 });
    informer.start();
    await vi.advanceTimersByTimeAsync(0);
    fake.endWatches();
    await vi.advanceTimersByTimeAsync(0);
    expect(fake.openWatchers).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(1000);
    expect(fake.openWatchers).toHaveLength(1);
    informer.close();
  });

  // A server that accepts every watch (HTTP 200) and fails it at once must still get a growing
  // back-off, and the informer must end up stale instead of flipping to synced every second.
  const instantFailures: [string, (fake: FakeListerWatcher) => void][] = [
    [
      'a clean close with no events',
      (fake) => {
        fake.endWatches();
      },
    ],
    [
      'an ERROR event with code 504',
      (fake) => {
        fake.endWatches(new KubeApiError('timeout', 504, 'Timeout'));
      },
    ],
    [
      'a malformed line',
      (fake) => {
        fake.endWatches(new KubeApiError('malformed line: {', null, 'MalformedLine'));
      },
    ],
  ];
  it.each(instantFailures)(
    'backs off 1s → 30s and turns stale when every watch opens and then fails at once: %s',
    async (_name, fail) => {
      const random = vi.fn(() => 0.999);
      const { fake, informer, statuses } = setup({ minWatchMs: 1000 }, random);
      informer.start();
      await vi.advanceTimersByTimeAsync(0);
      const opened: number[] = [];
      const origWatch = fake.watch.bind(fake);
      fake.watch = (query, sink) =>
        origWatch(query, {
          ...sink,
          open: () => {
            opened.push(Date.now());
            sink.open();
            queueMicrotask(() => {
              fail(fake);
            });
          },
        });
      const healthy = statuses.length;
      fail(fake);
      await vi.advanceTimersByTimeAsync(200_000);
      const gaps = opened.slice(1).map((t, i) => t - (opened[i] ?? 0));
      const bases = [2000, 4000, 8000, 16000, 30000, 30000, 30000, 30000];
      expect(gaps.slice(0, bases.length)).toHaveLength(bases.length);
      expect(opened[0]).toBeGreaterThanOrEqual(800); // the first retry waited ~1 s
      bases.forEach((base, i) => {
        expect(gaps[i]).toBeGreaterThanOrEqual(Math.floor(base * 0.8));
        expect(gaps[i]).toBeLessThanOrEqual(base);
      });
      const after = statuses.slice(healthy).map((s) => s.state);
      expect(after).not.toContain('synced');
      expect(after).toContain('reconnecting');
      expect(informer.status.state).toBe('stale');
      expect(fake.lists).toHaveLength(1);
      informer.close();
    },
  );

  it('starts the back-off over once a watch delivers an event, or lives minWatchMs', async () => {
    const random = () => 0; // no jitter: delays of exactly 1, 2, 4, 8 s
    const { fake, informer } = setup({ minWatchMs: 1000 }, random);
    informer.start();
    await vi.advanceTimersByTimeAsync(0);
    // What each newly opened watch does: fail at once, deliver an event then fail, or stay up.
    let next: 'fail' | 'event' | 'stay' = 'fail';
    let failedAt = 0;
    const delays: number[] = [];
    const fail = () => {
      failedAt = Date.now();
      fake.endWatches(new KubeApiError('unavailable', 503, 'ServiceUnavailable'));
    };
    const origWatch = fake.watch.bind(fake);
    fake.watch = (query, sink) =>
      origWatch(query, {
        ...sink,
        open: () => {
          delays.push(Date.now() - failedAt);
          sink.open();
          const mode = next;
          queueMicrotask(() => {
            if (mode === 'event') fake.put(`pod-${delays.length}`);
            if (mode !== 'stay') fail();
          });
        },
      });
    fail();
    await vi.advanceTimersByTimeAsync(15_000 - 1); // opens after 1, 2, 4 s; waits 8 s
    next = 'event';
    await vi.advanceTimersByTimeAsync(1); // the 4th opens, delivers an event, fails: healthy
    next = 'fail';
    await vi.advanceTimersByTimeAsync(1000 + 2000); // opens after 1 s (reset), then after 2 s
    next = 'stay';
    await vi.advanceTimersByTimeAsync(4000); // opens after 4 s and stays up
    await vi.advanceTimersByTimeAsync(1000); // past minWatchMs: healthy
    expect(informer.status.state).toBe('synced');
    next = 'fail';
    fail();
    await vi.advanceTimersByTimeAsync(1000); // opens after 1 s (reset)
    const at = (attempt: number) => backoffDelay(attempt, defaultBackoff, random);
    expect(delays).toEqual([at(0), at(1), at(2), at(3), at(0), at(1), at(2), at(0)]);
    informer.close();
  });

  it('restarts a silent watch (watchdog), but not one kept alive by bookmarks', async () => {
    const { fake, informer, statuses } = setup({ staleAfterMs: 5000 });
    informer.start();
    await vi.advanceTimersByTimeAsync(0);
    for (let i = 0; i < 10; i++) {
      await vi.advanceTimersByTimeAsync(2000);
      fake.bookmark();
    }
    expect(fake.watchers).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(5000);
    expect(fake.watchers).toHaveLength(2);
    expect(fake.watchers[0]?.closed).toBe(true);
    expect(informer.stats.watchRestarts).toBe(1);
    expect(statuses.map((s) => s.state)).toContain('stale');
    expect(informer.status.state).toBe('synced');
    informer.close();
  });

  it('uses a streaming list where the server supports it', async () => {
    const { fake, informer, batches, summary } = setup({ streamingList: true });
    fake.rejectStreaming = false;
    fake.put('a');
    fake.put('b');
    informer.start();
    await vi.advanceTimersByTimeAsync(0);
    expect(fake.lists).toHaveLength(0);
    expect(batches.map(summary)).toEqual([['ADDED a', 'ADDED b']]);
    expect(informer.status.synced).toBe(true);
    fake.put('c');
    expect(batches.map(summary).at(-1)).toEqual(['ADDED c']);
    informer.close();
  });

  it('resumes a failed streaming-list watch from its resourceVersion, without relisting', async () => {
    const { fake, informer } = setup({ streamingList: true });
    fake.rejectStreaming = false;
    fake.put('a');
    informer.start();
    await vi.advanceTimersByTimeAsync(0);
    fake.put('b');
    fake.endWatches(new KubeApiError('unavailable', 503, 'ServiceUnavailable'));
    await vi.advanceTimersByTimeAsync(1000);
    expect(fake.watchers).toHaveLength(2);
    expect(fake.watchers[1]?.query).toMatchObject({ resourceVersion: '102' });
    expect(fake.watchers[1]?.query['sendInitialEvents']).toBeUndefined();
    expect(informer.stats.relists).toBe(0);
    informer.close();
  });

  it('falls back to LIST when the server rejects a streaming list', async () => {
    const { fake, informer, batches, summary } = setup({ streamingList: true });
    fake.put('a');
    informer.start();
    await vi.advanceTimersByTimeAsync(0);
    expect(fake.lists).toHaveLength(1);
    expect(batches.map(summary)).toEqual([['ADDED a']]);
    expect(informer.stats.errors).toBe(0);
    informer.close();
  });

  it('replays the cache to a late listener, and survives a throwing listener', async () => {
    const { fake, informer } = setup();
    fake.put('a');
    informer.start();
    await vi.advanceTimersByTimeAsync(0);
    const late: string[] = [];
    informer.addListener({
      batch: (events) => {
        late.push(...events.map((e) => `${e.type} ${e.object.metadata?.uid ?? ''}`));
        throw new Error('listener bug');
      },
    });
    fake.put('b');
    expect(late).toEqual(['ADDED a', 'ADDED b']);
    expect(informer.get('b')?.metadata?.name).toBe('pod-b');
    informer.close();
    informer.close();
  });
});
