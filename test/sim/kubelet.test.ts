import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { seedCluster, setNodeReady } from '../../src/sim/cluster.ts';
import { startDemo } from '../../src/sim/demo.ts';
import {
  Kubelet,
  ManualClock,
  ScaleDriver,
  SimStore,
  type KubeObject,
} from '../../src/sim/index.ts';
import { seededRandom } from '../../src/sim/random.ts';
import { podView } from '../../src/status/pod-view.ts';

const logger = pino({ level: 'silent' });

function cluster(timeScale = 1): { store: SimStore; clock: ManualClock; kubelet: Kubelet } {
  const clock = new ManualClock(Date.UTC(2026, 0, 1));
  const random = seededRandom(3);
  const store = new SimStore({ clock, random });
  seedCluster(store, 2);
  const kubelet = new Kubelet({ store, clock, timeScale, random, logger });
  kubelet.start();
  return { store, clock, kubelet };
}

const status = (p: KubeObject | undefined): string =>
  p === undefined ? '<gone>' : podView(p).status;

function pod(name: string, scenario = 'healthy'): Record<string, unknown> {
  return {
    metadata: { name, annotations: { 'sim.podpulse.dev/scenario': scenario } },
    spec: { containers: [{ name: 'app', image: 'app:1' }] },
  };
}

describe('kubelet driving pods through the store (fake time)', () => {
  it('schedules, starts and readies a pod; posts each change once', () => {
    const { store, clock } = cluster();
    store.createPod(pod('web'));
    clock.advance(0);
    const bound = store.pod('default', 'web');
    expect((bound?.spec as { nodeName?: string }).nodeName).toMatch(/^sim-node-[12]$/);
    clock.advance(60_000);
    const p = store.pod('default', 'web');
    expect(status(p)).toBe('Running');
    expect(podView(p as KubeObject).ready).toBe('1/1');
    const rv = store.resourceVersion;
    clock.advance(600_000);
    expect(store.resourceVersion).toBe(rv);
  });

  it('crashloop shows rising restarts in the store over time', () => {
    const { store, clock } = cluster();
    store.createPod(pod('c', 'crashloop'));
    const restarts: number[] = [];
    const seen = new Set<string>();
    for (let i = 0; i < 60; i++) {
      clock.advance(10_000);
      const v = podView(store.pod('default', 'c') as KubeObject);
      restarts.push(v.restarts);
      seen.add(v.status);
    }
    expect(seen).toContain('CrashLoopBackOff');
    expect(restarts[restarts.length - 1]).toBeGreaterThan(restarts[5] ?? 0);
  });

  it('graceful deletion: the kubelet stops containers and confirms removal before the grace period ends', () => {
    const { store, clock } = cluster();
    store.createPod(pod('g'));
    clock.advance(60_000);
    store.deletePod('default', 'g');
    expect(status(store.pod('default', 'g'))).toBe('Terminating');
    clock.advance(0);
    expect(podView(store.pod('default', 'g') as KubeObject).ready).toBe('0/1');
    clock.advance(5_000);
    expect(store.pod('default', 'g')).toBeUndefined();
  });

  it('node NotReady: pods lose readiness, then show Unknown (NodeLost); back Ready, they are removed', () => {
    const { store, clock } = cluster();
    store.createPod({
      ...pod('n'),
      spec: { nodeName: 'sim-node-2', containers: [{ name: 'app', image: 'a' }] },
    });
    clock.advance(60_000);
    expect(status(store.pod('default', 'n'))).toBe('Running');
    setNodeReady(store, 'sim-node-2', false);
    clock.advance(0);
    // As in Kubernetes, only the Ready condition changes: kubectl still prints 1/1 Running.
    const conditions = (
      store.pod('default', 'n')?.status as { conditions: { type: string; status: string }[] }
    ).conditions;
    expect(conditions.find((c) => c.type === 'Ready')?.status).toBe('False');
    clock.advance(300_000);
    const lost = store.pod('default', 'n') as KubeObject;
    expect(status(lost)).toBe('Unknown');
    expect((lost.status as { reason?: string }).reason).toBe('NodeLost');
    clock.advance(600_000);
    expect(status(store.pod('default', 'n'))).toBe('Unknown');
    setNodeReady(store, 'sim-node-2', true);
    clock.advance(0);
    clock.advance(10_000);
    expect(store.pod('default', 'n')).toBeUndefined();
  });

  it('static pods are never touched', () => {
    const { store, clock } = cluster();
    store.createPod({ ...pod('s', 'static'), status: { phase: 'Running' } }, { keepStatus: true });
    const rv = store.resourceVersion;
    clock.advance(60_000);
    expect(store.resourceVersion).toBe(rv);
  });
});

describe('demo workload', () => {
  it('creates deployments with ReplicaSet owners and shows every kind of status within a minute', () => {
    const { store, clock } = cluster(1);
    const stop = startDemo({ store, clock, timeScale: 1, random: seededRandom(5), logger });
    const p = store.pods('shop')[0] as KubeObject;
    expect(p.metadata.ownerReferences?.[0]).toMatchObject({ kind: 'ReplicaSet', controller: true });
    expect(p.metadata.labels?.['pod-template-hash']).toMatch(/^[a-z0-9]{10}$/);
    const seen = new Set<string>();
    for (let i = 0; i < 120; i++) {
      clock.advance(1000);
      for (const x of store.pods()) seen.add(status(x).replace(/^Init:\d+\/\d+$/, 'Init:N/M'));
    }
    for (const s of [
      'Running',
      'CrashLoopBackOff',
      'ImagePullBackOff',
      'ErrImagePull',
      'Init:N/M',
      'Init:CrashLoopBackOff',
      'CreateContainerConfigError',
      'OOMKilled',
      'Completed',
      'Terminating',
    ]) {
      expect(seen).toContain(s);
    }
    stop();
  });
});

describe('scale driver', () => {
  it('populates N Running pods and generates the requested mix of events', () => {
    const clock = new ManualClock();
    const store = new SimStore({ clock, random: seededRandom(1) });
    seedCluster(store, 3);
    const scale = new ScaleDriver({
      store,
      clock,
      random: seededRandom(2),
      nodes: 3,
      namespaces: 5,
    });
    scale.populate(5000);
    expect(store.pods()).toHaveLength(5000);
    expect(status(store.pod('scale-0', 'scale-0'))).toBe('Running');
    let statusEvents = 0;
    let noise = 0;
    store.subscribe((ev) => {
      if (ev.prev !== null && JSON.stringify(ev.prev.status) !== JSON.stringify(ev.object.status))
        statusEvents++;
      else noise++;
    });
    scale.start({ eventsPerSecond: 1000, statusShare: 0.25 });
    clock.advance(2000);
    scale.stop();
    expect(statusEvents + noise).toBe(2000);
    expect(statusEvents).toBeGreaterThan(350);
    expect(statusEvents).toBeLessThan(650);
  });
});
