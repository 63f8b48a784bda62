import pino from 'pino';
import { firstValueFrom, type Subscription } from 'rxjs';
import { afterEach, describe, expect, it } from 'vitest';
import { KubeApiError } from '../../src/kube/api-error.ts';
import { Informer } from '../../src/kube/informer.ts';
import { podResource } from '../../src/kube/pod-informer.ts';
import { internTableStats } from '../../src/kube/pod-projection.ts';
import type { InformerEvent, InformerListener } from '../../src/kube/index.ts';
import {
  createPodSourceFrom,
  type PodEventSource,
  type PodSource,
} from '../../src/pipeline/index.ts';
import type { Pod, PodChange } from '../../src/status/types.ts';
import { FakeListerWatcher } from '../kube/fake-lister-watcher.ts';

const logger = pino({ level: 'silent' });
const flush = () => new Promise((resolve) => setTimeout(resolve, 0));

let cleanup: (() => void)[] = [];
afterEach(() => {
  for (const f of cleanup) f();
  cleanup = [];
});

function overFakeApi() {
  const fake = new FakeListerWatcher();
  const informer = new Informer<Pod>({
    resource: podResource,
    listerWatcher: () => fake,
    logger,
    knobs: { streamingList: false },
  });
  const source = createPodSourceFrom(
    {
      addListener: (l) => informer.addListener(l),
      stats: informer.stats,
      release: () => {
        informer.close();
      },
    },
    { logger, clock: () => 1_000 },
  );
  const changes: PodChange[] = [];
  const sub = source.changes$.subscribe((c) => changes.push(c));
  cleanup.push(() => {
    sub.unsubscribe();
    source.close();
  });
  const brief = () =>
    changes.splice(0).map((c) => `${c.seq} ${c.type} ${c.view.uid} ${JSON.stringify(c.previous)}`);
  return { fake, informer, source, changes, brief };
}

describe('pod pipeline over an informer', () => {
  it('emits ADDED for the initial list, in seq order, and serves a snapshot', async () => {
    const { fake, informer, source, brief } = overFakeApi();
    fake.put('a');
    fake.put('b', { phase: 'Running' });
    informer.start();
    await flush();
    expect(brief()).toEqual(['1 ADDED a {}', '2 ADDED b {}']);
    expect([...source.snapshot()].map((v) => `${v.uid} ${v.status}`)).toEqual([
      'a Pending',
      'b Running',
    ]);
    expect(source.get('b')?.name).toBe('pod-b');
    expect(source.lastSeq).toBe(2);
    expect(await firstValueFrom(source.state$)).toMatchObject({ state: 'synced', message: null });
  });

  it('costs no recompute and emits nothing for annotation-only updates', async () => {
    const { fake, informer, source, brief } = overFakeApi();
    fake.put('a');
    informer.start();
    await flush();
    brief();
    for (let i = 0; i < 100; i++) fake.put('a', { annotations: { touched: String(i) } });
    expect(brief()).toEqual([]);
    expect(source.stats).toMatchObject({ recomputes: 1, recomputesSkipped: 100, changesOut: 1 });
  });

  it('updates labels without a status recompute, and still emits', async () => {
    const { fake, informer, source, brief } = overFakeApi();
    fake.put('a', { labels: { app: 'web' } });
    informer.start();
    await flush();
    brief();
    fake.put('a', { labels: { app: 'api' } });
    expect(brief()).toEqual(['2 MODIFIED a {"labels":{"app":"web"}}']);
    expect(source.get('a')?.labels).toEqual({ app: 'api' });
    expect(source.stats.recomputes).toBe(1);
  });

  it('emits a status transition with its previous values, and DELETED frees the pod', async () => {
    const { fake, informer, source, brief } = overFakeApi();
    fake.put('a');
    informer.start();
    await flush();
    brief();
    fake.put('a', { phase: 'Running' });
    fake.remove('a');
    expect(brief()).toEqual([
      '2 MODIFIED a {"phase":"Pending","status":"Pending"}',
      '3 DELETED a {}',
    ]);
    expect(source.size).toBe(0);
  });

  it('after 410 Gone emits only what changed during the gap', async () => {
    const { fake, informer, source, brief } = overFakeApi();
    for (const uid of ['a', 'b', 'c', 'd']) fake.put(uid);
    informer.start();
    await flush();
    brief();
    fake.silently(() => {
      fake.put('a', { phase: 'Running' });
      fake.remove('b');
      fake.put('c', { annotations: { only: 'annotations' } });
      fake.put('e');
    });
    fake.compact();
    fake.endWatches(new KubeApiError('too old', 410, 'Expired'));
    await flush();
    const got = brief();
    expect(got.map((line) => line.split(' ')[0])).toEqual(['5', '6', '7']);
    expect(got.map((line) => line.slice(2)).sort()).toEqual([
      'ADDED e {}',
      'DELETED b {}',
      'MODIFIED a {"phase":"Pending","status":"Pending"}',
    ]);
    expect(source.stats.relists).toBe(1);
  });
});

