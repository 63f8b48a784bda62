import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { projectPod } from '../../src/kube/pod-projection.ts';
import { podView } from '../../src/status/index.ts';
import type { Pod } from '../../src/status/types.ts';

const fixtures = JSON.parse(
  readFileSync(new URL('../fixtures/status/printers-test.json', import.meta.url), 'utf8'),
) as { cases: { upstream: string; intent: string; pod: Pod }[] };

/** A pod as a real API server sends it: managedFields, annotations, full spec. */
const realistic = {
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: {
    name: 'web-7d4b9c8f6-x2x9q',
    generateName: 'web-7d4b9c8f6-',
    namespace: 'shop',
    uid: '0b7e2f1c-5a3d-4e8f-9c1b-2d3e4f5a6b7c',
    resourceVersion: '918273',
    creationTimestamp: '2026-11-01T10:00:00Z',
    labels: { app: 'web', 'pod-template-hash': '7d4b9c8f6' },
    annotations: { 'kubectl.kubernetes.io/restartedAt': '2026-11-01T09:59:00Z' },
    ownerReferences: [
      { apiVersion: 'v1', kind: 'ConfigMap', name: 'not-a-controller', uid: 'c1' },
      {
        apiVersion: 'apps/v1',
        kind: 'ReplicaSet',
        name: 'web-7d4b9c8f6',
        uid: 'r1',
        controller: true,
        blockOwnerDeletion: true,
      },
    ],
    managedFields: [
      {
        manager: 'kube-controller-manager',
        operation: 'Update',
        apiVersion: 'v1',
        time: '2026-11-01T10:00:00Z',
        fieldsType: 'FieldsV1',
        fieldsV1: { 'f:metadata': { 'f:labels': {} } },
      },
    ],
  },
  spec: {
    nodeName: 'node-1',
    restartPolicy: 'Always',
    serviceAccountName: 'default',
    containers: [
      {
        name: 'app',
        image: 'nginx:1.27',
        ports: [{ containerPort: 80 }],
        resources: { limits: { memory: '128Mi' } },
        env: [{ name: 'A', value: 'b' }],
      },
    ],
    initContainers: [{ name: 'proxy', image: 'envoy', restartPolicy: 'Always' }],
    volumes: [{ name: 'kube-api-access', projected: { sources: [] } }],
    tolerations: [
      {
        key: 'node.kubernetes.io/not-ready',
        operator: 'Exists',
        effect: 'NoExecute',
        tolerationSeconds: 300,
      },
    ],
  },
  status: {
    phase: 'Running',
    hostIP: '10.0.0.1',
    podIP: '10.244.1.7',
    podIPs: [{ ip: '10.244.1.7' }],
    startTime: '2026-11-01T10:00:01Z',
    qosClass: 'Burstable',
    conditions: [
      {
        type: 'Initialized',
        status: 'True',
        lastProbeTime: null,
        lastTransitionTime: '2026-11-01T10:00:02Z',
      },
      {
        type: 'Ready',
        status: 'True',
        lastProbeTime: null,
        lastTransitionTime: '2026-11-01T10:00:09Z',
      },
      { type: 'ContainersReady', status: 'True' },
      { type: 'PodScheduled', status: 'True' },
    ],
    initContainerStatuses: [
      {
        name: 'proxy',
        ready: true,
        started: true,
        restartCount: 0,
        image: 'envoy',
        imageID: 'sha256:aa',
        containerID: 'containerd://1',
        state: { running: { startedAt: '2026-11-01T10:00:02Z' } },
      },
    ],
    containerStatuses: [
      {
        name: 'app',
        ready: true,
        started: true,
        restartCount: 2,
        image: 'nginx:1.27',
        imageID: 'sha256:bb',
        containerID: 'containerd://2',
        state: { running: { startedAt: '2026-11-01T10:05:00Z' } },
        lastState: {
          terminated: {
            exitCode: 137,
            reason: 'OOMKilled',
            startedAt: '2026-11-01T10:03:00Z',
            finishedAt: '2026-11-01T10:04:59Z',
            containerID: 'containerd://0',
          },
        },
      },
    ],
  },
};

