/**
 * The slim pod record: each Pod from the API is projected on arrival into the fields status,
 * filters and display read, and only those. It is a valid `Pod` (same names, same JSON shapes), so
 * `podView` runs on it unchanged. Dropped: managedFields, annotations, the pod spec beyond
 * container names and init containers' restart policies, conditions status does not read
 * (ContainersReady, ...), owner references other than the controller, images and IDs, hostIP,
 * startTime, ephemeral containers, condition messages and times. Timestamps stay RFC 3339
 * strings, never `Date`, whatever the source. Sized for memory: arrays are allocated at their
 * exact length, the widest records (metadata, container statuses) are built as full literals
 * (absent fields are `undefined`, which JSON omits), short repetitive strings are interned.
 */
import type {
  ContainerSpec,
  ContainerState,
  ContainerStatus,
  ObjectMeta,
  OwnerReference,
  Pod,
  PodCondition,
  PodSpec,
  PodStatus,
} from '../status/types.ts';

type Json = Record<string, unknown>;

function obj(v: unknown): Json | undefined {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Json) : undefined;
}
function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}
function num(v: unknown): number | undefined {
  return typeof v === 'number' ? v : undefined;
}
/** RFC 3339 string whether the source held a string or a Date (client-node's typed models). */
function time(v: unknown): string | undefined {
  if (typeof v === 'string') return v;
  if (v instanceof Date && !Number.isNaN(v.getTime())) return v.toISOString().replace('.000Z', 'Z');
  return undefined;
}
function bool(v: unknown): boolean | undefined {
  return typeof v === 'boolean' ? v : undefined;
}
/**
 * An object literal with every key present sizes its V8 object exactly (no spare in-object slots,
 * no out-of-object property store); absent fields are `undefined`, which JSON omits and `podView`
 * treats as absent.
 */
function fixed<T>(literal: { [K in keyof T]-?: T[K] | undefined }): T {
  return literal as T;
}
/**
 * Projects the object items of an array. The result is allocated at its exact length: `push` on an
 * empty array reserves 17 slots, which for a one-container pod is most of its retained size.
 */
function list<T>(v: unknown, project: (item: Json) => T): T[] | undefined {
  if (!Array.isArray(v) || v.length === 0) return undefined;
  let n = 0;
  for (const item of v) if (obj(item)) n++;
  if (n === 0) return undefined;
  return exact(n, v, project);
}
function exact<T>(n: number, v: readonly unknown[], project: (item: Json) => T): T[] {
  const out = new Array<T>(n);
  let i = 0;
  for (const item of v) {
    const o = obj(item);
    if (o) out[i++] = project(o);
  }
  return out;
}

/** Assigns only defined values, so absent fields allocate nothing. */
function put<T extends object, K extends keyof T>(
  target: T,
  key: K,
  value: T[K] | undefined,
): void {
  if (value !== undefined) target[key] = value;
}

// Low-cardinality strings (namespaces, node names, reasons, label keys, condition types) arrive as
// fresh copies in every JSON document; interning them keeps one copy per distinct value. The
// table is bounded: when it fills up it is dropped and rebuilt, which only costs duplicates.
const internTable = new Map<string, string>();
const internLimit = 20_000;

/**
 * Entries in the projection's intern table and its bound, for tests and diagnostics. The table
 * never holds more than `limit` strings, whatever the churn (it is cleared when full).
 */
export function internTableStats(): { size: number; limit: number } {
  return { size: internTable.size, limit: internLimit };
}
function intern(s: string | undefined): string | undefined {
  if (s === undefined || s.length > 64) return s;
  const hit = internTable.get(s);
  if (hit !== undefined) return hit;
  if (internTable.size >= internLimit) internTable.clear();
  internTable.set(s, s);
  return s;
}

function projectLabels(v: unknown): Record<string, string> | undefined {
  const o = obj(v);
  if (!o) return undefined;
  let out: Record<string, string> | undefined;
  for (const k in o) {
    const value = o[k];
    if (typeof value !== 'string') continue;
    out ??= {};
    out[intern(k) ?? k] = intern(value) ?? value;
  }
  return out;
}

/** Only the controller reference: status names the controlling workload and nothing else. */
function projectOwners(v: unknown): OwnerReference[] | undefined {
  if (!Array.isArray(v)) return undefined;
  for (const item of v) {
    const o = obj(item);
    if (o?.['controller'] !== true) continue;
    const r: OwnerReference = { controller: true };
    put(r, 'kind', intern(str(o['kind'])));
    put(r, 'name', str(o['name']));
    return [r];
  }
  return undefined;
}

function projectMeta(v: unknown): ObjectMeta {
  const m = obj(v) ?? {};
  return fixed({
    name: str(m['name']),
    namespace: intern(str(m['namespace'])),
    uid: str(m['uid']),
    resourceVersion: str(m['resourceVersion']),
    creationTimestamp: time(m['creationTimestamp']),
    deletionTimestamp: time(m['deletionTimestamp']),
    labels: projectLabels(m['labels']),
    ownerReferences: projectOwners(m['ownerReferences']),
  });
}

function projectContainerSpec(o: Json): ContainerSpec {
  const r: ContainerSpec = {};
  put(r, 'name', intern(str(o['name'])));
  put(r, 'restartPolicy', intern(str(o['restartPolicy'])));
  return r;
}

