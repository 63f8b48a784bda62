import { describe, expect, it } from 'vitest';
import {
  containerDetail,
  explainingContainer,
  TransitionFeed,
  transitionOf,
  transitionSentence,
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
