import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { podRow } from '../../src/status/pod-row.ts';
import { podView } from '../../src/status/pod-view.ts';
import type { Pod, PodRow } from '../../src/status/types.ts';
import {
  completed,
  condition,
  pod,
  running,
  sidecar,
  terminated,
  unreported,
  waiting,
} from './builders.ts';

const now = Date.parse('2024-06-01T12:00:00Z');
const ago10s = '2024-06-01T11:59:50Z';
const ago3m = '2024-06-01T11:57:00Z';
const row = (p: Pod): PodRow => podRow(podView(p), now);

interface Fixture {
  now: string;
  cases: { upstream: string; intent: string; wide: boolean; pod: Pod; cells: string[] }[];
}
const fixture = JSON.parse(
  readFileSync(new URL('../fixtures/status/printers-test.json', import.meta.url), 'utf8'),
) as Fixture;

describe('upstream printers_test.go pod cases', () => {
  const at = Date.parse(fixture.now);
  it.each(fixture.cases.map((c) => [`${c.upstream}: ${c.intent}`, c] as const))('%s', (_n, c) => {
    const r = podRow(podView(c.pod), at);
    const cells = [r.name, r.ready, r.status, r.restarts, r.age];
    if (c.wide) cells.push(r.ip, r.node, r.nominatedNode, r.readinessGates);
    expect(cells).toEqual(c.cells);
  });
});

