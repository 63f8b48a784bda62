import { describe, expect, it } from 'vitest';
import { StatusError } from '../../src/sim/api-status.ts';
import { jsonPatch, mergePatch, strategicMergePatch } from '../../src/sim/patch.ts';

const pod = {
  metadata: { name: 'p', labels: { a: '1', b: '2' }, finalizers: ['x'] },
  spec: {
    containers: [
      { name: 'app', image: 'a:1' },
      { name: 'side', image: 's:1' },
    ],
  },
  status: {
    conditions: [
      { type: 'Ready', status: 'False' },
      { type: 'PodScheduled', status: 'True' },
    ],
    containerStatuses: [{ name: 'app', ready: false, restartCount: 0 }],
  },
};

describe('mergePatch (RFC 7386)', () => {
  const cases: [string, unknown, unknown][] = [
    [
      'sets a nested field',
      { metadata: { labels: { c: '3' } } },
      { ...pod, metadata: { ...pod.metadata, labels: { a: '1', b: '2', c: '3' } } },
    ],
    [
      'null deletes',
      { metadata: { labels: { a: null } } },
      { ...pod, metadata: { ...pod.metadata, labels: { b: '2' } } },
    ],
    [
      'lists are replaced',
      { metadata: { finalizers: [] } },
      { ...pod, metadata: { ...pod.metadata, finalizers: [] } },
    ],
  ];
  it.each(cases)('%s', (_n, patch, want) => {
    expect(mergePatch(pod, patch)).toEqual(want);
  });
  it('does not mutate its input', () => {
    const before = JSON.stringify(pod);
    mergePatch(pod, { metadata: { labels: { a: null } } });
    expect(JSON.stringify(pod)).toBe(before);
  });
});

describe('strategicMergePatch', () => {
  it('merges containers by name', () => {
    const out = strategicMergePatch(pod, {
      spec: { containers: [{ name: 'side', image: 's:2' }] },
    }) as typeof pod;
    expect(out.spec.containers).toEqual([
      { name: 'app', image: 'a:1' },
      { name: 'side', image: 's:2' },
    ]);
  });
  it('merges conditions by type and containerStatuses by name', () => {
    const out = strategicMergePatch(pod, {
      status: {
        conditions: [{ type: 'Ready', status: 'True' }],
        containerStatuses: [{ name: 'app', ready: true }],
      },
    }) as typeof pod;
    expect(out.status.conditions).toEqual([
      { type: 'Ready', status: 'True' },
      { type: 'PodScheduled', status: 'True' },
    ]);
    expect(out.status.containerStatuses).toEqual([{ name: 'app', ready: true, restartCount: 0 }]);
  });
  it('$patch: delete removes a list item by key', () => {
    const out = strategicMergePatch(pod, {
      spec: { containers: [{ name: 'side', $patch: 'delete' }] },
    }) as typeof pod;
    expect(out.spec.containers).toEqual([{ name: 'app', image: 'a:1' }]);
  });
  it('$patch: replace replaces the list', () => {
    const out = strategicMergePatch(pod, {
      spec: { containers: [{ $patch: 'replace' }, { name: 'only', image: 'o' }] },
    }) as typeof pod;
    expect(out.spec.containers).toEqual([{ name: 'only', image: 'o' }]);
  });
  it('finalizers merge as a set; $deleteFromPrimitiveList removes', () => {
    const added = strategicMergePatch(pod, { metadata: { finalizers: ['y', 'x'] } }) as typeof pod;
    expect(added.metadata.finalizers).toEqual(['x', 'y']);
    const removed = strategicMergePatch(pod, {
      metadata: { '$deleteFromPrimitiveList/finalizers': ['x'] },
    }) as typeof pod;
    expect(removed.metadata.finalizers).toEqual([]);
  });
  it('ignores $setElementOrder and $retainKeys directives', () => {
    const out = strategicMergePatch(pod, {
      spec: { '$setElementOrder/containers': [{ name: 'app' }] },
    });
    expect(out).toEqual(pod);
  });
  it('rejects a non-object patch with 400', () => {
    expect(() => strategicMergePatch(pod, [1])).toThrow(StatusError);
  });
});

describe('jsonPatch (RFC 6902)', () => {
  it('applies add, replace, remove, copy, move and test in order', () => {
    const out = jsonPatch(pod, [
      { op: 'test', path: '/metadata/name', value: 'p' },
      { op: 'add', path: '/metadata/labels/c', value: '3' },
      { op: 'replace', path: '/spec/containers/0/image', value: 'a:2' },
      { op: 'remove', path: '/metadata/labels/a' },
      { op: 'copy', from: '/metadata/labels/b', path: '/metadata/labels/d' },
      { op: 'move', from: '/metadata/labels/c', path: '/metadata/labels/e' },
      { op: 'add', path: '/metadata/finalizers/-', value: 'z' },
    ]) as typeof pod;
    expect(out.metadata.labels).toEqual({ b: '2', d: '2', e: '3' });
    expect(out.spec.containers[0]?.image).toBe('a:2');
    expect(out.metadata.finalizers).toEqual(['x', 'z']);
  });
  const failures: [string, unknown, number][] = [
    ['failed test is 422', [{ op: 'test', path: '/metadata/name', value: 'q' }], 422],
    ['missing path is 422', [{ op: 'remove', path: '/metadata/nope' }], 422],
    ['not an array is 400', { op: 'add' }, 400],
    ['unknown op is 400', [{ op: 'frob', path: '/a' }], 400],
    ['replace of an absent key is 422', [{ op: 'replace', path: '/metadata/zzz', value: 1 }], 422],
  ];
  it.each(failures)('%s', (_n, ops, code) => {
    try {
      jsonPatch(pod, ops);
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(StatusError);
      expect((err as StatusError).code).toBe(code);
    }
  });
});
