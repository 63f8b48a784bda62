/**
 * Scale mode for benchmarks: `populate(n)` creates n Running pods directly in the store (no
 * admission, no kubelet: they are `static`), spread over namespaces and nodes; `start({
 * eventsPerSecond, statusShare })` then drives a steady event rate where `statusShare` of the
 * events change a pod's kubectl STATUS (Running ⇄ CrashLoopBackOff with rising restarts) and the
 * rest are annotation-only noise that must not change any view.
 */
import { rfc3339, type Clock, type TimerHandle } from './clock.ts';
import { nodeName } from './cluster.ts';
import { objectKey, type KubeObject } from './object-store.ts';
import { randomUid } from './random.ts';
import { scenarioAnnotation } from './scenario.ts';
import type { SimStore } from './store.ts';

export interface ScaleMix {
  /** Events per second to generate (spread over 10 ms ticks). */
  eventsPerSecond: number;
  /** Fraction (0..1) of events that change a pod's status; the rest touch only an annotation. */
  statusShare: number;
}

export interface ScaleOptions {
  store: SimStore;
  clock: Clock;
  random: () => number;
  nodes: number;
  /** Namespaces to spread pods over (default 20). */
  namespaces?: number;
}

const tickMs = 10;

export class ScaleDriver {
  readonly #o: ScaleOptions;
  #keys: string[] = [];
  #timer: TimerHandle | null = null;
  #carry = 0;
  #noise = 0;
  /** Events generated since start (status + noise). */
  generated = 0;

  constructor(opts: ScaleOptions) {
    this.#o = opts;
  }

  /** Creates `n` Running pods (named scale-<i>) as fast as the store can take them. */
  populate(n: number): void {
    const { store } = this.#o;
    const nsCount = Math.max(1, this.#o.namespaces ?? 20);
    for (let i = 0; i < nsCount; i++) {
      const ns = `scale-${i}`;
      if (store.find('namespaces', undefined, ns) === undefined)
        store.create('namespaces', { metadata: { name: ns } });
    }
    const now = store.now();
    const ts = rfc3339(now);
    for (let i = 0; i < n; i++) {
      const ns = `scale-${i % nsCount}`;
      const name = `scale-${i}`;
      const node = nodeName(i % Math.max(1, this.#o.nodes));
      const pod: KubeObject = {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: {
          name,
          namespace: ns,
          uid: randomUid(this.#o.random),
          creationTimestamp: ts,
          labels: { app: `app-${i % 50}`, tier: i % 3 === 0 ? 'backend' : 'frontend' },
          annotations: { [scenarioAnnotation]: 'static' },
        },
        spec: {
          nodeName: node,
          restartPolicy: 'Always',
          containers: [{ name: 'app', image: 'nginx:1.27' }],
        },
        status: running(ts, `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`, 0, null),
      };
      const key = objectKey(ns, name);
      store.objects.put('pods', key, pod);
      this.#keys.push(key);
    }
  }

  /** Starts (or retunes) the event generator. */
  start(mix: ScaleMix): void {
    this.stop();
    const perTick = (Math.max(0, mix.eventsPerSecond) * tickMs) / 1000;
    const share = Math.min(1, Math.max(0, mix.statusShare));
    const tick = (): void => {
      this.#carry += perTick;
      const n = Math.floor(this.#carry);
      this.#carry -= n;
      for (let i = 0; i < n; i++) this.#event(this.#o.random() < share);
      this.#timer = this.#o.clock.setTimer(tick, tickMs);
    };
    this.#timer = this.#o.clock.setTimer(tick, tickMs);
  }

  stop(): void {
    this.#timer?.cancel();
    this.#timer = null;
  }

  #event(statusChange: boolean): void {
    const objects = this.#o.store.objects;
    const key = this.#keys[Math.floor(this.#o.random() * this.#keys.length)];
    if (key === undefined) return;
    const cur = objects.get('pods', key);
    if (cur === undefined) return;
    this.generated++;
    if (!statusChange) {
      objects.put('pods', key, {
        ...cur,
        metadata: {
          ...cur.metadata,
          annotations: {
            ...cur.metadata.annotations,
            'sim.podpulse.dev/heartbeat': String(++this.#noise),
          },
        },
      });
      return;
    }
    const st = cur.status as {
      podIP?: string;
      containerStatuses?: { restartCount?: number; state?: { running?: unknown } }[];
    };
    const cs = st.containerStatuses?.[0];
    const restarts = cs?.restartCount ?? 0;
    const ts = rfc3339(this.#o.store.now());
    const wasRunning = cs?.state?.running !== undefined;
    objects.put('pods', key, {
      ...cur,
      status: wasRunning
        ? crashing(cur.status, ts, restarts)
        : running(ts, st.podIP ?? '10.0.0.1', restarts + 1, ts),
    });
  }
}

function running(
  ts: string,
  ip: string,
  restarts: number,
  lastFinished: string | null,
): Record<string, unknown> {
  return {
    phase: 'Running',
    conditions: [
      { type: 'Ready', status: 'True', lastProbeTime: null, lastTransitionTime: ts },
      { type: 'ContainersReady', status: 'True', lastProbeTime: null, lastTransitionTime: ts },
      { type: 'PodScheduled', status: 'True', lastProbeTime: null, lastTransitionTime: ts },
    ],
    podIP: ip,
    podIPs: [{ ip }],
    startTime: ts,
    containerStatuses: [
      {
        name: 'app',
        ready: true,
        started: true,
        restartCount: restarts,
        image: 'nginx:1.27',
        imageID: '',
        state: { running: { startedAt: ts } },
        lastState:
          lastFinished === null
            ? {}
            : {
                terminated: {
                  exitCode: 1,
                  reason: 'Error',
                  startedAt: lastFinished,
                  finishedAt: lastFinished,
                },
              },
      },
    ],
    qosClass: 'BestEffort',
  };
}

function crashing(prev: unknown, ts: string, restarts: number): Record<string, unknown> {
  const p = prev as Record<string, unknown>;
  return {
    ...p,
    conditions: [
      {
        type: 'Ready',
        status: 'False',
        lastProbeTime: null,
        lastTransitionTime: ts,
        reason: 'ContainersNotReady',
      },
      {
        type: 'ContainersReady',
        status: 'False',
        lastProbeTime: null,
        lastTransitionTime: ts,
        reason: 'ContainersNotReady',
      },
      { type: 'PodScheduled', status: 'True', lastProbeTime: null, lastTransitionTime: ts },
    ],
    containerStatuses: [
      {
        name: 'app',
        ready: false,
        started: false,
        restartCount: restarts,
        image: 'nginx:1.27',
        imageID: '',
        state: {
          waiting: {
            reason: 'CrashLoopBackOff',
            message: 'back-off 10s restarting failed container=app',
          },
        },
        lastState: { terminated: { exitCode: 1, reason: 'Error', startedAt: ts, finishedAt: ts } },
      },
    ],
  };
}
