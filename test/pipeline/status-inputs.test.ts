import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { projectPod, SlimPod } from '../../src/kube/pod-projection.ts';
import type { InformerEvent, InformerListener } from '../../src/kube/index.ts';
import { createPodSourceFrom, sameStatusInputs } from '../../src/pipeline/index.ts';
import { sameByKeys } from '../../src/pipeline/status-inputs.ts';
import type { Pod } from '../../src/status/types.ts';

const at = '2026-11-01T10:00:00Z';
const state = (reason: string) => ({
  waiting: { reason, message: `${reason} message` },
  running: { startedAt: at },
  terminated: {
    exitCode: 1,
    signal: 9,
    reason,
    message: 'terminated message',
    startedAt: at,
    finishedAt: at,
  },
});
const containerStatus = (name: string) => ({
  name,
  state: state('Now'),
  lastState: state('Before'),
  ready: true,
  restartCount: 3,
  started: true,
});

/**
 * A raw pod filling every field the slim projection keeps (every branch of projectPod), so the
 * leaves of its projection are the projection's fields.
 */
const maximal = {
  metadata: {
    name: 'web-1',
    namespace: 'shop',
    uid: 'u1',
    resourceVersion: '7',
    creationTimestamp: at,
    deletionTimestamp: at,
    labels: { app: 'web', 'pod-template-hash': 'abc' },
    annotations: { dropped: 'yes' },
    ownerReferences: [{ kind: 'ReplicaSet', name: 'web-abc', controller: true }],
  },
  spec: {
    nodeName: 'node-1',
    initContainers: [{ name: 'sidecar', restartPolicy: 'Always' }],
    containers: [{ name: 'app' }],
    readinessGates: [{ conditionType: 'example.com/gate' }],
    schedulingGates: [{ name: 'wait' }],
  },
  status: {
    phase: 'Running',
    reason: 'Evicted',
    podIP: '10.0.0.1',
    podIPs: [{ ip: '10.0.0.1' }, { ip: 'fd00::1' }],
    nominatedNodeName: 'node-2',
    conditions: [
      { type: 'Ready', status: 'True', reason: 'R' },
      { type: 'Initialized', status: 'True', reason: 'I' },
      { type: 'PodScheduled', status: 'False', reason: 'SchedulingGated' },
      { type: 'example.com/gate', status: 'True', reason: 'G' },
    ],
    initContainerStatuses: [containerStatus('sidecar')],
    containerStatuses: [containerStatus('app')],
  },
};

type Path = readonly (string | number)[];

/** Every primitive leaf of a JSON value, with its path. */
function leaves(value: unknown, path: Path = []): Path[] {
  if (typeof value !== 'object' || value === null) return [path];
  return Object.entries(value).flatMap(([k, v]) =>
    leaves(v, [...path, Array.isArray(value) ? Number(k) : k]),
  );
}

/** A deep copy of `pod` with the leaf at `path` changed (string +x, number +1, boolean flipped). */
function changed(pod: Pod, path: Path): Pod {
  const copy = structuredClone(pod);
  let parent = copy as unknown as Record<string | number, unknown>;
  for (const key of path.slice(0, -1)) parent = parent[key] as Record<string | number, unknown>;
  const last = path.at(-1) as string | number;
  const v = parent[last];
  parent[last] = typeof v === 'string' ? `${v}x` : typeof v === 'number' ? v + 1 : !v;
  return copy;
}

const notInputs = (p: Path) =>
  p[0] === 'metadata' && (p[1] === 'labels' || p[1] === 'resourceVersion');

const base = projectPod(maximal);
const inputLeaves = leaves(base).filter((p) => !notInputs(p));

/** Runs ADDED base, then MODIFIED next through a pipeline; returns the recomputes it took. */
function recomputesFor(next: Pod): number {
  let listener: InformerListener<Pod> | undefined;
  const source = createPodSourceFrom(
    {
      addListener: (l) => {
        listener = l;
        return () => undefined;
      },
      stats: { eventsIn: 0, relists: 0, watchRestarts: 0, errors: 0, lastEventAt: null },
      release: () => undefined,
    },
    { logger: pino({ level: 'silent' }) },
  );
  const send = (event: InformerEvent<Pod>) => listener?.batch([event]);
  send({ type: 'ADDED', object: base, old: undefined });
  send({ type: 'MODIFIED', object: next, old: base });
  const n = source.stats.recomputes - 1;
  source.close();
  return n;
}

