import { describe, expect, it } from 'vitest';
import { compileFilter, type FilterSpec, type PodFilter } from '../../src/protocol/index.ts';
import {
  containerDetail,
  explainingContainer,
  TransitionFeed,
  transitionInView,
  transitionOf,
  transitionSentence,
  type Transition,
} from '../../src/web/transitions.ts';
import { change, container, view } from './builders.ts';

const crashing = container({
  name: 'app',
  state: 'waiting',
  reason: 'CrashLoopBackOff',
  message: 'back-off 20s restarting failed container=app',
  ready: false,
  restartCount: 3,
  lastReason: 'Error',
  lastExitCode: 1,
});

describe('transitionOf', () => {
  it('a STATUS change is a transition with the explaining container', () => {
    const t = transitionOf(
      change(
        'MODIFIED',
        view({
          name: 'api',
          status: 'CrashLoopBackOff',
          restarts: 3,
          containers: [container({ name: 'sidecar' }), crashing],
        }),
        { status: 'Error' },
      ),
    );
    expect(t).toMatchObject({ from: 'Error', to: 'CrashLoopBackOff', restarts: 3, deleted: false });
    expect(t?.detail).toBe(
      'app: CrashLoopBackOff (exit 1, last): back-off 20s restarting failed container=app',
    );
    if (t) expect(transitionSentence(t)).toBe('default/api Error to CrashLoopBackOff, 3 restarts');
  });

  it('a MODIFIED change without a STATUS change is not', () => {
    expect(transitionOf(change('MODIFIED', view({ name: 'api' }), { ready: '0/1' }))).toBeNull();
    expect(
      transitionOf(change('MODIFIED', view({ name: 'api' }), { status: 'Running' })),
    ).toBeNull();
  });

  it('ADDED and DELETED are transitions', () => {
    const added = transitionOf(change('ADDED', view({ name: 'p', status: 'Pending' })));
    expect(added).toMatchObject({ from: null, to: 'Pending', deleted: false });
    if (added) expect(transitionSentence(added)).toBe('default/p added: Pending');
    const deleted = transitionOf(change('DELETED', view({ name: 'p', status: 'Terminating' })));
    expect(deleted).toMatchObject({ from: 'Terminating', to: 'Terminating', deleted: true });
    if (deleted) expect(transitionSentence(deleted)).toBe('default/p deleted (was Terminating)');
  });
});

describe('transitions across a STATUS filter', () => {
  it('leaving the filter is a transition, not a deletion', () => {
    const t = transitionOf(
      change('DELETED', view({ name: 'p', status: 'Running' }), { status: 'CrashLoopBackOff' }),
    );
    expect(t).toMatchObject({ from: 'CrashLoopBackOff', to: 'Running', deleted: false });
  });
  it('entering the filter is a transition from the old STATUS', () => {
    const t = transitionOf(
      change('ADDED', view({ name: 'p', status: 'Error' }), { status: 'Running' }),
    );
    expect(t).toMatchObject({ from: 'Running', to: 'Error', deleted: false });
  });
});

describe('container detail', () => {
  it('prefers a not-ready waiting or terminated container', () => {
    const done = container({
      name: 'init',
      kind: 'init',
      state: 'terminated',
      reason: 'Completed',
      exitCode: 0,
      ready: false,
    });
    expect(explainingContainer(view({ name: 'p', containers: [done, crashing] }))?.name).toBe(
      'init',
    );
    expect(
      explainingContainer(view({ name: 'p', containers: [container({ name: 'ok' })] })),
    ).toBeNull();
  });
  it('states the current exit code and OOM reason', () => {
    expect(
      containerDetail(
        container({ name: 'app', state: 'terminated', reason: 'OOMKilled', exitCode: 137 }),
      ),
    ).toBe('app: OOMKilled (exit 137)');
    expect(containerDetail(container({ name: 'app', state: 'running' }))).toBe('app: running');
  });
});

describe('TransitionFeed', () => {
  it('keeps the newest entries first, bounded', () => {
    const feed = new TransitionFeed(2);
    for (const name of ['a', 'b', 'c']) {
      const t = transitionOf(change('ADDED', view({ name })));
      if (t) feed.push(t);
    }
    expect(feed.items().map((t) => t.name)).toEqual(['c', 'b']);
    feed.clear();
    expect(feed.items()).toEqual([]);
  });
});

function filter(spec: FilterSpec): PodFilter {
  const f = compileFilter(spec);
  if (!f.ok) throw new Error(f.error.message);
  return f.value;
}