describe('projectPod', () => {
  it.each(fixtures.cases.map((c) => [`${c.upstream}: ${c.intent}`, c.pod] as const))(
    'keeps the view of %s',
    (_name, pod) => {
      expect(podView(projectPod(pod))).toEqual(podView(pod));
    },
  );

  it('keeps the view of a realistic pod and drops what status does not read', () => {
    const slim = projectPod(realistic);
    expect(podView(slim)).toEqual(podView(realistic as Pod));
    expect(slim).toEqual({
      metadata: {
        name: 'web-7d4b9c8f6-x2x9q',
        namespace: 'shop',
        uid: '0b7e2f1c-5a3d-4e8f-9c1b-2d3e4f5a6b7c',
        resourceVersion: '918273',
        creationTimestamp: '2026-11-01T10:00:00Z',
        labels: { app: 'web', 'pod-template-hash': '7d4b9c8f6' },
        ownerReferences: [{ controller: true, kind: 'ReplicaSet', name: 'web-7d4b9c8f6' }],
      },
      spec: {
        nodeName: 'node-1',
        initContainers: [{ name: 'proxy', restartPolicy: 'Always' }],
        containers: [{ name: 'app' }],
      },
      status: {
        phase: 'Running',
        podIP: '10.244.1.7',
        conditions: [
          { type: 'Initialized', status: 'True' },
          { type: 'Ready', status: 'True' },
        ],
        initContainerStatuses: [
          {
            name: 'proxy',
            ready: true,
            started: true,
            restartCount: 0,
            state: { running: { startedAt: '2026-11-01T10:00:02Z' } },
          },
        ],
        containerStatuses: [
          {
            name: 'app',
            ready: true,
            started: true,
            restartCount: 2,
            state: { running: { startedAt: '2026-11-01T10:05:00Z' } },
            lastState: {
              terminated: {
                exitCode: 137,
                reason: 'OOMKilled',
                startedAt: '2026-11-01T10:03:00Z',
                finishedAt: '2026-11-01T10:04:59Z',
              },
            },
          },
        ],
      },
    });
  });

  it('normalises Date objects (client-node models) to RFC 3339 strings', () => {
    const slim = projectPod({
      metadata: {
        uid: 'u',
        creationTimestamp: new Date('2026-11-01T10:00:00Z'),
        deletionTimestamp: new Date('2026-11-01T10:00:00.250Z'),
      },
    });
    expect(slim.metadata).toEqual({
      uid: 'u',
      creationTimestamp: '2026-11-01T10:00:00Z',
      deletionTimestamp: '2026-11-01T10:00:00.250Z',
    });
  });

  it('keeps podIPs only when they say more than podIP', () => {
    expect(
      projectPod({ status: { podIP: 'a', podIPs: [{ ip: 'a' }, { ip: 'b' }] } }).status,
    ).toEqual({
      podIP: 'a',
      podIPs: [{ ip: 'a' }, { ip: 'b' }],
    });
    expect(projectPod({ status: { podIPs: [{ ip: 'b' }] } }).status).toEqual({
      podIPs: [{ ip: 'b' }],
    });
  });

  it.each([
    ['null', null],
    ['a string', 'pod'],
    [
      'wrong field types',
      {
        metadata: { name: 5, labels: { a: 1, b: 'x' } },
        spec: { containers: 'x' },
        status: { containerStatuses: [null, 3, { name: 7 }] },
      },
    ],
  ])('never throws on %s', (_name, raw) => {
    expect(() => podView(projectPod(raw))).not.toThrow();
  });
});

