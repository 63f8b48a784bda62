/**
 * kube/ — the shell that talks to Kubernetes: kubeconfig resolution, the shared informer (paginated
 * list, watch with bookmarks, relist and reconcile on 410, back-off, watchdog, streaming lists) and
 * the slim projection of API objects. The only importer of @kubernetes/client-node.
 */
export type { KubeConfig } from '@kubernetes/client-node';
export { KubeApiError } from './api-error.ts';
export { backoffDelay, defaultBackoff, type BackoffOptions } from './backoff.ts';
export { httpListerWatcher, type HttpListerWatcherOptions } from './http-lister-watcher.ts';
export {
  defaultKnobs,
  Informer,
  type InformerListener,
  type InformerOptions,
  type InformerState,
  type InformerStatus,
  type ResourceType,
} from './informer.ts';
export { loadKubeConfig, type LoadedKubeConfig, type LoadKubeConfigOptions } from './kubeconfig.ts';
export type { ListerWatcher, ListPage, Query, WatchHandle, WatchSink } from './lister-watcher.ts';
export {
  acquirePodInformer,
  podResource,
  type InformerLease,
  type PodInformerOptions,
} from './pod-informer.ts';
export { projectPod } from './pod-projection.ts';
export type {
  EventType,
  InformerEvent,
  InformerStats,
  ReflectorKnobs,
  ReflectorStatus,
} from './reflector.ts';
