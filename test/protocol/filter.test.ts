import { describe, expect, it } from 'vitest';
import {
  compileFilter,
  opForFilter,
  type FilterSpec,
  type PodFilter,
} from '../../src/protocol/filter.ts';
import type { ChangedFields, ChangeType, PodView } from '../../src/status/types.ts';
import { view } from '../server/helpers.ts';

function compiled(spec: FilterSpec): PodFilter {
  const f = compileFilter(spec);
  if (!f.ok) throw new Error(f.error.message);
  return f.value;
}

function op(
  spec: FilterSpec,
  type: ChangeType,
  v: PodView,
  previous: ChangedFields = {},
): ChangeType | null {
  return opForFilter(compiled(spec), type, v, previous);
}

/** The op every (change type, inside before, inside after) must give; ADDED has no before. */
function expected(type: ChangeType, before: boolean, after: boolean): ChangeType | null {
  switch (type) {
    case 'ADDED':
      return after ? 'ADDED' : null;
    case 'MODIFIED':
      if (before) return after ? 'MODIFIED' : 'DELETED';
      return after ? 'ADDED' : null;
    case 'DELETED':
      return before || after ? 'DELETED' : null;
  }
}

/**
 * Per filter dimension: a view inside or outside after the change, and the `previous` values that
 * put the pod inside or outside before it (what the pipeline sends: only fields that changed).
 */
const dimensions: {
  name: string;
  spec: FilterSpec;
  state: (inside: boolean) => Pick<PodView, 'status' | 'labels'>;
}[] = [
  {
    name: 'status',
    spec: { status: ['Running'] },
    state: (inside) => ({ status: inside ? 'Running' : 'Terminating', labels: { app: 'a' } }),
  },
  {
    name: 'label selector',
    spec: { labelSelector: 'tier=db' },
    state: (inside) => ({ status: 'Running', labels: inside ? { tier: 'db' } : { tier: 'web' } }),
  },
  {
    name: 'status, labels and namespace together',
    spec: { namespaces: ['default'], labelSelector: 'tier', status: ['Running', 'Error'] },
    state: (inside) =>
      inside ? { status: 'Error', labels: { tier: 'x' } } : { status: 'Error', labels: {} },
  },
];

function changeOf(
  type: ChangeType,
  before: Pick<PodView, 'status' | 'labels'>,
  after: Pick<PodView, 'status' | 'labels'>,
): { v: PodView; previous: ChangedFields } {
  const v = view('a', { ...after, restarts: 2 });
  const previous: ChangedFields = type === 'ADDED' ? {} : { restarts: 1 };
  if (type !== 'ADDED') {
    if (before.status !== after.status) previous.status = before.status;
    if (JSON.stringify(before.labels) !== JSON.stringify(after.labels))
      previous.labels = before.labels;
  }
  return { v, previous };
}

describe('opForFilter: every (change type, inside before, inside after)', () => {
  const cases: [string, ChangeType, boolean, boolean][] = [];
  for (const d of dimensions)
    for (const type of ['ADDED', 'MODIFIED', 'DELETED'] as const)
      for (const before of [false, true])
        for (const after of [false, true]) {
          if (type === 'ADDED' && before) continue; // nothing exists before an ADDED
          cases.push([d.name, type, before, after]);
        }
  it.each(cases)('%s: %s, inside before %s, inside after %s', (name, type, before, after) => {
    const d = dimensions.find((x) => x.name === name);
    if (d === undefined) throw new Error(name);
    const { v, previous } = changeOf(type, d.state(before), d.state(after));
    expect(op(d.spec, type, v, previous)).toBe(expected(type, before, after));
  });

  it.each(['ADDED', 'MODIFIED', 'DELETED'] as const)(
    'no filter passes %s through whatever changed',
    (type) => {
      const { v, previous } = changeOf(
        type,
        { status: 'Running', labels: {} },
        { status: 'Error', labels: {} },
      );
      expect(op({}, type, v, previous)).toBe(type);
    },
  );

  it('an ADDED ignores stray previous values: only the view counts', () => {
    expect(op({ status: ['Running'] }, 'ADDED', view('a'), { status: 'Error' })).toBe('ADDED');
    expect(
      op({ status: ['Running'] }, 'ADDED', view('a', { status: 'Error' }), { status: 'Running' }),
    ).toBe(null);
  });
});

describe('opForFilter: named cases', () => {
  const crash = view('a', { status: 'CrashLoopBackOff' });
  const bad = { status: ['CrashLoopBackOff', 'Error'] };
  it.each([
    ['created inside', bad, 'ADDED', crash, {}, 'ADDED'],
    ['created outside', bad, 'ADDED', view('a'), {}, null],
    ['enters by status', bad, 'MODIFIED', crash, { status: 'Running' }, 'ADDED'],
    ['leaves by status', bad, 'MODIFIED', view('a'), { status: 'Error' }, 'DELETED'],
    ['stays inside', bad, 'MODIFIED', crash, { restarts: 4 }, 'MODIFIED'],
    ['stays outside', bad, 'MODIFIED', view('a'), { restarts: 4 }, null],
    ['deleted inside', bad, 'DELETED', crash, {}, 'DELETED'],
    ['deleted outside', bad, 'DELETED', view('a'), {}, null],
    [
      // kubectl delete --force --grace-period=0: the final view is Terminating, the subscriber
      // filtered on Running holds the pod and must hear it is gone.
      'force-deleted out of a status filter',
      { status: ['Running'] },
      'DELETED',
      view('a', { status: 'Terminating', deletedAt: 1 }),
      { status: 'Running', deletedAt: null },
      'DELETED',
    ],
    [
      'deleted with a label edit that takes it out of the selector',
      { labelSelector: 'tier=db' },
      'DELETED',
      view('a', { labels: { tier: 'web' } }),
      { labels: { tier: 'db' } },
      'DELETED',
    ],
    [
      'enters by label',
      { labelSelector: 'tier=db' },
      'MODIFIED',
      view('a', { labels: { tier: 'db' } }),
      { labels: {} },
      'ADDED',
    ],
    [
      'a label change that keeps the selector true is MODIFIED',
      { labelSelector: 'tier' },
      'MODIFIED',
      view('a', { labels: { tier: 'db' } }),
      { labels: { tier: 'web' } },
      'MODIFIED',
    ],
    ['other namespace', { namespaces: ['prod'] }, 'ADDED', view('a'), {}, null],
    ['other namespace, deleted', { namespaces: ['prod'] }, 'DELETED', view('a'), {}, null],
    ['its namespace', { namespaces: ['prod', 'default'] }, 'ADDED', view('a'), {}, 'ADDED'],
  ] as const)('%s', (_name, spec, type, v, previous, want) => {
    expect(op(spec, type, v, previous)).toBe(want);
  });

  it('reports selector syntax errors with the parser message and the request id', () => {
    const f = compileFilter({ labelSelector: 'a in (b' }, 's1');
    expect(f.ok).toBe(false);
    if (!f.ok) {
      expect(f.error.code).toBe('PP_ERR_SELECTOR_SYNTAX');
      expect(f.error.id).toBe('s1');
      expect(f.error.message).toMatch(/in selector 'a in \(b'$/);
    }
  });
});
