import { describe, expect, it } from 'vitest';
import { compileFilter, opForFilter, type FilterSpec } from '../../src/protocol/filter.ts';
import type { ChangedFields, ChangeType, PodView } from '../../src/status/types.ts';
import { view } from '../server/helpers.ts';

function op(
  spec: FilterSpec,
  type: ChangeType,
  v: PodView,
  previous: ChangedFields = {},
): ChangeType | null {
  const f = compileFilter(spec);
  if (!f.ok) throw new Error(f.error.message);
  return opForFilter(f.value, type, v, previous);
}

describe('opForFilter', () => {
  const crash = view('a', { status: 'CrashLoopBackOff' });
  const bad = { status: ['CrashLoopBackOff', 'Error'] };
  it.each([
    ['no filter passes the type through', {}, 'MODIFIED', crash, {}, 'MODIFIED'],
    ['created inside', bad, 'ADDED', crash, {}, 'ADDED'],
    ['created outside', bad, 'ADDED', view('a'), {}, null],
    ['enters by status', bad, 'MODIFIED', crash, { status: 'Running' }, 'ADDED'],
    ['leaves by status', bad, 'MODIFIED', view('a'), { status: 'Error' }, 'DELETED'],
    ['stays inside', bad, 'MODIFIED', crash, { restarts: 4 }, 'MODIFIED'],
    ['stays outside', bad, 'MODIFIED', view('a'), { restarts: 4 }, null],
    ['deleted inside', bad, 'DELETED', crash, {}, 'DELETED'],
    ['deleted outside', bad, 'DELETED', view('a'), {}, null],
    [
      'enters by label',
      { labelSelector: 'tier=db' },
      'MODIFIED',
      view('a', { labels: { tier: 'db' } }),
      { labels: {} },
      'ADDED',
    ],
    ['other namespace', { namespaces: ['prod'] }, 'ADDED', view('a'), {}, null],
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
