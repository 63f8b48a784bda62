/**
 * Pod → PodView: the time-independent part of `kubectl get pods -o wide`.
 *
 * READY, STATUS and RESTARTS are a line-by-line port of `printPod` in kubernetes
 * `pkg/printers/internalversion/printers.go` (the server-side printer behind `kubectl get pods`,
 * with native sidecars). The v1 → internal conversion the apiserver runs before printing is
 * applied too (status.podIP wins over status.podIPs[0]). Comments name the printer rule each
 * branch follows; docs/status.md lists them.
 */
import { podOwner } from './owner.ts';
import { parseInstant } from './instant.ts';
import type {
  ContainerKind,
  ContainerSpec,
  ContainerState,
  ContainerStatus,
  ContainerView,
  Pod,
  PodCondition,
  PodView,
} from './types.ts';

const emptyState: ContainerState = {};

function list<T>(value: readonly T[] | null | undefined): readonly T[] {
  return Array.isArray(value) ? (value as readonly T[]) : [];
}
function str(value: unknown): string {
  return typeof value === 'string' ? value : '';
}
function int(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) ? Math.trunc(value) : 0;
}
function stateOf(state: ContainerState | null | undefined): ContainerState {
  return state !== null && typeof state === 'object' ? state : emptyState;
}
function isObject<T>(value: T | null | undefined): value is T {
  return value !== null && typeof value === 'object';
}

/** podutil.IsRestartableInitContainer: an init container with `restartPolicy: Always`. */
function isRestartable(spec: ContainerSpec | undefined): boolean {
  return spec !== undefined && spec.restartPolicy === 'Always';
}

/** isPodInitializedConditionTrue: the first Initialized condition decides. */
function isInitialized(conditions: readonly PodCondition[]): boolean {
  for (const c of conditions) {
    if (isObject(c) && c.type === 'Initialized') return c.status === 'True';
  }
  return false;
}

/** hasPodReadyCondition: any Ready condition with status True. */
function hasReadyCondition(conditions: readonly PodCondition[]): boolean {
  return conditions.some((c) => isObject(c) && c.type === 'Ready' && c.status === 'True');
}

/** A lastState.terminated.finishedAt that kubectl compares ("Before"): zero time is null. */
function lastTerminatedAt(status: ContainerStatus): number | null {
  const terminated = stateOf(status.lastState).terminated;
  return isObject(terminated) ? parseInstant(terminated.finishedAt) : null;
}

function later(a: number | null, b: number | null): number | null {
  // metav1.Time.Before on zero times: a zero date never replaces anything, anything replaces it.
  if (b === null) return a;
  if (a === null) return b;
  return b > a ? b : a;
}

/**
 * Computes a pod's view. Pure and total: missing fields are the API's zero values and fields of
 * the wrong type are treated as missing, so no input makes it throw. The result shares nothing
 * with `pod` (labels are copied), so the caller may drop or mutate the pod afterwards.
 */
