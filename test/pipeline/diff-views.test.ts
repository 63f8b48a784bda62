import { describe, expect, it } from 'vitest';
import { diffViews } from '../../src/status/diff-views.ts';
import type { ContainerView, PodView } from '../../src/status/types.ts';

function container(o: Partial<ContainerView> = {}): ContainerView {
  return {
    name: 'app',
    kind: 'regular',
    state: 'running',
    reason: null,
    message: null,
    exitCode: null,
    signal: null,
    ready: true,
    restartCount: 0,
    startedAt: 1000,
    lastTerminatedAt: null,
    lastReason: null,
    lastExitCode: null,
    ...o,
  };
}
function view(o: Partial<PodView> = {}): PodView {
  return {
    uid: 'u1',
    namespace: 'default',
    name: 'web-1',
    phase: 'Running',
    ready: '1/1',
    status: 'Running',
    restarts: 0,
    lastRestartAt: null,
    createdAt: 0,
    deletedAt: null,
    ip: '10.0.0.1',
    node: 'n1',
    nominatedNode: null,
    readinessGates: null,
    owner: { kind: 'Deployment', name: 'web' },
    labels: { app: 'web', tier: 'fe' },
    containers: [container()],
    ...o,
  };
}

describe('diffViews', () => {
  it.each<[string, Partial<PodView>, Partial<PodView>, ReturnType<typeof diffViews>]>([
    ['equal views', {}, {}, null],
    [
      'equal but freshly built owner, labels, containers',
      {},
      {
        owner: { kind: 'Deployment', name: 'web' },
        labels: { tier: 'fe', app: 'web' },
        containers: [container()],
      },
      null,
    ],
    ['uid is identity, not a change', {}, { uid: 'u2' }, null],
    [
      'Running → CrashLoopBackOff, restarts 4 → 5',
      { status: 'Running', restarts: 4 },
      { status: 'CrashLoopBackOff', restarts: 5 },
      { status: 'Running', restarts: 4 },
    ],
    ['null → instant', {}, { deletedAt: 5000 }, { deletedAt: null }],
    ['ip gone', {}, { ip: null }, { ip: '10.0.0.1' }],
    [
      'owner changed',
      {},
      { owner: { kind: 'Job', name: 'web' } },
      { owner: { kind: 'Deployment', name: 'web' } },
    ],
    ['owner removed', {}, { owner: null }, { owner: { kind: 'Deployment', name: 'web' } }],
    [
      'label value changed',
      {},
      { labels: { app: 'web', tier: 'be' } },
      { labels: { app: 'web', tier: 'fe' } },
    ],
    [
      'label added',
      {},
      { labels: { app: 'web', tier: 'fe', x: '' } },
      { labels: { app: 'web', tier: 'fe' } },
    ],
    ['label removed', {}, { labels: { app: 'web' } }, { labels: { app: 'web', tier: 'fe' } }],
    [
      'label renamed, same count',
      { labels: { a: '1' } },
      { labels: { b: '1' } },
      { labels: { a: '1' } },
    ],
    [
      'container state changed',
      {},
      { containers: [container({ state: 'waiting', reason: 'CrashLoopBackOff' })] },
      { containers: [container()] },
    ],
    [
      'container added',
      {},
      { containers: [container(), container({ name: 'sidecar' })] },
      { containers: [container()] },
    ],
    [
      'container order matters',
      { containers: [container(), container({ name: 'b' })] },
      { containers: [container({ name: 'b' }), container()] },
      { containers: [container(), container({ name: 'b' })] },
    ],
  ])('%s', (_intent, a, b, expected) => {
    expect(diffViews(view(a), view(b))).toEqual(expected);
  });

  it('returns previous values that are the previous view’s own objects', () => {
    const prev = view();
    const changed = diffViews(prev, view({ labels: {}, containers: [] }));
    expect(changed?.labels).toBe(prev.labels);
    expect(changed?.containers).toBe(prev.containers);
  });
});

describe('diffViews sees a change of every field', () => {
  const changedValue = (v: unknown): unknown =>
    typeof v === 'string' ? `${v}x` : typeof v === 'number' ? v + 1 : v === null ? 7 : !v;

  it.each(Object.keys(container()))('of a container: %s', (key) => {
    const c = container() as unknown as Record<string, unknown>;
    const next = view({
      containers: [{ ...c, [key]: changedValue(c[key]) } as unknown as ContainerView],
    });
    expect(diffViews(view(), next)).toEqual({ containers: view().containers });
  });

  const scalars = Object.keys(view()).filter(
    (k) => !['uid', 'owner', 'labels', 'containers'].includes(k),
  );
  it.each(scalars)('of the view: %s', (key) => {
    const v = view() as unknown as Record<string, unknown>;
    const next = { ...v, [key]: changedValue(v[key]) } as unknown as PodView;
    expect(diffViews(view(), next)).toEqual({ [key]: v[key] });
  });
});
