/**
 * Types of the status engine.
 *
 * `Pod` is the subset of a core/v1 Pod that status, filters and display read, in the API's JSON
 * shape. Every field is optional: a missing field means the API's zero value, and nothing in
 * podpulse may throw on one. The informer's slim projection is itself a valid `Pod` (the same
 * field names, fewer of them), so `podView` works on raw API JSON and on cached records alike.
 *
 * `PodView` is what podpulse computes and streams: time-independent (instants, not "5m ago"),
 * JSON round-trippable (required keys, `null` for absent). `PodRow` is a view rendered at an
 * instant: the exact strings of `kubectl get pods -o wide`.
 */

export interface OwnerReference {
  apiVersion?: string;
  kind?: string;
  name?: string;
  uid?: string;
  controller?: boolean;
}

export interface ObjectMeta {
  name?: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  generation?: number;
  creationTimestamp?: string | null;
  deletionTimestamp?: string | null;
  deletionGracePeriodSeconds?: number | null;
  labels?: Record<string, string> | null;
  annotations?: Record<string, string> | null;
  ownerReferences?: OwnerReference[] | null;
  finalizers?: string[] | null;
}

export interface ContainerSpec {
  name?: string;
  image?: string;
  /** "Always" on an init container marks a restartable init container (native sidecar). */
  restartPolicy?: string | null;
}

export interface PodSpec {
  nodeName?: string;
  initContainers?: ContainerSpec[] | null;
  containers?: ContainerSpec[] | null;
  readinessGates?: { conditionType?: string }[] | null;
  schedulingGates?: { name?: string }[] | null;
  restartPolicy?: string;
}

export interface ContainerStateWaiting {
  reason?: string;
  message?: string;
}
export interface ContainerStateRunning {
  startedAt?: string | null;
}
export interface ContainerStateTerminated {
  exitCode?: number;
  signal?: number;
  reason?: string;
  message?: string;
  startedAt?: string | null;
  finishedAt?: string | null;
  containerID?: string;
}
export interface ContainerState {
  waiting?: ContainerStateWaiting | null;
  running?: ContainerStateRunning | null;
  terminated?: ContainerStateTerminated | null;
}

export interface ContainerStatus {
  name?: string;
  state?: ContainerState | null;
  lastState?: ContainerState | null;
  ready?: boolean;
  restartCount?: number;
  started?: boolean | null;
  image?: string;
  imageID?: string;
  containerID?: string;
}

export interface PodCondition {
  type?: string;
  status?: string;
  reason?: string;
  message?: string;
  lastTransitionTime?: string | null;
}

export interface PodStatus {
  phase?: string;
  reason?: string;
  message?: string;
  podIP?: string;
  podIPs?: { ip?: string }[] | null;
  hostIP?: string;
  nominatedNodeName?: string;
  startTime?: string | null;
  conditions?: PodCondition[] | null;
  initContainerStatuses?: ContainerStatus[] | null;
  containerStatuses?: ContainerStatus[] | null;
  ephemeralContainerStatuses?: ContainerStatus[] | null;
}

export interface Pod {
  apiVersion?: string;
  kind?: string;
  metadata?: ObjectMeta;
  spec?: PodSpec;
  status?: PodStatus;
}

/** Which list a container comes from; `sidecar` is a restartable init container. */
export type ContainerKind = 'init' | 'sidecar' | 'regular';
export type ContainerStateName = 'waiting' | 'running' | 'terminated' | 'unknown';

/** One container's state, as `kubectl describe pod` would summarise it. Instants are epoch ms. */
export interface ContainerView {
  name: string;
  kind: ContainerKind;
  state: ContainerStateName;
  /** Waiting or terminated reason (CrashLoopBackOff, Error, OOMKilled, ...), else null. */
  reason: string | null;
  message: string | null;
  exitCode: number | null;
  signal: number | null;
  ready: boolean;
  restartCount: number;
  /** When the current run started (running or terminated state). */
  startedAt: number | null;
  /** lastState.terminated: when the previous run ended, and why. */
  lastTerminatedAt: number | null;
  lastReason: string | null;
  lastExitCode: number | null;
}

/** The pod's controlling workload; a ReplicaSet named `<deployment>-<pod-template-hash>` is shown as its Deployment. */
export interface Owner {
  kind: string;
  name: string;
}

/**
 * Everything podpulse knows about a pod's status, independent of the current time.
 * Instants are milliseconds since the Unix epoch; render them with `podRow(view, now)`.
 */
export interface PodView {
  uid: string;
  namespace: string;
  name: string;
  /** status.phase, '' when absent. */
  phase: string;
  /** READY column: "ready/total". */
  ready: string;
  /** STATUS column, exactly as kubectl prints it. */
  status: string;
  /** RESTARTS count (without the "(5m ago)" suffix). */
  restarts: number;
  /** The instant behind RESTARTS' "(… ago)" suffix, null when kubectl prints none. */
  lastRestartAt: number | null;
  /** metadata.creationTimestamp, behind AGE. */
  createdAt: number | null;
  /** metadata.deletionTimestamp. */
  deletedAt: number | null;
  /** IP column, null for `<none>`. */
  ip: string | null;
  /** NODE column, null for `<none>`. */
  node: string | null;
  /** NOMINATED NODE column, null for `<none>`. */
  nominatedNode: string | null;
  /** READINESS GATES column ("1/2"), null for `<none>`. */
  readinessGates: string | null;
  owner: Owner | null;
  labels: Record<string, string>;
  containers: ContainerView[];
}

/**
 * A view rendered at an instant: the strings of `kubectl get pods -o wide`. This exact key set is
 * the `podpulse status -o json` contract.
 */
export interface PodRow {
  namespace: string;
  name: string;
  ready: string;
  status: string;
  restarts: string;
  age: string;
  ip: string;
  node: string;
  nominatedNode: string;
  readinessGates: string;
}

export type ChangeType = 'ADDED' | 'MODIFIED' | 'DELETED';

/** The fields of a view that changed, with their previous values. */
export type ChangedFields = Partial<Omit<PodView, 'uid'>>;

/**
 * One real change of one pod's view, as the pipeline emits it and the protocol carries it.
 * `previous` holds the previous values of exactly the fields that changed (empty for ADDED;
 * for DELETED, `view` is the last known view). `seq` increases by one per change, per process.
 */
export interface PodChange {
  type: ChangeType;
  seq: number;
  /** When the change was observed, epoch ms. */
  time: number;
  view: PodView;
  previous: ChangedFields;
}