export function podView(pod: Pod): PodView {
  const meta = isObject(pod.metadata) ? pod.metadata : undefined;
  const spec = isObject(pod.spec) ? pod.spec : undefined;
  const st = isObject(pod.status) ? pod.status : undefined;
  const specInit = list(spec?.initContainers).filter(isObject);
  const specMain = list(spec?.containers);
  const initStatuses = list(st?.initContainerStatuses).filter(isObject);
  const mainStatuses = list(st?.containerStatuses).filter(isObject);
  const conditions = list(st?.conditions);

  let restarts = 0;
  let restartableRestarts = 0;
  let totalContainers = specMain.length;
  let readyContainers = 0;
  let lastRestart: number | null = null;
  let lastRestartableRestart: number | null = null;

  const phase = str(st?.phase);
  let reason = phase;
  if (str(st?.reason) !== '') reason = str(st?.reason);

  // A PodScheduled condition with reason SchedulingGated wins over phase and status.reason.
  for (const c of conditions) {
    if (isObject(c) && c.type === 'PodScheduled' && c.reason === 'SchedulingGated') {
      reason = 'SchedulingGated';
    }
  }

  const initSpecByName = new Map<string, ContainerSpec>();
  for (const c of specInit) {
    initSpecByName.set(str(c.name), c);
    if (isRestartable(c)) totalContainers++;
  }

  // Init containers in status order, stopping at the first one that is not done.
  let initializing = false;
  for (let i = 0; i < initStatuses.length; i++) {
    const container = initStatuses[i] as ContainerStatus;
    const restartable = isRestartable(initSpecByName.get(str(container.name)));
    const finishedAt = lastTerminatedAt(container);
    restarts += int(container.restartCount);
    lastRestart = later(lastRestart, finishedAt);
    if (restartable) {
      restartableRestarts += int(container.restartCount);
      lastRestartableRestart = later(lastRestartableRestart, finishedAt);
    }
    const state = stateOf(container.state);
    const terminated = isObject(state.terminated) ? state.terminated : null;
    const waiting = isObject(state.waiting) ? state.waiting : null;
    if (terminated !== null && int(terminated.exitCode) === 0) {
      continue; // completed init container
    }
    if (restartable && container.started === true) {
      if (container.ready === true) readyContainers++; // a started sidecar
      continue;
    }
    if (terminated !== null) {
      // initialization failed
      const r = str(terminated.reason);
      if (r === '') {
        const signal = int(terminated.signal);
        reason =
          signal !== 0 ? `Init:Signal:${signal}` : `Init:ExitCode:${int(terminated.exitCode)}`;
      } else {
        reason = `Init:${r}`;
      }
    } else if (
      waiting !== null &&
      str(waiting.reason) !== '' &&
      waiting.reason !== 'PodInitializing'
    ) {
      reason = `Init:${str(waiting.reason)}`;
    } else {
      reason = `Init:${i}/${specInit.length}`;
    }
    initializing = true;
    break;
  }

  if (!initializing || isInitialized(conditions)) {
    // Regular containers: only restartable init containers' restarts still count.
    restarts = restartableRestarts;
    lastRestart = lastRestartableRestart;
    let hasRunning = false;
    // Last to first, so the first container's waiting/terminated reason wins.
    for (let i = mainStatuses.length - 1; i >= 0; i--) {
      const container = mainStatuses[i] as ContainerStatus;
      restarts += int(container.restartCount);
      lastRestart = later(lastRestart, lastTerminatedAt(container));
      const state = stateOf(container.state);
      const terminated = isObject(state.terminated) ? state.terminated : null;
      const waiting = isObject(state.waiting) ? state.waiting : null;
      if (waiting !== null && str(waiting.reason) !== '') {
        reason = str(waiting.reason);
      } else if (terminated !== null && str(terminated.reason) !== '') {
        reason = str(terminated.reason);
      } else if (terminated !== null) {
        const signal = int(terminated.signal);
        reason = signal !== 0 ? `Signal:${signal}` : `ExitCode:${int(terminated.exitCode)}`;
      } else if (container.ready === true && isObject(state.running)) {
        hasRunning = true;
        readyContainers++;
      }
    }
    // "Completed" with a container still running: Running when the pod is Ready, else NotReady.
    if (reason === 'Completed' && hasRunning) {
      reason = hasReadyCondition(conditions) ? 'Running' : 'NotReady';
    }
  }

  const deletionTimestamp = meta?.deletionTimestamp;
  const deleting = deletionTimestamp !== undefined && deletionTimestamp !== null;
  if (deleting && str(st?.reason) === 'NodeLost') {
    reason = 'Unknown';
  } else if (deleting && phase !== 'Failed' && phase !== 'Succeeded') {
    reason = 'Terminating';
  }

  // v1 → internal conversion: a non-empty podIP is authoritative, else podIPs[0].
  let ip = str(st?.podIP);
  if (ip === '') {
    const first = list(st?.podIPs)[0];
    ip = isObject(first) ? str(first.ip) : '';
  }

  let readinessGates: string | null = null;
  const gates = list(spec?.readinessGates);
  if (gates.length > 0) {
    let trueConditions = 0;
    for (const gate of gates) {
      const type = isObject(gate) ? str(gate.conditionType) : '';
      const c = conditions.find((x) => isObject(x) && str(x.type) === type);
      if (c?.status === 'True') trueConditions++;
    }
    readinessGates = `${trueConditions}/${gates.length}`;
  }

  const labels: Record<string, string> = {};
  const rawLabels = meta?.labels;
  if (isObject(rawLabels)) {
    for (const [k, v] of Object.entries(rawLabels as Record<string, unknown>)) {
      if (typeof v === 'string') labels[k] = v;
    }
  }

  const node = str(spec?.nodeName);
  const nominated = str(st?.nominatedNodeName);
  return {
    uid: str(meta?.uid),
    namespace: str(meta?.namespace),
    name: str(meta?.name),
    phase,
    ready: `${readyContainers}/${totalContainers}`,
    status: reason,
    restarts,
    lastRestartAt: restarts !== 0 ? lastRestart : null,
    createdAt: parseInstant(meta?.creationTimestamp),
    deletedAt: parseInstant(deletionTimestamp),
    ip: ip === '' ? null : ip,
    node: node === '' ? null : node,
    nominatedNode: nominated === '' ? null : nominated,
    readinessGates,
    owner: podOwner(pod),
    labels,
    containers: containerViews(specInit, specMain, initStatuses, mainStatuses),
  };
}