/** A hand-driven event source, for volume and failure tests. */
function manual() {
  const listeners = new Set<InformerListener<Pod>>();
  const stats = { eventsIn: 0, relists: 0, watchRestarts: 0, errors: 0, lastEventAt: null };
  const source: PodEventSource = {
    addListener: (l) => {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    stats,
    release: () => undefined,
  };
  const send = (events: InformerEvent<Pod>[]) => {
    for (const l of listeners) l.batch(events);
  };
  return { source, send, listeners };
}

function pod(uid: string, phase = 'Running'): Pod {
  return { metadata: { uid, name: uid, namespace: 'ns', resourceVersion: '1' }, status: { phase } };
}

describe('pod pipeline robustness', () => {
  it('keeps its state bounded while a million distinct pods come and go', () => {
    const { source, send } = manual();
    const pipeline: PodSource = createPodSourceFrom(source, { logger });
    let maxSize = 0;
    const window: Pod[] = [];
    for (let i = 0; i < 1_000_000; i++) {
      const p = pod(`uid-${i}`);
      send([{ type: 'ADDED', object: p, old: undefined }]);
      window.push(p);
      if (window.length > 100) {
        const gone = window.shift() as Pod;
        send([{ type: 'DELETED', object: gone, old: gone }]);
      }
      if (pipeline.size > maxSize) maxSize = pipeline.size;
    }
    expect(maxSize).toBe(100);
    expect(pipeline.lastSeq).toBe(1_000_000 + 999_900);
    pipeline.close();
  });

  it('returns every per-pod structure to its baseline after churn through the informer', async () => {
    const { fake, informer, source } = overFakeApi();
    fake.put('keeper', { labels: { app: 'web' } });
    informer.start();
    await flush();
    const baseline = { informer: informer.size, pipeline: source.size, fake: fake.objects.size };
    expect(baseline).toEqual({ informer: 1, pipeline: 1, fake: 1 });
    const intern = internTableStats();
    let max = { informer: 0, pipeline: 0, intern: 0 };
    const window: string[] = [];
    for (let i = 0; i < 100_000; i++) {
      const uid = `uid-${i}`;
      // Distinct label values per pod: the intern table sees 100,000 new strings.
      fake.put(uid, { labels: { app: `app-${i % 5}`, 'pod-template-hash': `h${i}` } });
      if (i % 3 === 0) fake.put(uid, { phase: 'Running' });
      window.push(uid);
      if (window.length > 100) fake.remove(window.shift() as string);
      if (i % 1000 === 0) fake.compact(); // the fake's own history, not the system under test
      if (i % 25_000 === 12_345) {
        // a relist in the middle of the churn: 410 Gone, reconcile against the cache
        fake.endWatches(new KubeApiError('too old', 410, 'Expired'));
        await flush();
      }
      max = {
        informer: Math.max(max.informer, informer.size),
        pipeline: Math.max(max.pipeline, source.size),
        intern: Math.max(max.intern, internTableStats().size),
      };
    }
    for (const uid of window.splice(0)) fake.remove(uid);
    await flush();
    expect(informer.stats.relists).toBe(4);
    expect({ informer: max.informer, pipeline: max.pipeline }).toEqual({
      informer: 101,
      pipeline: 101,
    });
    // The intern table is a bounded cache, not per-pod state: the churn fills it, never past its
    // limit (it is cleared when full).
    expect(max.intern).toBeGreaterThan(intern.limit / 2);
    expect(max.intern).toBeLessThanOrEqual(intern.limit);
    expect({ informer: informer.size, pipeline: source.size, fake: fake.objects.size }).toEqual(
      baseline,
    );
    expect(source.get('keeper')?.labels).toEqual({ app: 'web' });
  });

  it('skips a pod whose processing throws, logs it, and carries on', () => {
    const { source, send } = manual();
    const pipeline = createPodSourceFrom(source, { logger });
    const seen: string[] = [];
    const sub: Subscription = pipeline.changes$.subscribe((c) => seen.push(c.view.uid));
    const poisoned = {
      metadata: { uid: 'bad' },
      get status(): never {
        throw new Error('boom');
      },
    } as Pod;
    send([
      { type: 'ADDED', object: pod('a'), old: undefined },
      { type: 'ADDED', object: poisoned, old: undefined },
      { type: 'ADDED', object: pod('b'), old: undefined },
    ]);
    expect(seen).toEqual(['a', 'b']);
    expect(pipeline.stats.processingErrors).toBe(1);
    sub.unsubscribe();
    pipeline.close();
    pipeline.close();
  });

  it('isolates a throwing subscriber from the others', async () => {
    const { source, send } = manual();
    const pipeline = createPodSourceFrom(source, { logger });
    const seen: number[] = [];
    const bad = pipeline.changes$.subscribe(() => {
      throw new Error('subscriber bug');
    });
    const good = pipeline.changes$.subscribe((c) => seen.push(c.seq));
    send([{ type: 'ADDED', object: pod('a'), old: undefined }]);
    send([{ type: 'MODIFIED', object: pod('a', 'Failed'), old: undefined }]);
    await flush();
    expect(seen).toEqual([1, 2]);
    bad.unsubscribe();
    good.unsubscribe();
    pipeline.close();
  });

  it('completes its streams on close and releases the source once', () => {
    const { source, listeners } = manual();
    let released = 0;
    const pipeline = createPodSourceFrom(
      {
        ...source,
        release: () => {
          released++;
        },
      },
      { logger },
    );
    let completed = 0;
    pipeline.changes$.subscribe({
      complete: () => {
        completed++;
      },
    });
    pipeline.state$.subscribe({
      complete: () => {
        completed++;
      },
    });
    pipeline.close();
    pipeline.close();
    expect({ completed, released, listeners: listeners.size }).toEqual({
      completed: 2,
      released: 1,
      listeners: 0,
    });
  });
});