describe('every STATUS the printer can produce', () => {
  const init2 = (first: ReturnType<typeof running>) => [first, waiting('init-b')];
  const cases: [string, Pod, string, string?][] = [
    ['Running', pod({ containers: [running('app')] }), 'Running', '1/1'],
    [
      'Pending: nothing reported yet',
      pod({ phase: 'Pending', containers: [unreported('app')] }),
      'Pending',
      '0/1',
    ],
    [
      'ContainerCreating',
      pod({ phase: 'Pending', containers: [waiting('app', 'ContainerCreating')] }),
      'ContainerCreating',
      '0/1',
    ],
    [
      'PodInitializing',
      pod({
        phase: 'Pending',
        init: [completed('init')],
        containers: [waiting('app', 'PodInitializing')],
      }),
      'PodInitializing',
      '0/1',
    ],
    [
      'CrashLoopBackOff',
      pod({
        containers: [waiting('app', 'CrashLoopBackOff', { restarts: 5, lastFinishedAt: ago10s })],
      }),
      'CrashLoopBackOff',
      '0/1',
    ],
    [
      'ErrImagePull',
      pod({ phase: 'Pending', containers: [waiting('app', 'ErrImagePull')] }),
      'ErrImagePull',
    ],
    [
      'ImagePullBackOff',
      pod({ phase: 'Pending', containers: [waiting('app', 'ImagePullBackOff')] }),
      'ImagePullBackOff',
    ],
    [
      'CreateContainerConfigError',
      pod({ phase: 'Pending', containers: [waiting('app', 'CreateContainerConfigError')] }),
      'CreateContainerConfigError',
    ],
    [
      'InvalidImageName',
      pod({ phase: 'Pending', containers: [waiting('app', 'InvalidImageName')] }),
      'InvalidImageName',
    ],
    [
      'RunContainerError',
      pod({ containers: [waiting('app', 'RunContainerError')] }),
      'RunContainerError',
    ],
    [
      'Completed',
      pod({ phase: 'Succeeded', containers: [completed('app', { ready: false })] }),
      'Completed',
      '0/1',
    ],
    [
      'Error',
      pod({ phase: 'Failed', containers: [terminated('app', { reason: 'Error', exitCode: 1 })] }),
      'Error',
    ],
    [
      'OOMKilled',
      pod({ containers: [terminated('app', { reason: 'OOMKilled', exitCode: 137 })] }),
      'OOMKilled',
    ],
    [
      'ContainerStatusUnknown',
      pod({
        phase: 'Failed',
        containers: [terminated('app', { reason: 'ContainerStatusUnknown', exitCode: 137 })],
      }),
      'ContainerStatusUnknown',
    ],
    [
      'Signal:9 (no reason, a signal)',
      pod({ containers: [terminated('app', { exitCode: 137, signal: 9 })] }),
      'Signal:9',
    ],
    [
      'ExitCode:137 (no reason, no signal)',
      pod({ containers: [terminated('app', { exitCode: 137 })] }),
      'ExitCode:137',
    ],
    ['ExitCode:0 (no reason, exit 0)', pod({ containers: [terminated('app', {})] }), 'ExitCode:0'],
    [
      'Init:0/2',
      pod({
        phase: 'Pending',
        init: init2(running('init-a', { ready: false })),
        containers: [waiting('app', 'PodInitializing')],
      }),
      'Init:0/2',
      '0/1',
    ],
    [
      'Init:1/2',
      pod({ phase: 'Pending', init: [completed('init-a'), running('init-b', { ready: false })] }),
      'Init:1/2',
    ],
    [
      'Init:0/1 when the init container waits with PodInitializing',
      pod({ phase: 'Pending', init: [waiting('init', 'PodInitializing')] }),
      'Init:0/1',
    ],
    [
      'Init:0/1 when the init container waits without a reason',
      pod({ phase: 'Pending', init: [waiting('init')] }),
      'Init:0/1',
    ],
    [
      'Init:CrashLoopBackOff',
      pod({ phase: 'Pending', init: [waiting('init', 'CrashLoopBackOff', { restarts: 3 })] }),
      'Init:CrashLoopBackOff',
    ],
    [
      'Init:ErrImagePull',
      pod({ phase: 'Pending', init: [waiting('init', 'ErrImagePull')] }),
      'Init:ErrImagePull',
    ],
    [
      'Init:Error',
      pod({ phase: 'Pending', init: [terminated('init', { reason: 'Error', exitCode: 1 })] }),
      'Init:Error',
    ],
    [
      'Init:OOMKilled',
      pod({ phase: 'Pending', init: [terminated('init', { reason: 'OOMKilled', exitCode: 137 })] }),
      'Init:OOMKilled',
    ],
    [
      'Init:Signal:9',
      pod({ phase: 'Pending', init: [terminated('init', { exitCode: 137, signal: 9 })] }),
      'Init:Signal:9',
    ],
    [
      'Init:ExitCode:1',
      pod({ phase: 'Pending', init: [terminated('init', { exitCode: 1 })] }),
      'Init:ExitCode:1',
    ],
    [
      'Init:Error stops at the first failing init container',
      pod({
        phase: 'Failed',
        init: [
          terminated('a', { reason: 'Error', exitCode: 2 }),
          terminated('b', { reason: 'OOMKilled', exitCode: 137 }),
        ],
      }),
      'Init:Error',
    ],
    [
      'SchedulingGated',
      pod({
        phase: 'Pending',
        containers: [unreported('app')],
        conditions: [condition('PodScheduled', 'False', 'SchedulingGated')],
      }),
      'SchedulingGated',
    ],
    ['Terminating', pod({ deleted: ago10s }), 'Terminating', '1/1'],
    [
      'Terminating beats a container reason',
      pod({ deleted: ago10s, containers: [waiting('app', 'CrashLoopBackOff')] }),
      'Terminating',
    ],
    ['Unknown: deleted and NodeLost', pod({ deleted: ago10s, reason: 'NodeLost' }), 'Unknown'],
    [
      'Unknown even for a terminal pod',
      pod({
        deleted: ago10s,
        reason: 'NodeLost',
        phase: 'Succeeded',
        containers: [completed('app')],
      }),
      'Unknown',
    ],
    [
      'NodeLost without deletion is just status.reason',
      pod({ reason: 'NodeLost', containers: [unreported('app')] }),
      'NodeLost',
    ],
    [
      'Failed pod being deleted keeps its status',
      pod({
        deleted: ago10s,
        phase: 'Failed',
        containers: [terminated('app', { reason: 'Error', exitCode: 1 })],
      }),
      'Error',
    ],
    [
      'Evicted',
      pod({ phase: 'Failed', reason: 'Evicted', containers: [unreported('app')] }),
      'Evicted',
      '0/1',
    ],
    [
      'Evicted is overridden by a container reason, as in printPod',
      pod({
        phase: 'Failed',
        reason: 'Evicted',
        containers: [terminated('app', { reason: 'ContainerStatusUnknown', exitCode: 137 })],
      }),
      'ContainerStatusUnknown',
    ],
    [
      'NotReady: Completed with a container still running, no Ready condition',
      pod({ containers: [completed('a'), running('b')] }),
      'NotReady',
      '1/2',
    ],
    [
      'Running: Completed with a container still running and Ready=True',
      pod({ containers: [completed('a'), running('b')], conditions: [condition('Ready', 'True')] }),
      'Running',
      '1/2',
    ],
    [
      'Ready=False does not count as ready',
      pod({
        containers: [completed('a'), running('b')],
        conditions: [condition('Ready', 'False')],
      }),
      'NotReady',
    ],
    [
      'Succeeded phase falls through when containers say nothing',
      pod({ phase: 'Succeeded', containers: [unreported('app')] }),
      'Succeeded',
    ],
    [
      'Failed phase falls through',
      pod({ phase: 'Failed', containers: [unreported('app')] }),
      'Failed',
    ],
    [
      'Unknown phase falls through',
      pod({ phase: 'Unknown', containers: [unreported('app')] }),
      'Unknown',
    ],
    ['empty phase prints an empty STATUS', pod({ phase: '', containers: [unreported('app')] }), ''],
    [
      'status.reason wins over phase',
      pod({ phase: 'Failed', reason: 'DeadlineExceeded', containers: [unreported('app')] }),
      'DeadlineExceeded',
    ],
    [
      'the first container reason wins (statuses are read last to first)',
      pod({ containers: [waiting('a', 'ErrImagePull'), waiting('b', 'CrashLoopBackOff')] }),
      'ErrImagePull',
      '0/2',
    ],
    // native sidecars (restartable init containers)
    [
      'sidecar started and ready: counted in READY',
      pod({
        init: [sidecar(running('proxy', { started: true }))],
        containers: [running('app')],
        conditions: [condition('Initialized', 'True')],
      }),
      'Running',
      '2/2',
    ],
    [
      'sidecar started, not ready: not in READY, init done',
      pod({
        init: [sidecar(running('proxy', { started: true, ready: false }))],
        containers: [running('app')],
      }),
      'Running',
      '1/2',
    ],
    [
      'sidecar running but not started: still initializing',
      pod({
        phase: 'Pending',
        init: [sidecar(running('proxy', { started: false, ready: false }))],
        containers: [waiting('app', 'PodInitializing')],
      }),
      'Init:0/1',
      '0/2',
    ],
    [
      'sidecar crash-looping during init',
      pod({
        phase: 'Pending',
        init: [sidecar(waiting('proxy', 'CrashLoopBackOff', { started: false }))],
        containers: [waiting('app', 'PodInitializing')],
      }),
      'Init:CrashLoopBackOff',
      '0/2',
    ],
    // printPod keeps the init loop's reason unless a regular container has a waiting/terminated reason
    [
      'sidecar crash-looping after init keeps Init:<reason>',
      pod({
        init: [
          sidecar(
            waiting('proxy', 'CrashLoopBackOff', {
              started: false,
              restarts: 4,
              lastFinishedAt: ago10s,
            }),
          ),
        ],
        containers: [running('app')],
        conditions: [condition('Initialized', 'True')],
      }),
      'Init:CrashLoopBackOff',
      '1/2',
    ],
    [
      'sidecar crash-looping after init, app crash-looping too: the app reason wins',
      pod({
        init: [sidecar(waiting('proxy', 'CrashLoopBackOff', { started: false }))],
        containers: [waiting('app', 'Error')],
        conditions: [condition('Initialized', 'True')],
      }),
      'Error',
      '0/2',
    ],
    [
      'regular init then sidecar: the sidecar is not reached',
      pod({
        phase: 'Pending',
        init: [running('migrate', { ready: false }), sidecar(running('proxy', { started: true }))],
        containers: [waiting('app', 'PodInitializing')],
      }),
      'Init:0/2',
      '0/2',
    ],
    [
      'completed init then started sidecar then running init',
      pod({
        phase: 'Pending',
        init: [
          completed('a'),
          sidecar(running('proxy', { started: true })),
          running('b', { ready: false }),
        ],
        containers: [waiting('app', 'PodInitializing')],
      }),
      'Init:2/3',
      '1/2',
    ],
    [
      'sidecar exited 0 after the pod completed',
      pod({
        phase: 'Succeeded',
        init: [sidecar(completed('proxy'))],
        containers: [completed('app')],
      }),
      'Completed',
      '0/2',
    ],
  ];
  it.each(cases)('%s', (_name, p, status, ready) => {
    const r = row(p);
    expect(r.status).toBe(status);
    if (ready !== undefined) expect(r.ready).toBe(ready);
  });
});

