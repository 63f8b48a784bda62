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
  Owner,
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
/** The object items of a list: the list itself when they all are (no copy), else a filtered copy. */
function objects<T>(items: readonly T[]): readonly T[] {
  for (const item of items) if (!isObject(item)) return items.filter(isObject);
  return items;
}

// READY strings for small counts, made once: most pods have fewer than 8 containers.
const readyStrings: string[][] = Array.from({ length: 8 }, (_, ready) =>
  Array.from({ length: 8 }, (_, total) => `${ready}/${total}`),
);
function readyString(ready: number, total: number): string {
  return (ready < 8 && total < 8 ? readyStrings[ready]?.[total] : undefined) ?? `${ready}/${total}`;
}

// Owners are shared by every pod of a workload: one frozen object per (kind, name), in a table
// bounded like the projection's (cleared when full, which only costs unshared copies).
const ownerTable = new Map<string, Owner[]>();
const ownerLimit = 20_000;

/**
 * `podOwner(pod)`, as a frozen object shared with every other view of the same workload (equal
 * kind and name), so the views of a thousand pods of one Deployment hold one owner.
 */
export function sharedOwner(pod: Pod): Owner | null {
  const owner = podOwner(pod);
  if (owner === null) return null;
  const candidates = ownerTable.get(owner.name);
  if (candidates !== undefined) {
    for (const c of candidates) if (c.kind === owner.kind) return c;
    candidates.push(Object.freeze(owner));
    return owner;
  }
  if (ownerTable.size >= ownerLimit) ownerTable.clear();
  ownerTable.set(owner.name, [Object.freeze(owner)]);
  return owner;
}

/**
 * The view's labels: the pod's own labels object when it is frozen and holds only strings (the
 * informer's slim record: immutable, so sharing it is safe), else a copy of its string entries.
 */
export function viewLabels(rawLabels: unknown): Record<string, string> {
  if (!isObject(rawLabels)) return {};
  const entries = rawLabels as Record<string, unknown>;
  if (Object.isFrozen(entries)) {
    let strings = true;
    for (const k in entries) {
      if (typeof entries[k] !== 'string' || !Object.hasOwn(entries, k)) {
        strings = false;
        break;
      }
    }
    if (strings && Object.getPrototypeOf(entries) === Object.prototype) {
      return entries as Record<string, string>;
    }
  }
  const labels: Record<string, string> = {};
  for (const [k, v] of Object.entries(entries)) {
    if (typeof v === 'string') labels[k] = v;
  }
  return labels;
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
 * mutable with `pod`: labels are copied unless the pod's labels object is frozen (the informer's
 * slim record), in which case the view shares it; the owner is a frozen object shared by every
 * view of the same workload. So the caller may drop or mutate an unfrozen pod afterwards.
 */
export function podView(pod: Pod): PodView {
  const meta = isObject(pod.metadata) ? pod.metadata : undefined;
  const spec = isObject(pod.spec) ? pod.spec : undefined;
  const st = isObject(pod.status) ? pod.status : undefined;
  const specInit = objects(list(spec?.initContainers));
  const specMain = list(spec?.containers);
  const initStatuses = objects(list(st?.initContainerStatuses));
  const mainStatuses = objects(list(st?.containerStatuses));
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

  for (const c of specInit) if (isRestartable(c)) totalContainers++;

  // Init containers in status order, stopping at the first one that is not done.
  let initializing = false;
  for (let i = 0; i < initStatuses.length; i++) {
    const container = initStatuses[i] as ContainerStatus;
    const restartable = isRestartable(lastNamed(specInit, str(container.name)));
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

  const labels = viewLabels(meta?.labels);

  const node = str(spec?.nodeName);
  const nominated = str(st?.nominatedNodeName);
  return {
    uid: str(meta?.uid),
    namespace: str(meta?.namespace),
    name: str(meta?.name),
    phase,
    ready: readyString(readyContainers, totalContainers),
    status: reason,
    restarts,
    lastRestartAt: restarts !== 0 ? lastRestart : null,
    createdAt: parseInstant(meta?.creationTimestamp),
    deletedAt: parseInstant(deletionTimestamp),
    ip: ip === '' ? null : ip,
    node: node === '' ? null : node,
    nominatedNode: nominated === '' ? null : nominated,
    readinessGates,
    owner: sharedOwner(pod),
    labels,
    containers: containerViews(specInit, specMain, initStatuses, mainStatuses),
  };
}

/** The last item of `items` named `name` (a later duplicate wins, as in a map by name). */
function lastNamed<T extends { name?: string }>(items: readonly T[], name: string): T | undefined {
  for (let i = items.length - 1; i >= 0; i--) {
    const item = items[i] as T;
    if (str(item.name) === name) return item;
  }
  return undefined;
}

/** Whether an object of `specs` is named `name`. */
function hasSpecNamed(specs: readonly ContainerSpec[], name: string): boolean {
  for (const spec of specs) if (isObject(spec) && str(spec.name) === name) return true;
  return false;
}

/** Views for one list: its object specs, then the statuses that name none of them. */
function viewCount(specs: readonly ContainerSpec[], statuses: readonly ContainerStatus[]): number {
  let n = 0;
  for (const spec of specs) if (isObject(spec)) n++;
  for (const s of statuses) if (!hasSpecNamed(specs, str(s.name))) n++;
  return n;
}

/**
 * Containers in spec order (init and sidecar, then regular), each joined with its status by
 * name; statuses that name no spec container follow their list, so nothing reported is lost.
 * The array is allocated at its exact length.
 */
function containerViews(
  specInit: readonly ContainerSpec[],
  specMain: readonly ContainerSpec[],
  initStatuses: readonly ContainerStatus[],
  mainStatuses: readonly ContainerStatus[],
): ContainerView[] {
  const out = new Array<ContainerView>(
    viewCount(specInit, initStatuses) + viewCount(specMain, mainStatuses),
  );
  const next = appendViews(out, 0, specInit, initStatuses, true);
  appendViews(out, next, specMain, mainStatuses, false);
  return out;
}

function appendViews(
  out: ContainerView[],
  start: number,
  specs: readonly ContainerSpec[],
  statuses: readonly ContainerStatus[],
  init: boolean,
): number {
  let i = start;
  for (const spec of specs) {
    if (!isObject(spec)) continue;
    const name = str(spec.name);
    const kind: ContainerKind = init ? (isRestartable(spec) ? 'sidecar' : 'init') : 'regular';
    out[i++] = containerView(name, kind, lastNamed(statuses, name));
  }
  for (const s of statuses) {
    const name = str(s.name);
    if (!hasSpecNamed(specs, name)) out[i++] = containerView(name, init ? 'init' : 'regular', s);
  }
  return i;
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