function transition(...args: Parameters<typeof change>): Transition {
  const t = transitionOf(change(...args));
  if (t === null) throw new Error('not a transition');
  return t;
}

describe('transitionInView: a feed kept across a filter change', () => {
  const prodCrash = transition(
    'MODIFIED',
    view({ name: 'api', namespace: 'prod', status: 'CrashLoopBackOff', labels: { app: 'api' } }),
    { status: 'Running' },
  );
  const relabelled = transition(
    'MODIFIED',
    view({ name: 'web', status: 'Error', labels: { app: 'web2' } }),
    { status: 'Running', labels: { app: 'web' } },
  );
  const added = transition('ADDED', view({ name: 'job', status: 'Pending' }));
  const deleted = transition('DELETED', view({ name: 'old', status: 'Terminating' }));
  it.each<[string, Transition, FilterSpec, boolean]>([
    ['no filter keeps everything', prodCrash, {}, true],
    ['its namespace', prodCrash, { namespaces: ['prod', 'dev'] }, true],
    ['another namespace', prodCrash, { namespaces: ['dev'] }, false],
    ['matching labels', prodCrash, { labelSelector: 'app=api' }, true],
    ['other labels', prodCrash, { labelSelector: 'app!=api' }, false],
    ['the STATUS it went to', prodCrash, { status: ['CrashLoopBackOff'] }, true],
    ['the STATUS it left (left the filter)', prodCrash, { status: ['Running'] }, true],
    ['neither STATUS', prodCrash, { status: ['Pending'] }, false],
    [
      'labels before the change, with the STATUS before',
      relabelled,
      { labelSelector: 'app=web', status: ['Running'] },
      true,
    ],
    [
      'labels after the change, with the STATUS after',
      relabelled,
      { labelSelector: 'app=web2', status: ['Error'] },
      true,
    ],
    [
      'old labels with the new STATUS: never both at once',
      relabelled,
      { labelSelector: 'app=web', status: ['Error'] },
      false,
    ],
    ['an addition: its STATUS', added, { status: ['Pending'] }, true],
    ['an addition: no STATUS before', added, { status: ['Running'] }, false],
    ['a deletion: its last STATUS', deleted, { status: ['Terminating'] }, true],
    ['a deletion elsewhere', deleted, { namespaces: ['prod'] }, false],
  ])('%s', (_name, t, spec, kept) => {
    expect(transitionInView(t, filter(spec))).toBe(kept);
  });
});

describe('TransitionFeed.show', () => {
  const inProd = (t: Transition) => transitionInView(t, filter({ namespaces: ['prod'] }));
  const feedOf = (...pods: [string, string][]): TransitionFeed => {
    const feed = new TransitionFeed(3);
    for (const [name, namespace] of pods) feed.push(transition('ADDED', view({ name, namespace })));
    return feed;
  };
  const shown = (feed: TransitionFeed) => feed.items().map((t) => t.name);

  it('shows the entries the filter accepts, in order, and marks a new generation', () => {
    const feed = feedOf(['a', 'prod'], ['b', 'dev'], ['c', 'prod']);
    const { version, generation } = feed;
    feed.show(inProd);
    expect(shown(feed)).toEqual(['c', 'a']);
    expect(feed.version).toBeGreaterThan(version);
    expect(feed.generation).toBeGreaterThan(generation);
  });
  it('widening the filter again brings back what was hidden', () => {
    const feed = feedOf(['a', 'prod'], ['b', 'dev']);
    feed.show(inProd);
    feed.push(transition('ADDED', view({ name: 'c', namespace: 'prod' })));
    expect(shown(feed)).toEqual(['c', 'a']);
    feed.show(null);
    expect(shown(feed)).toEqual(['c', 'b', 'a']);
  });
  it('a push the filter rejects changes nothing shown; the bound counts everything seen', () => {
    const feed = feedOf(['a', 'prod']);
    feed.show(inProd);
    const { version } = feed;
    feed.push(transition('ADDED', view({ name: 'b', namespace: 'dev' })));
    expect([shown(feed), feed.version]).toEqual([['a'], version]);
    feed.push(transition('ADDED', view({ name: 'c', namespace: 'dev' })));
    feed.push(transition('ADDED', view({ name: 'd', namespace: 'dev' })));
    feed.show(null);
    expect(shown(feed)).toEqual(['d', 'c', 'b']);
  });
});
