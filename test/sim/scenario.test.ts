import { describe, expect, it } from 'vitest';
import {
  advanceLife,
  imageRepository,
  beginTermination,
  newLife,
  podStatusOf,
  type PodLife,
  type PodSpecInput,
  type ScenarioName,
} from '../../src/sim/scenario.ts';
import { podView } from '../../src/status/pod-view.ts';
import type { Pod } from '../../src/status/types.ts';

const t0 = Date.UTC(2026, 0, 1);

function life(
  scenario: ScenarioName,
  spec: PodSpecInput = { containers: [{ name: 'app', image: 'app:1' }] },
  timeScale = 1,
): PodLife {
  return newLife({
    scenario,
    namespace: 'ns',
    name: 'p',
    uid: 'u1',
    spec,
    node: 'n1',
    hostIP: '172.18.0.2',
    podIP: '10.244.0.2',
    now: t0,
    timeScale,
    seed: 42,
  });
}

function statusOf(l: PodLife): string {
  const spec = {
    initContainers: l.init.map((c) => ({
      name: c.name,
      ...(c.kind === 'sidecar' ? { restartPolicy: 'Always' } : {}),
    })),
    containers: l.containers.map((c) => ({ name: c.name })),
  };
  const pod: Pod = {
    metadata: { name: 'p', namespace: 'ns', creationTimestamp: '2026-01-01T00:00:00Z' },
    spec,
    status: podStatusOf(l),
  };
  return podView(pod).status;
}

/** Every distinct STATUS the pod shows, stepping deadline by deadline until `untilMs` after t0. */
function transitions(
  l0: PodLife,
  untilMs: number,
): { statuses: string[]; last: PodLife; times: number[] } {
  let l = l0;
  const statuses = [statusOf(l)];
  const times = [t0];
  while (l.nextAt !== null && l.nextAt <= t0 + untilMs) {
    const at = l.nextAt;
    l = advanceLife(l, at);
    const s = statusOf(l);
    if (s !== statuses[statuses.length - 1]) {
      statuses.push(s);
      times.push(at);
    }
  }
  return { statuses, last: l, times };
}

