/**
 * Pods as an informer resource, and the registry that makes informers shared: one per cluster,
 * user and scope, however many consumers acquire it.
 */
import type { KubeConfig } from '@kubernetes/client-node';
import type { Pod } from '../status/types.ts';
import { defaultKnobs, Informer, type InformerOptions, type ResourceType } from './informer.ts';
import { projectPod } from './pod-projection.ts';

export const podResource: ResourceType<Pod> = Object.freeze({
  name: 'pods',
  listPath: (ns: string | null) =>
    ns === null ? '/api/v1/pods' : `/api/v1/namespaces/${encodeURIComponent(ns)}/pods`,
  project: projectPod,
  key: (pod: Pod) => pod.metadata?.uid ?? '',
  resourceVersion: (pod: Pod) => pod.metadata?.resourceVersion ?? '',
});

export type PodInformerOptions = Omit<InformerOptions<Pod>, 'resource'>;

/** A reference to a shared informer; `release()` is idempotent, and the last one closes it. */
export interface InformerLease<T> {
  readonly informer: Informer<T>;
  release(): void;
}

const shared = new Map<string, { informer: Informer<Pod>; refs: number }>();

function scopeKey(kc: KubeConfig, o: PodInformerOptions): string {
  const cluster = kc.getCurrentCluster();
  const user = kc.getCurrentUser();
  const ns = [...new Set(o.namespaces ?? [])].sort().join(',');
  // Knobs are merged over the defaults (key order fixed by defaultKnobs), so `{}`, absent and
  // the defaults spelled out share one informer, and different knobs never silently lose.
  return JSON.stringify([
    cluster?.server,
    user?.name,
    ns,
    o.labelSelector ?? '',
    o.fieldSelector ?? '',
    { ...defaultKnobs, ...o.knobs },
  ]);
}

/**
 * The started pod informer for this cluster, user, scope (namespaces, selectors) and knobs,
 * created on first use and shared, reference-counted, by every caller with the same key. Callers
 * with different knobs get separate informers. `clock`, `random` and `logger` are not part of the
 * key: a shared informer keeps those of the caller that created it, and later callers' are
 * ignored. Informers built from a `listerWatcher` factory (tests) are never shared.
 */
export function acquirePodInformer(options: PodInformerOptions): InformerLease<Pod> {
  const kc = options.kubeConfig;
  if (!kc || options.listerWatcher) {
    const informer = new Informer<Pod>({ ...options, resource: podResource });
    informer.start();
    return {
      informer,
      release: () => {
        informer.close();
      },
    };
  }
  const key = scopeKey(kc, options);
  let entry = shared.get(key);
  if (!entry) {
    entry = { informer: new Informer<Pod>({ ...options, resource: podResource }), refs: 0 };
    shared.set(key, entry);
    entry.informer.start();
  }
  entry.refs++;
  const held = entry;
  let released = false;
  return {
    informer: held.informer,
    release() {
      if (released) return;
      released = true;
      held.refs--;
      if (held.refs === 0) {
        held.informer.close();
        if (shared.get(key) === held) shared.delete(key);
      }
    },
  };
}