describe('RESTARTS', () => {
  const cases: [string, Pod, string, number | null][] = [
    ['no restarts', pod(), '0', null],
    [
      'restarts with a last termination',
      pod({
        containers: [waiting('app', 'CrashLoopBackOff', { restarts: 5, lastFinishedAt: ago10s })],
      }),
      '5 (10s ago)',
      Date.parse(ago10s),
    ],
    [
      'restarts without a last termination time',
      pod({ containers: [running('app', { restarts: 5 })] }),
      '5',
      null,
    ],
    [
      'a last termination but zero restarts prints no suffix',
      pod({ containers: [running('app', { lastFinishedAt: ago10s })] }),
      '0',
      null,
    ],
    [
      'sums containers; the latest termination wins',
      pod({
        containers: [
          running('a', { restarts: 2, lastFinishedAt: ago3m }),
          running('b', { restarts: 1, lastFinishedAt: ago10s }),
        ],
      }),
      '3 (10s ago)',
      Date.parse(ago10s),
    ],
    [
      'init restarts count while initializing',
      pod({
        phase: 'Pending',
        init: [running('init', { ready: false, restarts: 2, lastFinishedAt: ago10s })],
        containers: [waiting('app', 'PodInitializing', { restarts: 9 })],
      }),
      '2 (10s ago)',
      Date.parse(ago10s),
    ],
    [
      'init restarts stop counting once initialized',
      pod({
        init: [completed('init', { restarts: 2, lastFinishedAt: ago10s })],
        containers: [running('app', { restarts: 1, lastFinishedAt: ago3m })],
      }),
      '1 (3m ago)',
      Date.parse(ago3m),
    ],
    [
      'sidecar restarts keep counting after init',
      pod({
        init: [sidecar(running('proxy', { started: true, restarts: 4, lastFinishedAt: ago10s }))],
        containers: [running('app', { restarts: 1, lastFinishedAt: ago3m })],
      }),
      '5 (10s ago)',
      Date.parse(ago10s),
    ],
    [
      'crash-looping sidecar after init: sidecar restarts count',
      pod({
        init: [
          sidecar(
            waiting('proxy', 'CrashLoopBackOff', {
              started: false,
              restarts: 4,
              lastFinishedAt: ago10s,
            }),
          ),
        ],
        containers: [running('app')],
        conditions: [condition('Initialized', 'True')],
      }),
      '4 (10s ago)',
      Date.parse(ago10s),
    ],
    [
      'init containers after the first unfinished one are not counted',
      pod({
        phase: 'Pending',
        init: [
          running('a', { ready: false, restarts: 1, lastFinishedAt: ago3m }),
          waiting('b', undefined, { restarts: 7, lastFinishedAt: ago10s }),
        ],
      }),
      '1 (3m ago)',
      Date.parse(ago3m),
    ],
    [
      'a malformed finishedAt is the zero time',
      pod({ containers: [running('app', { restarts: 2, lastFinishedAt: 'yesterday' })] }),
      '2',
      null,
    ],
  ];
  it.each(cases)('%s', (_name, p, restarts, lastRestartAt) => {
    expect(podView(p).lastRestartAt).toBe(lastRestartAt);
    expect(row(p).restarts).toBe(restarts);
  });
});