describe('scenario engine (pure, fake time)', () => {
  it('healthy: Pending → ContainerCreating → Running and Ready, then stable', () => {
    const { statuses, last } = transitions(life('healthy'), 60_000);
    expect(statuses).toEqual(['Pending', 'ContainerCreating', 'Running']);
    expect(last.nextAt).toBeNull();
    const cs = (podStatusOf(last).containerStatuses as { ready: boolean }[])[0];
    expect(cs?.ready).toBe(true);
  });

  it('crashloop: Error → CrashLoopBackOff with back-off 10s doubling to 5m and rising restarts', () => {
    const { statuses, last } = transitions(life('crashloop'), 30 * 60_000);
    expect(statuses.slice(0, 6)).toEqual([
      'Pending',
      'ContainerCreating',
      'Running',
      'Error',
      'Running',
      'Error',
    ]);
    expect(statuses).toContain('CrashLoopBackOff');
    const cs = (
      podStatusOf(last).containerStatuses as {
        restartCount: number;
        lastState: { terminated?: { reason: string; exitCode: number } };
      }[]
    )[0];
    expect(cs?.restartCount).toBeGreaterThan(5);
    expect(cs?.lastState.terminated).toMatchObject({ reason: 'Error', exitCode: 1 });
    expect(last.backoffMs).toBe(300_000);
  });

  it('crashloop back-off durations: 10s, 20s, 40s, ... capped at 300s', () => {
    let l = life('crashloop');
    const waits: number[] = [];
    const messages: string[] = [];
    for (let i = 0; i < 200 && waits.length < 7; i++) {
      if (l.nextAt === null) break;
      const before = l.stage;
      const at = l.nextAt;
      l = advanceLife(l, at);
      if (before === 'crashed' && l.stage === 'backoff' && l.nextAt !== null) {
        waits.push(l.nextAt - at);
        const cs = (
          podStatusOf(l).containerStatuses as { state: { waiting?: { message: string } } }[]
        )[0];
        messages.push(cs?.state.waiting?.message.split(' restarting')[0] ?? '');
      }
    }
    expect(waits).toEqual([10_000, 20_000, 40_000, 80_000, 160_000, 300_000, 300_000]);
    // The kubelet prints Go durations: 1m20s, not 1.33m.
    expect(messages).toEqual([
      'back-off 10s',
      'back-off 20s',
      'back-off 40s',
      'back-off 1m20s',
      'back-off 2m40s',
      'back-off 5m0s',
      'back-off 5m0s',
    ]);
  });

  it('timeScale compresses every duration', () => {
    const slow = transitions(life('crashloop'), 10 * 60_000);
    const fast = transitions(life('crashloop', undefined, 10), 60_000);
    expect(fast.statuses).toEqual(slow.statuses);
  });

  it('oom: OOMKilled then CrashLoopBackOff, exit code 137', () => {
    const { statuses, last } = transitions(life('oom'), 5 * 60_000);
    expect(statuses).toContain('OOMKilled');
    expect(statuses).toContain('CrashLoopBackOff');
    const cs = (
      podStatusOf(last).containerStatuses as { lastState: { terminated?: { exitCode: number } } }[]
    )[0];
    expect(cs?.lastState.terminated?.exitCode).toBe(137);
  });

  it('imagepull: ErrImagePull ↔ ImagePullBackOff, never running, no restarts', () => {
    const { statuses, last } = transitions(life('imagepull'), 10 * 60_000);
    expect(statuses.slice(0, 5)).toEqual([
      'Pending',
      'ContainerCreating',
      'ErrImagePull',
      'ImagePullBackOff',
      'ErrImagePull',
    ]);
    expect(podStatusOf(last).phase).toBe('Pending');
  });

  it('configerror: CreateContainerConfigError and stable', () => {
    const { statuses, last } = transitions(life('configerror'), 60_000);
    expect(statuses[statuses.length - 1]).toBe('CreateContainerConfigError');
    expect(last.nextAt).toBeNull();
  });

  it('init: Init:0/2 → Init:1/2 → PodInitializing → Running', () => {
    const spec = {
      initContainers: [
        { name: 'a', image: 'a' },
        { name: 'b', image: 'b' },
      ],
      containers: [{ name: 'app', image: 'app' }],
    };
    const { statuses } = transitions(life('init', spec), 60_000);
    expect(statuses).toEqual(['Pending', 'Init:0/2', 'Init:1/2', 'PodInitializing', 'Running']);
  });

  it('init-crashloop: Init:Error → Init:CrashLoopBackOff', () => {
    const spec = {
      initContainers: [{ name: 'wait', image: 'busybox' }],
      containers: [{ name: 'app', image: 'app' }],
    };
    const { statuses } = transitions(life('init-crashloop', spec), 5 * 60_000);
    expect(statuses).toContain('Init:Error');
    expect(statuses).toContain('Init:CrashLoopBackOff');
    expect(statuses).not.toContain('Running');
  });

  it('sidecar: a restartable init container runs alongside, READY counts it', () => {
    const spec = {
      initContainers: [{ name: 'proxy', image: 'envoy', restartPolicy: 'Always' }],
      containers: [{ name: 'app', image: 'app' }],
    };
    const { statuses, last } = transitions(life('sidecar', spec), 60_000);
    expect(statuses[statuses.length - 1]).toBe('Running');
    const pod: Pod = {
      metadata: { name: 'p' },
      spec: {
        initContainers: [{ name: 'proxy', restartPolicy: 'Always' }],
        containers: [{ name: 'app' }],
      },
      status: podStatusOf(last),
    };
    expect(podView(pod).ready).toBe('2/2');
  });

  it('job-complete and job-fail end in Completed / Error with phase Succeeded / Failed', () => {
    const ok = transitions(life('job-complete'), 60_000);
    expect(ok.statuses[ok.statuses.length - 1]).toBe('Completed');
    expect(podStatusOf(ok.last).phase).toBe('Succeeded');
    const bad = transitions(life('job-fail'), 60_000);
    expect(bad.statuses[bad.statuses.length - 1]).toBe('Error');
    expect(podStatusOf(bad.last).phase).toBe('Failed');
  });

  it('flapping: readiness toggles while the pod stays Running', () => {
    let l = life('flapping');
    const ready: boolean[] = [];
    for (let i = 0; i < 12 && l.nextAt !== null; i++) {
      l = advanceLife(l, l.nextAt);
      ready.push((podStatusOf(l).containerStatuses as { ready: boolean }[])[0]?.ready ?? false);
    }
    expect(statusOf(l)).toBe('Running');
    expect(new Set(ready.slice(-4)).size).toBe(2);
  });

  it('evicted: Failed with reason Evicted', () => {
    const { statuses, last } = transitions(life('evicted'), 120_000);
    expect(statuses[statuses.length - 1]).toBe('Evicted');
    expect(podStatusOf(last)).toMatchObject({ phase: 'Failed', reason: 'Evicted' });
  });

  it('static: never moves', () => {
    expect(life('static').nextAt).toBeNull();
  });

  it('graceful termination: readiness lost, containers stopped, then gone', () => {
    const running = transitions(life('healthy'), 60_000).last;
    let l = beginTermination(running, t0 + 60_000, 30);
    expect(l.stage).toBe('stopping');
    expect((podStatusOf(l).containerStatuses as { ready: boolean }[])[0]?.ready).toBe(false);
    l = advanceLife(l, t0 + 120_000);
    expect(l.stage).toBe('gone');
    expect(
      (podStatusOf(l).containerStatuses as { state: { terminated?: unknown } }[])[0]?.state
        .terminated,
    ).toBeDefined();
  });

  it('is pure: advancing does not change the input and is deterministic', () => {
    const l = life('crashloop');
    const before = JSON.stringify(l);
    const a = advanceLife(l, t0 + 120_000);
    const b = advanceLife(l, t0 + 120_000);
    expect(JSON.stringify(l)).toBe(before);
    expect(a).toEqual(b);
  });
});

describe('imageRepository (imageID as the runtime reports it)', () => {
  it.each([
    ['nginx', 'docker.io/library/nginx'],
    ['nginx:1.27', 'docker.io/library/nginx'],
    ['bitnami/redis:7', 'docker.io/bitnami/redis'],
    ['ghcr.io/acme/ledger:v2', 'ghcr.io/acme/ledger'],
    ['localhost:5000/app:1', 'localhost:5000/app'],
    ['localhost/app', 'localhost/app'],
    ['registry.k8s.io/pause@sha256:abc', 'registry.k8s.io/pause'],
  ])('%s → %s', (image, expected) => {
    expect(imageRepository(image)).toBe(expected);
  });
});