/**
 * Containers in spec order (init and sidecar, then regular), each joined with its status by
 * name; statuses that name no spec container follow their list, so nothing reported is lost.
 */
function containerViews(
  specInit: readonly ContainerSpec[],
  specMain: readonly ContainerSpec[],
  initStatuses: readonly ContainerStatus[],
  mainStatuses: readonly ContainerStatus[],
): ContainerView[] {
  const out: ContainerView[] = [];
  appendViews(out, specInit, initStatuses, true);
  appendViews(out, specMain, mainStatuses, false);
  return out;
}

function appendViews(
  out: ContainerView[],
  specs: readonly ContainerSpec[],
  statuses: readonly ContainerStatus[],
  init: boolean,
): void {
  const byName = new Map<string, ContainerStatus>();
  for (const s of statuses) byName.set(str(s.name), s);
  const seen = new Set<string>();
  for (const spec of specs) {
    if (!isObject(spec)) continue;
    const name = str(spec.name);
    seen.add(name);
    const kind: ContainerKind = init ? (isRestartable(spec) ? 'sidecar' : 'init') : 'regular';
    out.push(containerView(name, kind, byName.get(name)));
  }
  for (const s of statuses) {
    const name = str(s.name);
    if (!seen.has(name)) out.push(containerView(name, init ? 'init' : 'regular', s));
  }
}

function containerView(
  name: string,
  kind: ContainerKind,
  status: ContainerStatus | undefined,
): ContainerView {
  const view: ContainerView = {
    name,
    kind,
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
  };
  if (status === undefined) return view;
  view.ready = status.ready === true;
  view.restartCount = int(status.restartCount);
  const state = stateOf(status.state);
  if (isObject(state.waiting)) {
    view.state = 'waiting';
    view.reason = str(state.waiting.reason) || null;
    view.message = str(state.waiting.message) || null;
  } else if (isObject(state.running)) {
    view.state = 'running';
    view.startedAt = parseInstant(state.running.startedAt);
  } else if (isObject(state.terminated)) {
    const t = state.terminated;
    view.state = 'terminated';
    view.reason = str(t.reason) || null;
    view.message = str(t.message) || null;
    view.exitCode = int(t.exitCode);
    view.signal = int(t.signal) || null;
    view.startedAt = parseInstant(t.startedAt);
  } else {
    // ContainerState: "If none of them is specified, the default one is ContainerStateWaiting."
    view.state = 'waiting';
  }
  const last = stateOf(status.lastState).terminated;
  if (isObject(last)) {
    view.lastTerminatedAt = parseInstant(last.finishedAt);
    view.lastReason = str(last.reason) || null;
    view.lastExitCode = int(last.exitCode);
  }
  return view;
}