describe('wide columns', () => {
  it.each<[string, Pod, Partial<PodRow>]>([
    [
      'nothing set',
      pod(),
      { ip: '<none>', node: '<none>', nominatedNode: '<none>', readinessGates: '<none>' },
    ],
    ['podIP only', pod({ podIP: '10.0.0.1' }), { ip: '10.0.0.1' }],
    ['podIPs only', pod({ podIPs: ['10.0.0.2', 'fd00::2'] }), { ip: '10.0.0.2' }],
    [
      'podIP is authoritative over podIPs[0] (v1 conversion)',
      pod({ podIP: '10.0.0.9', podIPs: ['10.0.0.2'] }),
      { ip: '10.0.0.9' },
    ],
    [
      'node and nominated node',
      pod({ node: 'n1', nominatedNode: 'n2' }),
      { node: 'n1', nominatedNode: 'n2' },
    ],
    ['gates without conditions', pod({ gates: ['a', 'b'] }), { readinessGates: '0/2' }],
    [
      'the first condition of a type decides',
      pod({ gates: ['a'], conditions: [condition('a', 'False'), condition('a', 'True')] }),
      { readinessGates: '0/1' },
    ],
    [
      'true gates',
      pod({ gates: ['a', 'b'], conditions: [condition('b', 'True'), condition('a', 'True')] }),
      { readinessGates: '2/2' },
    ],
  ])('%s', (_name, p, want) => {
    expect(row(p)).toMatchObject(want);
  });
});

