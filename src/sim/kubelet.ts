/**
 * Kubelet: the shell around the pure scenario engine. It schedules new pods onto Ready nodes,
 * keeps one `PodLife` per pod, advances it on the clock and posts the resulting status through
 * the store, exactly as a scheduler and kubelets would through the API. It also plays the node
 * lifecycle controller: pods of a NotReady node lose readiness, and after the 300 s
 * `node.kubernetes.io/unreachable` toleration they are marked for deletion with reason NodeLost
 * (kubectl shows them as Unknown) until the node returns.
 *
 * Reactions to store events are deferred by a zero-delay timer, so every watcher sees events in
 * resourceVersion order. Pods annotated `sim.podpulse.dev/scenario: static` are never touched.
 */
import type { Logger } from 'pino';
import { rfc3339, type Clock, type TimerHandle } from './clock.ts';
import { isNodeReady } from './cluster.ts';
import type { KubeObject, StoreEvent } from './object-store.ts';
import {
  advanceLife,
  beginTermination,
  isScenarioName,
  newLife,
  podStatusOf,
  scenarioAnnotation,
  type PodLife,
  type ScenarioName,
} from './scenario.ts';
import type { SimStore } from './store.ts';

interface Tracked {
  life: PodLife;
  timer: TimerHandle | null;
  /** The node is NotReady: the life is frozen. */
  frozen: boolean;
}

export interface KubeletOptions {
  store: SimStore;
  clock: Clock;
  timeScale: number;
  random: () => number;
  logger: Logger;
}

const unreachableTolerationMs = 300_000;

function scenarioOf(pod: KubeObject): ScenarioName {
  const v = pod.metadata.annotations?.[scenarioAnnotation];
  return isScenarioName(v) ? v : 'healthy';
}

export class Kubelet {
  readonly #o: KubeletOptions;
  readonly #lives = new Map<string, Tracked>();
  readonly #ipCounters = new Map<string, number>();
  readonly #nodeTimers = new Map<string, TimerHandle>();
  #unsubscribe: (() => void) | null = null;
  #stopped = false;

  constructor(opts: KubeletOptions) {
    this.#o = opts;
  }