function projectSpec(v: unknown): PodSpec | undefined {
  const s = obj(v);
  if (!s) return undefined;
  const r: PodSpec = {};
  put(r, 'nodeName', intern(str(s['nodeName'])));
  put(r, 'initContainers', list(s['initContainers'], projectContainerSpec));
  put(r, 'containers', list(s['containers'], projectContainerSpec));
  put(
    r,
    'readinessGates',
    list(s['readinessGates'], (g) => {
      const t = intern(str(g['conditionType']));
      return t === undefined ? {} : { conditionType: t };
    }),
  );
  put(
    r,
    'schedulingGates',
    list(s['schedulingGates'], (g) => {
      const n = str(g['name']);
      return n === undefined ? {} : { name: n };
    }),
  );
  return r;
}

function projectState(v: unknown): ContainerState | undefined {
  const s = obj(v);
  if (!s) return undefined;
  const r: ContainerState = {};
  const waiting = obj(s['waiting']);
  if (waiting) {
    const w: NonNullable<ContainerState['waiting']> = {};
    put(w, 'reason', intern(str(waiting['reason'])));
    put(w, 'message', str(waiting['message']));
    r.waiting = w;
  }
  const running = obj(s['running']);
  if (running) {
    const at = time(running['startedAt']);
    r.running = at === undefined ? {} : { startedAt: at };
  }
  const terminated = obj(s['terminated']);
  if (terminated) {
    const t: NonNullable<ContainerState['terminated']> = {};
    put(t, 'exitCode', num(terminated['exitCode']));
    put(t, 'signal', num(terminated['signal']));
    put(t, 'reason', intern(str(terminated['reason'])));
    put(t, 'message', str(terminated['message']));
    put(t, 'startedAt', time(terminated['startedAt']));
    put(t, 'finishedAt', time(terminated['finishedAt']));
    r.terminated = t;
  }
  return r;
}

function projectContainerStatus(o: Json): ContainerStatus {
  return fixed({
    name: intern(str(o['name'])),
    state: projectState(o['state']),
    lastState: projectState(o['lastState']),
    ready: bool(o['ready']),
    restartCount: num(o['restartCount']),
    started: bool(o['started']),
  });
}

/**
 * The conditions status reads: Ready, Initialized (only consulted while an init container is
 * unfinished, so kept only when there are init container statuses), PodScheduled when it says
 * SchedulingGated, and the readiness gates' types. ContainersReady, PodReadyToStartContainers and
 * the rest are dropped.
 */
function projectConditions(
  v: unknown,
  gates: PodSpec['readinessGates'],
  hasInit: boolean,
): PodCondition[] | undefined {
  if (!Array.isArray(v)) return undefined;
  const wanted = (item: unknown): boolean => {
    const o = obj(item);
    const type = o?.['type'];
    return (
      type === 'Ready' ||
      (type === 'Initialized' && hasInit) ||
      (type === 'PodScheduled' && o?.['reason'] === 'SchedulingGated') ||
      (gates?.some((g) => g.conditionType === type) ?? false)
    );
  };
  let n = 0;
  for (const item of v) if (wanted(item)) n++;
  if (n === 0) return undefined;
  return exact(
    n,
    v.filter(wanted),
    (o) =>
      // Three slots, not five: message and lastTransitionTime are never read.
      ({
        type: intern(str(o['type'])),
        status: intern(str(o['status'])),
        reason: intern(str(o['reason'])),
      }) as PodCondition,
  );
}

function projectStatus(v: unknown, gates: PodSpec['readinessGates']): PodStatus | undefined {
  const s = obj(v);
  if (!s) return undefined;
  const r: PodStatus = {};
  put(r, 'phase', intern(str(s['phase'])));
  put(r, 'reason', intern(str(s['reason'])));
  put(r, 'podIP', str(s['podIP']));
  const ips = list(s['podIPs'], (p) => {
    const ip = str(p['ip']);
    return ip === undefined ? {} : { ip };
  });
  // podIPs[0] repeats podIP on single-stack clusters; keep the list only when it says more.
  if (ips && (ips.length > 1 || ips[0]?.ip !== r.podIP)) r.podIPs = ips;
  put(r, 'nominatedNodeName', intern(str(s['nominatedNodeName'])));
  put(
    r,
    'conditions',
    projectConditions(s['conditions'], gates, Array.isArray(s['initContainerStatuses'])),
  );
  put(r, 'initContainerStatuses', list(s['initContainerStatuses'], projectContainerStatus));
  put(r, 'containerStatuses', list(s['containerStatuses'], projectContainerStatus));
  return r;
}

/**
 * Projects a Pod as the API sends it (raw JSON, or a client-node model with `Date` fields) into
 * the slim record. Never throws: fields of the wrong type are dropped as if absent.
 */
export function projectPod(raw: unknown): Pod {
  const o = obj(raw) ?? {};
  const pod: Pod = { metadata: projectMeta(o['metadata']) };
  const spec = projectSpec(o['spec']);
  put(pod, 'spec', spec);
  put(pod, 'status', projectStatus(o['status'], spec?.readinessGates));
  return pod;
}
