/**
 * Tiny builders for pod status tests: a case states only what it is about.
 * `pod({ containers: [waiting('app', 'CrashLoopBackOff', { restarts: 5 })] })`
 */
import type {
  ContainerSpec,
  ContainerState,
  ContainerStatus,
  Pod,
  PodCondition,
} from '../../src/status/types.ts';

/** A container: its spec entry and (unless `status` is null) its status entry. */
export interface C {
  spec: ContainerSpec;
  status: ContainerStatus | null;
}

interface Opts {
  ready?: boolean;
  restarts?: number;
  started?: boolean;
  /** lastState.terminated.finishedAt */
  lastFinishedAt?: string;
  lastReason?: string;
}

function container(name: string, state: ContainerState, o: Opts = {}): C {
  const status: ContainerStatus = {
    name,
    state,
    ready: o.ready ?? false,
    restartCount: o.restarts ?? 0,
  };
  if (o.started !== undefined) status.started = o.started;
  if (o.lastFinishedAt !== undefined || o.lastReason !== undefined) {
    status.lastState = {
      terminated: {
        exitCode: 1,
        ...(o.lastReason === undefined ? {} : { reason: o.lastReason }),
        ...(o.lastFinishedAt === undefined ? {} : { finishedAt: o.lastFinishedAt }),
      },
    };
  }
  return { spec: { name, image: `${name}:1` }, status };
}

export const running = (name: string, o: Opts = {}): C =>
  container(name, { running: { startedAt: '2024-06-01T11:00:00Z' } }, { ready: true, ...o });
export const waiting = (name: string, reason?: string, o: Opts = {}): C =>
  container(name, { waiting: reason === undefined ? {} : { reason, message: `${reason} msg` } }, o);
export const terminated = (
  name: string,
  t: { reason?: string; exitCode?: number; signal?: number },
  o: Opts = {},
): C => container(name, { terminated: { exitCode: 0, ...t } }, o);
export const completed = (name: string, o: Opts = {}): C =>
  terminated(name, { reason: 'Completed', exitCode: 0 }, o);
/** A container the kubelet has not reported yet. */
export const unreported = (name: string): C => ({ spec: { name }, status: null });
/** Makes an init container a restartable init container (native sidecar). */
export const sidecar = (c: C): C => ({ ...c, spec: { ...c.spec, restartPolicy: 'Always' } });

export interface PodOpts {
  name?: string;
  namespace?: string;
  phase?: string;
  reason?: string;
  init?: C[];
  containers?: C[];
  conditions?: PodCondition[];
  created?: string;
  deleted?: string;
  labels?: Record<string, string>;
  owner?: { kind: string; name: string; controller?: boolean };
  podIP?: string;
  podIPs?: string[];
  node?: string;
  nominatedNode?: string;
  gates?: string[];
}

export function pod(o: PodOpts = {}): Pod {
  const init = o.init ?? [];
  const containers = o.containers ?? [running('app')];
  const p: Pod = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: o.name ?? 'web-1',
      namespace: o.namespace ?? 'default',
      uid: `uid-${o.name ?? 'web-1'}`,
      creationTimestamp: o.created ?? '2024-06-01T11:00:00Z',
    },
    spec: {
      containers: containers.map((c) => c.spec),
    },
    status: {
      phase: o.phase ?? 'Running',
      containerStatuses: containers.flatMap((c) => (c.status ? [c.status] : [])),
    },
  };
  const meta = p.metadata ?? {};
  const spec = p.spec ?? {};
  const status = p.status ?? {};
  if (init.length > 0) {
    spec.initContainers = init.map((c) => c.spec);
    status.initContainerStatuses = init.flatMap((c) => (c.status ? [c.status] : []));
  }
  if (o.reason !== undefined) status.reason = o.reason;
  if (o.conditions !== undefined) status.conditions = o.conditions;
  if (o.deleted !== undefined) meta.deletionTimestamp = o.deleted;
  if (o.labels !== undefined) meta.labels = o.labels;
  if (o.owner !== undefined) {
    meta.ownerReferences = [
      {
        apiVersion: 'apps/v1',
        kind: o.owner.kind,
        name: o.owner.name,
        uid: 'u',
        controller: o.owner.controller ?? true,
      },
    ];
  }
  if (o.podIP !== undefined) status.podIP = o.podIP;
  if (o.podIPs !== undefined) status.podIPs = o.podIPs.map((ip) => ({ ip }));
  if (o.node !== undefined) spec.nodeName = o.node;
  if (o.nominatedNode !== undefined) status.nominatedNodeName = o.nominatedNode;
  if (o.gates !== undefined)
    spec.readinessGates = o.gates.map((conditionType) => ({ conditionType }));
  return p;
}

export const condition = (type: string, status: string, reason?: string): PodCondition =>
  reason === undefined ? { type, status } : { type, status, reason };