  /** Adopts existing pods and follows the store. */
  start(): void {
    if (this.#unsubscribe !== null || this.#stopped) return;
    this.#unsubscribe = this.#o.store.subscribe((ev) => {
      this.#onEvent(ev);
    });
    for (const pod of this.#o.store.pods())
      this.#defer(() => {
        this.#adopt(pod);
      });
  }

  /** The current life of a pod (by uid), for tests and diagnostics. */
  life(uid: string): PodLife | undefined {
    return this.#lives.get(uid)?.life;
  }

  stop(): void {
    this.#stopped = true;
    this.#unsubscribe?.();
    this.#unsubscribe = null;
    for (const t of this.#lives.values()) t.timer?.cancel();
    this.#lives.clear();
    for (const t of this.#nodeTimers.values()) t.cancel();
    this.#nodeTimers.clear();
  }

  #defer(fn: () => void): void {
    this.#o.clock.setTimer(() => {
      if (this.#stopped) return;
      try {
        fn();
      } catch (err) {
        // The pod may have been deleted or changed meanwhile: the next event brings it back in step.
        this.#o.logger.debug({ err }, 'sim kubelet: skipped a stale update');
      }
    }, 0);
  }

  #onEvent(ev: StoreEvent): void {
    if (ev.resource === 'nodes' && ev.type === 'MODIFIED') {
      const was = ev.prev !== null && isNodeReady(ev.prev);
      const now = isNodeReady(ev.object);
      const name = ev.object.metadata.name ?? '';
      if (was !== now)
        this.#defer(() => {
          this.#nodeChanged(name, now);
        });
      return;
    }
    if (ev.resource !== 'pods') return;
    const uid = ev.object.metadata.uid ?? '';
    if (ev.type === 'DELETED') {
      this.#lives.get(uid)?.timer?.cancel();
      this.#lives.delete(uid);
      return;
    }
    const pod = ev.object;
    if (ev.type === 'ADDED') {
      // Scale mode adds 100k static pods at once: skip them without arming a timer each.
      if (scenarioOf(pod) === 'static') return;
      this.#defer(() => {
        this.#adopt(pod);
      });
      return;
    }
    if (
      pod.metadata.deletionTimestamp !== undefined &&
      ev.prev?.metadata.deletionTimestamp === undefined
    ) {
      this.#defer(() => {
        this.#terminate(uid, pod);
      });
    }
  }

  #pickNode(): KubeObject | undefined {
    const nodes = this.#o.store
      .list('nodes')
      .filter(
        (n) =>
          isNodeReady(n) &&
          (n.spec as { unschedulable?: boolean } | undefined)?.unschedulable !== true,
      );
    if (nodes.length === 0) return undefined;
    const load = new Map<string, number>();
    for (const t of this.#lives.values()) load.set(t.life.node, (load.get(t.life.node) ?? 0) + 1);
    let best: KubeObject | undefined;
    let bestLoad = Infinity;
    for (const n of nodes) {
      const l = (load.get(n.metadata.name ?? '') ?? 0) + this.#o.random() * 0.5;
      if (l < bestLoad) {
        best = n;
        bestLoad = l;
      }
    }
    return best;
  }

  #adopt(pod: KubeObject): void {
    const uid = pod.metadata.uid ?? '';
    const ns = pod.metadata.namespace ?? '';
    const name = pod.metadata.name ?? '';
    if (this.#lives.has(uid) || scenarioOf(pod) === 'static') return;
    const current = this.#o.store.pod(ns, name);
    if (current?.metadata.uid !== uid || current.metadata.deletionTimestamp !== undefined) return;
    const phase = (current.status as { phase?: string } | undefined)?.phase;
    if (phase === 'Succeeded' || phase === 'Failed') return;
    const spec = (current.spec ?? {}) as { nodeName?: string };
    let nodeName = spec.nodeName ?? '';
    if (nodeName === '') {
      const node = this.#pickNode();
      if (node === undefined) return;
      nodeName = node.metadata.name ?? '';
      this.#o.store.bindPod(ns, name, nodeName);
    }
    const node = this.#o.store.find('nodes', undefined, nodeName);
    const addresses =
      (node?.status as { addresses?: { type?: string; address?: string }[] } | undefined)
        ?.addresses ?? [];
    const hostIP = addresses.find((a) => a.type === 'InternalIP')?.address ?? '172.18.0.2';
    const cidr = (node?.spec as { podCIDR?: string } | undefined)?.podCIDR ?? '10.244.0.0/24';
    const n = (this.#ipCounters.get(nodeName) ?? 1) + 1;
    this.#ipCounters.set(nodeName, n >= 254 ? 1 : n);
    const podIP = cidr.replace(/\.0\/\d+$/, `.${n}`);
    const life = newLife({
      scenario: scenarioOf(current),
      namespace: ns,
      name,
      uid,
      spec: current.spec ?? {},
      node: nodeName,
      hostIP,
      podIP,
      now: this.#o.clock.now(),
      timeScale: this.#o.timeScale,
      seed: Math.floor(this.#o.random() * 2 ** 32),
    });
    const tracked: Tracked = {
      life,
      timer: null,
      frozen: node !== undefined && !isNodeReady(node),
    };
    this.#lives.set(uid, tracked);
    this.#schedule(uid, tracked);
  }

  #schedule(uid: string, t: Tracked): void {
    t.timer?.cancel();
    t.timer = null;
    if (t.frozen || t.life.nextAt === null) return;
    t.timer = this.#o.clock.setTimer(() => {
      t.timer = null;
      this.#tick(uid);
    }, t.life.nextAt - this.#o.clock.now());
  }

  #tick(uid: string): void {
    const t = this.#lives.get(uid);
    if (t === undefined || this.#stopped) return;
    t.life = advanceLife(t.life, this.#o.clock.now());
    this.#post(uid, t);
  }

  #post(uid: string, t: Tracked): void {
    const { namespace, name } = t.life;
    const cur = this.#o.store.pod(namespace, name);
    if (cur?.metadata.uid !== uid) {
      this.#lives.delete(uid);
      return;
    }
    try {
      this.#o.store.setPodStatus(namespace, name, { ...podStatusOf(t.life) });
      if (t.life.stage === 'gone') {
        this.#o.store.confirmPodTermination(namespace, name);
        this.#lives.delete(uid);
        return;
      }
    } catch (err) {
      this.#o.logger.debug(
        { err, pod: `${namespace}/${name}` },
        'sim kubelet: status update failed',
      );
    }
    this.#schedule(uid, t);
  }

  #terminate(uid: string, pod: KubeObject): void {
    const t = this.#lives.get(uid);
    if (t === undefined || t.frozen) return;
    const grace = pod.metadata.deletionGracePeriodSeconds ?? 30;
    t.life = beginTermination(t.life, this.#o.clock.now(), grace);
    this.#post(uid, t);
  }

  #nodeChanged(node: string, ready: boolean): void {
    const store = this.#o.store;
    this.#nodeTimers.get(node)?.cancel();
    this.#nodeTimers.delete(node);
    const onNode = [...this.#lives.entries()].filter(([, t]) => t.life.node === node);
    if (!ready) {
      const at = rfc3339(this.#o.clock.now());
      for (const [uid, t] of onNode) {
        t.frozen = true;
        t.timer?.cancel();
        t.timer = null;
        // The node lifecycle controller marks the pods NotReady; the kubelet is gone.
        const status = { ...podStatusOf(t.life) };
        status.conditions = (status.conditions as Record<string, unknown>[]).map((c) =>
          c.type === 'Ready' || c.type === 'ContainersReady'
            ? {
                ...c,
                status: 'False',
                lastTransitionTime: at,
                reason: 'NodeNotReady',
                message: undefined,
              }
            : c,
        );
        try {
          store.setPodStatus(
            t.life.namespace,
            t.life.name,
            JSON.parse(JSON.stringify(status)) as unknown,
          );
        } catch {
          this.#lives.delete(uid);
        }
      }
      this.#nodeTimers.set(
        node,
        this.#o.clock.setTimer(() => {
          this.#nodeTimers.delete(node);
          this.#evictLost(node);
        }, unreachableTolerationMs / this.#o.timeScale),
      );
      return;
    }
    for (const [uid, t] of onNode) {
      t.frozen = false;
      const pod = store.pod(t.life.namespace, t.life.name);
      if (pod?.metadata.deletionTimestamp !== undefined) {
        // Back online: the kubelet finishes the pending deletion.
        t.life = beginTermination(t.life, this.#o.clock.now(), 0);
        this.#post(uid, t);
      } else {
        t.life = advanceLife(t.life, this.#o.clock.now());
        this.#post(uid, t);
      }
    }
  }

  #evictLost(node: string): void {
    const now = this.#o.clock.now();
    for (const t of this.#lives.values()) {
      if (t.life.node !== node || !t.frozen) continue;
      try {
        this.#o.store.mutate('pods', t.life.namespace, t.life.name, (cur) => ({
          ...cur,
          metadata: {
            ...cur.metadata,
            deletionTimestamp: rfc3339(now + 30_000),
            deletionGracePeriodSeconds: 30,
          },
          status: {
            ...(cur.status as object),
            reason: 'NodeLost',
            message: `Node ${node} which was running pod ${t.life.name} is unresponsive`,
          },
        }));
      } catch {
        // already gone
      }
    }
  }
}