const equal: [string, Pod][] = [
  ['the same object', base],
  ['a deep copy', structuredClone(base)],
  ['a new resourceVersion', changed(base, ['metadata', 'resourceVersion'])],
  ['another label value', changed(base, ['metadata', 'labels', 'app'])],
  ['labels removed', { ...base, metadata: { ...base.metadata, labels: null } }],
  [
    'annotations and managedFields churn (projected away)',
    projectPod({
      ...maximal,
      metadata: { ...maximal.metadata, annotations: { x: '1' }, managedFields: [{}] },
    }),
  ],
  ['a field holding undefined vs absent', { ...base, spec: { ...base.spec, nodeName: 'node-1' } }],
];
const shapes: [string, Pod, Pod][] = [
  [
    'a container status added',
    base,
    projectPod({
      ...maximal,
      status: {
        ...maximal.status,
        containerStatuses: [containerStatus('app'), containerStatus('b')],
      },
    }),
  ],
  [
    'a state switched from running to waiting only',
    projectPod({
      ...maximal,
      status: { containerStatuses: [{ name: 'a', state: { running: {} } }] },
    }),
    projectPod({
      ...maximal,
      status: { containerStatuses: [{ name: 'a', state: { waiting: {} } }] },
    }),
  ],
  ['status removed', base, { ...base, status: {} }],
  ['metadata emptied', base, { ...base, metadata: {} }],
  [
    'an optional field appearing',
    { metadata: { uid: 'u' } },
    { metadata: { uid: 'u', name: 'n' } },
  ],
  [
    'an array replaced by an object',
    { metadata: { uid: 'u' }, spec: { containers: [] } },
    {
      metadata: { uid: 'u' },
      spec: { containers: {} as never },
    },
  ],
];
describe('sameStatusInputs over the slim projection', () => {
  it('the fixture fills every field the projection emits (no field left undefined)', () => {
    const undefinedLeaves = leaves(base).filter((p) => {
      let v: unknown = base;
      for (const k of p) v = (v as Record<string | number, unknown>)[k];
      return v === undefined;
    });
    expect(undefinedLeaves).toEqual([]);
    expect(inputLeaves.length).toBeGreaterThan(50);
  });

  it.each(inputLeaves.map((p) => [p.join('.'), p] as const))(
    'a change of %s is a status input: not same, and the pipeline recomputes',
    (_name, path) => {
      const next = changed(base, path);
      expect(sameStatusInputs(base, next)).toBe(false);
      expect(recomputesFor(next)).toBe(1);
    },
  );

  it.each(equal)('%s: same, no recompute', (_name, next) => {
    expect(sameStatusInputs(base, next)).toBe(true);
    expect(recomputesFor(next)).toBe(0);
  });

  it.each(shapes)('%s: not same', (_name, a, b) => {
    expect(sameStatusInputs(a, b)).toBe(false);
    expect(sameStatusInputs(b, a)).toBe(false);
  });
});

describe('the SlimPod fast path agrees with the walk over keys', () => {
  /** A copy as plain objects: sameStatusInputs takes the walk over keys for it. */
  const plain = (p: Pod): Pod => structuredClone(p);

  it('projectPod makes SlimPods, and copies are plain objects', () => {
    expect(base).toBeInstanceOf(SlimPod);
    expect(plain(base)).not.toBeInstanceOf(SlimPod);
    expect(projectPod(plain(base))).toBeInstanceOf(SlimPod);
  });

  it.each(inputLeaves.map((p) => [p.join('.'), p] as const))(
    'a change of %s, projected again: not same on either path',
    (_name, path) => {
      const next = projectPod(changed(base, path));
      expect(sameByKeys(plain(base), plain(next))).toBe(false);
      expect(sameStatusInputs(base, next)).toBe(false);
      expect(sameStatusInputs(next, base)).toBe(false);
    },
  );

  it.each(equal.map(([name, pod]) => [name, projectPod(pod)] as const))(
    '%s, projected again: same on either path',
    (_name, next) => {
      expect(sameByKeys(plain(base), plain(next))).toBe(true);
      expect(sameStatusInputs(base, next)).toBe(true);
    },
  );

  it.each(shapes.map(([name, a, b]) => [name, projectPod(a), projectPod(b)] as const))(
    '%s, projected again: both paths agree',
    (_name, a, b) => {
      expect(sameStatusInputs(a, b)).toBe(sameByKeys(plain(a), plain(b)));
      expect(sameStatusInputs(b, a)).toBe(sameByKeys(plain(b), plain(a)));
    },
  );
});