describe('AGE', () => {
  it.each<[string, string | undefined, string]>([
    ['an hour', '2024-06-01T11:00:00Z', '60m'],
    ['three days and two hours', '2024-05-29T10:00:00Z', '3d2h'],
    ['in the future beyond skew', '2024-06-01T12:00:05Z', '<invalid>'],
    ['malformed', 'soon', '<unknown>'],
  ])('%s', (_name, created, age) => {
    expect(row(pod(created === undefined ? {} : { created })).age).toBe(age);
  });
  it('is <unknown> without creationTimestamp', () => {
    expect(row({ metadata: { name: 'x' } }).age).toBe('<unknown>');
  });
});

describe('owner', () => {
  it.each<[string, Pod, { kind: string; name: string } | null]>([
    [
      'Deployment by pod-template-hash',
      pod({
        owner: { kind: 'ReplicaSet', name: 'web-7d4b9c' },
        labels: { 'pod-template-hash': '7d4b9c' },
      }),
      { kind: 'Deployment', name: 'web' },
    ],
    [
      'ReplicaSet without the label',
      pod({ owner: { kind: 'ReplicaSet', name: 'web-7d4b9c' } }),
      { kind: 'ReplicaSet', name: 'web-7d4b9c' },
    ],
    [
      'ReplicaSet whose name does not end in the hash',
      pod({
        owner: { kind: 'ReplicaSet', name: 'web' },
        labels: { 'pod-template-hash': '7d4b9c' },
      }),
      { kind: 'ReplicaSet', name: 'web' },
    ],
    [
      'StatefulSet',
      pod({ owner: { kind: 'StatefulSet', name: 'db' } }),
      { kind: 'StatefulSet', name: 'db' },
    ],
    [
      'Job',
      pod({ owner: { kind: 'Job', name: 'backup-28000000' } }),
      { kind: 'Job', name: 'backup-28000000' },
    ],
    [
      'a non-controller owner is not the owner',
      pod({ owner: { kind: 'ConfigMap', name: 'x', controller: false } }),
      null,
    ],
    ['no owner', pod(), null],
  ])('%s', (_name, p, owner) => {
    expect(podView(p).owner).toEqual(owner);
  });
});