describe('projectPod: parts shared between records', () => {
  const raw = (node: string, containers: unknown[], extra: Record<string, unknown> = {}) => ({
    metadata: {
      uid: `u-${node}-${containers.length}`,
      labels: { app: 'web' },
      ownerReferences: [{ kind: 'ReplicaSet', name: 'web-1', controller: true }],
    },
    spec: { nodeName: node, containers },
    status: { conditions: [{ type: 'Ready', status: 'True' }], ...extra },
  });

  it('shares an equal spec, conditions list and controller reference, frozen', () => {
    const a = projectPod(raw('n1', [{ name: 'app' }]));
    const b = projectPod(raw('n1', [{ name: 'app' }]));
    expect(b.spec).toBe(a.spec);
    expect(b.status?.conditions).toBe(a.status?.conditions);
    expect(b.metadata?.ownerReferences).toBe(a.metadata?.ownerReferences);
    expect(Object.isFrozen(a.spec)).toBe(true);
    expect(Object.isFrozen(a.spec?.containers?.[0])).toBe(true);
    expect(Object.isFrozen(a.status?.conditions)).toBe(true);
    expect(Object.isFrozen(a.metadata?.labels)).toBe(true);
  });

  const part = (p: Pod): unknown => ({
    containers: p.spec?.containers,
    conditions: p.status?.conditions,
    owners: p.metadata?.ownerReferences,
  });
  it.each([
    [
      'another container list',
      raw('n2', [{ name: 'app' }]),
      raw('n2', [{ name: 'app' }, {}]),
      { containers: [{ name: 'app' }, {}] },
    ],
    [
      'a longer list of unnamed containers',
      raw('n3', [{}]),
      raw('n3', [{}, {}]),
      { containers: [{}, {}] },
    ],
    [
      'another restart policy',
      raw('n4', [{ name: 'a' }]),
      raw('n4', [{ name: 'a', restartPolicy: 'Always' }]),
      { containers: [{ name: 'a', restartPolicy: 'Always' }] },
    ],
    [
      'another condition',
      raw('n5', [{ name: 'app' }]),
      raw('n5', [{ name: 'app' }], {
        conditions: [{ type: 'Ready', status: 'True', reason: 'x' }],
      }),
      { conditions: [{ type: 'Ready', status: 'True', reason: 'x' }] },
    ],
    [
      'another owner kind with the same name',
      raw('n6', [{ name: 'app' }]),
      {
        ...raw('n6', [{ name: 'app' }]),
        metadata: { uid: 'u', ownerReferences: [{ kind: 'Job', name: 'web-1', controller: true }] },
      },
      { owners: [{ controller: true, kind: 'Job', name: 'web-1' }] },
    ],
  ])('never shares a part whose content differs: %s', (_name, first, second, expected) => {
    projectPod(first);
    const fresh = projectPod(second);
    expect(part(fresh)).toMatchObject(expected);
    expect(podView(fresh)).toEqual(podView(second as Pod));
  });

  it('lets podView share the frozen labels object instead of copying it', () => {
    const slim = projectPod(raw('n7', [{ name: 'app' }]));
    const view = podView(slim);
    expect(view.labels).toBe(slim.metadata?.labels);
    expect(view.labels).toEqual({ app: 'web' });
    // A raw (unfrozen) labels object is still copied.
    const rawPod = raw('n7', [{ name: 'app' }]) as Pod;
    expect(podView(rawPod).labels).not.toBe(rawPod.metadata?.labels);
  });
});

describe('shared spec parts', () => {
  it('never hands a gate-less shared spec to a pod whose gate lacks conditionType', () => {
    // The first pod puts a gate-less spec for node n1 in the sharing table.
    projectPod({ spec: { nodeName: 'n1', containers: [{ name: 'c' }] } });
    const gated = { spec: { nodeName: 'n1', containers: [{ name: 'c' }], readinessGates: [{}] } };
    expect(podView(projectPod(gated as Pod)).readinessGates).toBe(
      podView(gated as Pod).readinessGates,
    );
    expect(podView(projectPod(gated as Pod)).readinessGates).toBe('0/1');
  });
});
