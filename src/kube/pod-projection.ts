/**
 * The slim pod record: each Pod from the API is projected on arrival into the fields status,
 * filters and display read, and only those. It is a valid `Pod` (same names, same JSON shapes), so
 * `podView` runs on it unchanged. Dropped: managedFields, annotations, spec beyond container names
 * and restart policies, owner references other than the controller, images and IDs, hostIP, startTime, ephemeral containers, condition messages
 * and times. Absent and empty fields stay absent (no empty arrays or objects are allocated).
 * Timestamps stay RFC 3339 strings, never `Date`, whatever the source.
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
function list<T>(v: unknown, project: (item: Json) => T): T[] | undefined {
  if (!Array.isArray(v) || v.length === 0) return undefined;
  const out: T[] = [];
  for (const item of v) {
    const o = obj(item);
    if (o) out.push(project(o));
  }
  return out.length > 0 ? out : undefined;
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
  const r: ObjectMeta = {};
  put(r, 'name', str(m['name']));
  put(r, 'namespace', intern(str(m['namespace'])));
  put(r, 'uid', str(m['uid']));
  put(r, 'resourceVersion', str(m['resourceVersion']));
  put(r, 'creationTimestamp', time(m['creationTimestamp']));
  put(r, 'deletionTimestamp', time(m['deletionTimestamp']));
  put(r, 'labels', projectLabels(m['labels']));
  put(r, 'ownerReferences', projectOwners(m['ownerReferences']));
  return r;
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
  put(r, 'restartPolicy', intern(str(s['restartPolicy'])));
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
  const r: ContainerStatus = {};
  put(r, 'name', intern(str(o['name'])));
  put(r, 'state', projectState(o['state']));
  put(r, 'lastState', projectState(o['lastState']));
  if (typeof o['ready'] === 'boolean') r.ready = o['ready'];
  put(r, 'restartCount', num(o['restartCount']));
  if (typeof o['started'] === 'boolean') r.started = o['started'];
  return r;
}

function projectCondition(o: Json): PodCondition {
  const r: PodCondition = {};
  put(r, 'type', intern(str(o['type'])));
  put(r, 'status', intern(str(o['status'])));
  put(r, 'reason', intern(str(o['reason'])));
  return r;
}

function projectStatus(v: unknown): PodStatus | undefined {
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
  put(r, 'conditions', list(s['conditions'], projectCondition));
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
  put(pod, 'spec', projectSpec(o['spec']));
  put(pod, 'status', projectStatus(o['status']));
  return pod;
}