describe('containers', () => {
  it('lists init, sidecar and regular containers in spec order with their states', () => {
    const p = pod({
      init: [
        completed('migrate', { ready: false }),
        sidecar(
          running('proxy', {
            started: true,
            restarts: 1,
            lastFinishedAt: ago3m,
            lastReason: 'Error',
          }),
        ),
      ],
      containers: [
        waiting('app', 'CrashLoopBackOff', {
          restarts: 5,
          lastFinishedAt: ago10s,
          lastReason: 'OOMKilled',
        }),
        terminated('job', { exitCode: 143, signal: 15 }),
        unreported('late'),
      ],
    });
    expect(podView(p).containers).toEqual([
      {
        name: 'migrate',
        kind: 'init',
        state: 'terminated',
        reason: 'Completed',
        message: null,
        exitCode: 0,
        signal: null,
        ready: false,
        restartCount: 0,
        startedAt: null,
        lastTerminatedAt: null,
        lastReason: null,
        lastExitCode: null,
      },
      {
        name: 'proxy',
        kind: 'sidecar',
        state: 'running',
        reason: null,
        message: null,
        exitCode: null,
        signal: null,
        ready: true,
        restartCount: 1,
        startedAt: Date.parse('2024-06-01T11:00:00Z'),
        lastTerminatedAt: Date.parse(ago3m),
        lastReason: 'Error',
        lastExitCode: 1,
      },
      {
        name: 'app',
        kind: 'regular',
        state: 'waiting',
        reason: 'CrashLoopBackOff',
        message: 'CrashLoopBackOff msg',
        exitCode: null,
        signal: null,
        ready: false,
        restartCount: 5,
        startedAt: null,
        lastTerminatedAt: Date.parse(ago10s),
        lastReason: 'OOMKilled',
        lastExitCode: 1,
      },
      {
        name: 'job',
        kind: 'regular',
        state: 'terminated',
        reason: null,
        message: null,
        exitCode: 143,
        signal: 15,
        ready: false,
        restartCount: 0,
        startedAt: null,
        lastTerminatedAt: null,
        lastReason: null,
        lastExitCode: null,
      },
      {
        name: 'late',
        kind: 'regular',
        state: 'unknown',
        reason: null,
        message: null,
        exitCode: null,
        signal: null,
        ready: false,
        restartCount: 0,
        startedAt: null,
        lastTerminatedAt: null,
        lastReason: null,
        lastExitCode: null,
      },
    ]);
  });
  it('a status with no state is waiting (the API default); statuses without a spec follow', () => {
    const p: Pod = {
      spec: { containers: [{ name: 'a' }] },
      status: { containerStatuses: [{ name: 'a' }, { name: 'ghost', state: { running: {} } }] },
    };
    expect(podView(p).containers.map((c) => [c.name, c.kind, c.state])).toEqual([
      ['a', 'regular', 'waiting'],
      ['ghost', 'regular', 'running'],
    ]);
  });
});

describe('zero values and malformed input', () => {
  it('the empty pod', () => {
    expect(podView({})).toEqual({
      uid: '',
      namespace: '',
      name: '',
      phase: '',
      ready: '0/0',
      status: '',
      restarts: 0,
      lastRestartAt: null,
      createdAt: null,
      deletedAt: null,
      ip: null,
      node: null,
      nominatedNode: null,
      readinessGates: null,
      owner: null,
      labels: {},
      containers: [],
    });
    expect(podRow(podView({}), now)).toEqual({
      namespace: '',
      name: '',
      ready: '0/0',
      status: '',
      restarts: '0',
      age: '<unknown>',
      ip: '<none>',
      node: '<none>',
      nominatedNode: '<none>',
      readinessGates: '<none>',
    });
  });
  it('keeps the key order of the -o json contract', () => {
    expect(Object.keys(row(pod()))).toEqual([
      'namespace',
      'name',
      'ready',
      'status',
      'restarts',
      'age',
      'ip',
      'node',
      'nominatedNode',
      'readinessGates',
    ]);
  });
  it('copies labels, keeping only string values', () => {
    const p = pod({ labels: { app: 'web' } });
    const v = podView(p);
    expect(v.labels).toEqual({ app: 'web' });
    expect(v.labels).not.toBe(p.metadata?.labels);
    expect(
      podView(JSON.parse('{"metadata":{"labels":{"a":"1","b":2,"c":null}}}') as Pod).labels,
    ).toEqual({ a: '1' });
  });
  it('an empty deletionTimestamp string still marks deletion, as a non-nil pointer does', () => {
    expect(row(pod({ deleted: '' })).status).toBe('Terminating');
  });
  it('treats wrong-typed fields as absent', () => {
    const weird = JSON.parse(
      '{"metadata":"x","spec":{"containers":"no","initContainers":[null,1,{"name":5}]},"status":{"phase":7,"conditions":[null,3,{"type":"Ready"}],"containerStatuses":[null,{"state":"bad","lastState":{"terminated":null},"restartCount":"3"}],"initContainerStatuses":{"a":1},"podIPs":[null]}}',
    ) as Pod;
    expect(() => podView(weird)).not.toThrow();
    expect(podRow(podView(weird), now).status).toBe('');
  });
  it('never throws on arbitrary JSON-shaped pods (property, seeded)', () => {
    const any = fc.oneof(fc.jsonValue(), fc.constant(null), fc.constant(undefined));
    const state = fc.record(
      {
        waiting: any,
        running: any,
        terminated: fc.oneof(
          any,
          fc.record({ exitCode: any, signal: any, reason: any, finishedAt: any }),
        ),
      },
      { requiredKeys: [] },
    );
    const cs = fc.array(
      fc.oneof(
        any,
        fc.record(
          {
            name: any,
            state: fc.oneof(state, any),
            lastState: fc.oneof(state, any),
            ready: any,
            restartCount: any,
            started: any,
          },
          { requiredKeys: [] },
        ),
      ),
      { maxLength: 4 },
    );
    const podArb = fc.record(
      {
        metadata: fc.oneof(
          any,
          fc.record(
            {
              name: any,
              deletionTimestamp: any,
              creationTimestamp: any,
              labels: any,
              ownerReferences: fc.oneof(
                any,
                fc.array(
                  fc.record({ kind: any, name: any, controller: any }, { requiredKeys: [] }),
                ),
              ),
            },
            { requiredKeys: [] },
          ),
        ),
        spec: fc.oneof(
          any,
          fc.record(
            {
              containers: fc.oneof(
                any,
                fc.array(fc.record({ name: any, restartPolicy: any }, { requiredKeys: [] })),
              ),
              initContainers: fc.oneof(
                any,
                fc.array(fc.record({ name: any, restartPolicy: any }, { requiredKeys: [] })),
              ),
              readinessGates: any,
              nodeName: any,
            },
            { requiredKeys: [] },
          ),
        ),
        status: fc.oneof(
          any,
          fc.record(
            {
              phase: any,
              reason: any,
              conditions: fc.oneof(
                any,
                fc.array(fc.record({ type: any, status: any, reason: any }, { requiredKeys: [] })),
              ),
              containerStatuses: fc.oneof(cs, any),
              initContainerStatuses: fc.oneof(cs, any),
              podIP: any,
              podIPs: any,
            },
            { requiredKeys: [] },
          ),
        ),
      },
      { requiredKeys: [] },
    );
    fc.assert(
      fc.property(podArb, (p) => {
        const r = podRow(podView(p as Pod), now);
        return typeof r.status === 'string' && typeof r.restarts === 'string';
      }),
      { seed: 20240601, numRuns: 500 },
    );
  });
});
