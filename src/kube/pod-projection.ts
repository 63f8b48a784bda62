/**
 * The slim pod record: each Pod from the API is projected on arrival into the fields status,
 * filters and display read, and only those. It is a valid `Pod` (same names, same JSON shapes), so
 * `podView` runs on it unchanged. Dropped: managedFields, annotations, the pod spec beyond
 * container names and init containers' restart policies, conditions status does not read
 * (ContainersReady, ...), owner references other than the controller, images and IDs, hostIP,
 * startTime, ephemeral containers, condition messages and times. Timestamps stay RFC 3339
 * strings, never `Date`, whatever the source.
 *
 * Sized for memory and for cheap comparison:
 * - Arrays are allocated at their exact length; the widest records (pod, metadata, container
 *   statuses) are built as full literals (absent fields are `undefined`, which JSON omits).
 * - Short repetitive strings are interned.
 * - Parts that many pods hold alike are shared, frozen, between records: the spec (node name and
 *   containers), the conditions, the controller reference, and empty container states. A part is
 *   looked up by its content before it is built, so an event that repeats a pod's spec allocates
 *   none of it, and comparing two records stops at the shared reference.
 * - The labels object is frozen, so `podView` shares it instead of copying it.
 *
 * The records, and every part of them, are immutable: never mutate them.
 */
import type {
  ContainerSpec,
  ContainerState,
  ContainerStateWaiting,
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

/** Assigns only defined values, so absent fields allocate nothing. */
function put<T extends object, K extends keyof T>(
  target: T,
  key: K,
  value: T[K] | undefined,
): void {
  if (value !== undefined) target[key] = value;
}

/** The object items of an array, or 0 when it is not an array. */
function countObjects(v: unknown): number {
  if (!Array.isArray(v)) return 0;
  let n = 0;
  for (const item of v) if (obj(item)) n++;
  return n;
}

// Low-cardinality strings (namespaces, node names, phases, reasons, label keys, condition types)
// arrive as fresh copies in every JSON document; interning them keeps one copy per distinct value.
// The table is bounded: when it fills up it is dropped and rebuilt, which only costs duplicates.
const internTable = new Map<string, string>();
const internLimit = 20_000;

// Shared parts: specs by node name, condition lists by the first kept condition's status, controller
// references by name. A hit is checked against the raw content (never trusted on the key alone).
// Each table is bounded like the intern table: cleared when full, which only costs unshared copies.
const sharedLimit = 20_000;
const sharedSpecs = new Map<string, PodSpec[]>();
const sharedConditions = new Map<string, PodCondition[][]>();
const sharedOwners = new Map<string, OwnerReference[]>();

/**
 * Entries in the projection's intern table and its bound, for tests and diagnostics. The table
 * never holds more than `limit` strings, whatever the churn (it is cleared when full); the tables
 * of shared parts (`shared`) have the same bound each.
 */
export function internTableStats(): { size: number; limit: number; shared: number } {
  return {
    size: internTable.size,
    limit: internLimit,
    shared: Math.max(sharedSpecs.size, sharedConditions.size, sharedOwners.size),
  };
}
function intern(s: string | undefined): string | undefined {
  if (s === undefined || s.length > 64) return s;
  const hit = internTable.get(s);
  if (hit !== undefined) return hit;
  if (internTable.size >= internLimit) internTable.clear();
  internTable.set(s, s);
  return s;
}
function share<T>(table: Map<string, T>, key: string, value: T): T {
  if (table.size >= sharedLimit) table.clear();
  table.set(key, value);
  return value;
}

const emptyState: ContainerState = Object.freeze({});
const emptyRunning: NonNullable<ContainerState['running']> = Object.freeze({});
const emptyWaiting: NonNullable<ContainerState['waiting']> = Object.freeze({});

function projectLabels(v: unknown): Record<string, string> | undefined {
  const o = obj(v);
  if (!o) return undefined;
  let out: Record<string, string> | undefined;
  for (const key in o) {
    const value = o[key];
    if (typeof value !== 'string') continue;
    out ??= {};
    // Keys need no interning: JSON.parse internalizes property names itself.
    out[key] = intern(value) ?? value;
  }
  // Frozen: podView shares a frozen labels object with the view instead of copying it.
  return out === undefined ? undefined : Object.freeze(out);
}

/** Only the controller reference: status names the controlling workload and nothing else. */
function projectOwners(v: unknown): OwnerReference[] | undefined {
  if (!Array.isArray(v)) return undefined;
  for (const item of v) {
    const o = obj(item);
    if (o?.['controller'] !== true) continue;
    const kind = str(o['kind']);
    const name = str(o['name']);
    // Keyed by the name alone (no key string to build), the kind checked on a hit.
    const hit = name === undefined ? undefined : sharedOwners.get(name);
    if (hit?.[0]?.kind === kind) return hit;
    const refs = Object.freeze([
      Object.freeze(
        fixed<Pick<OwnerReference, 'controller' | 'kind' | 'name'>>({
          controller: true,
          kind: intern(kind),
          name,
        }),
      ),
    ]) as OwnerReference[];
    return name === undefined ? refs : share(sharedOwners, name, refs);
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

/** Whether a shared spec says exactly what the raw spec's projection would. */
function sameSpec(spec: PodSpec, s: Json): boolean {
  return (
    sameContainers(spec.initContainers, s['initContainers']) &&
    sameContainers(spec.containers, s['containers']) &&
    sameGates(spec.readinessGates, s['readinessGates'], 'conditionType') &&
    sameGates(spec.schedulingGates, s['schedulingGates'], 'name')
  );
}
function sameContainers(have: readonly ContainerSpec[] | null | undefined, v: unknown): boolean {
  let i = 0;
  if (Array.isArray(v)) {
    for (const item of v) {
      const o = obj(item);
      if (!o) continue;
      const c = have?.[i++];
      if (c === undefined) return false;
      if (c.name !== str(o['name']) || c.restartPolicy !== str(o['restartPolicy'])) return false;
    }
  }
  return i === (have?.length ?? 0);
}
function sameGates(
  have: readonly Record<string, unknown>[] | null | undefined,
  v: unknown,
  field: string,
): boolean {
  let i = 0;
  if (Array.isArray(v)) {
    for (const item of v) {
      const o = obj(item);
      if (!o) continue;
      const g = have?.[i++];
      // A missing entry never matches, even a raw gate that lacks the field too.
      if (g === undefined || g[field] !== str(o[field])) return false;
    }
  }
  return i === (have?.length ?? 0);
}

function projectContainerSpecs(v: unknown): ContainerSpec[] | undefined {
  const n = countObjects(v);
  if (n === 0) return undefined;
  const out = new Array<ContainerSpec>(n);
  let i = 0;
  for (const item of v as unknown[]) {
    const o = obj(item);
    if (!o) continue;
    const r: ContainerSpec = {};
    put(r, 'name', intern(str(o['name'])));
    put(r, 'restartPolicy', intern(str(o['restartPolicy'])));
    out[i++] = Object.freeze(r);
  }
  return Object.freeze(out) as ContainerSpec[];
}

function projectGates<T>(v: unknown, field: string, make: (value: string) => T): T[] | undefined {
  const n = countObjects(v);
  if (n === 0) return undefined;
  const out = new Array<T>(n);
  let i = 0;
  for (const item of v as unknown[]) {
    const o = obj(item);
    if (!o) continue;
    const value = intern(str(o[field]));
    out[i++] = Object.freeze(value === undefined ? {} : make(value)) as T;
  }
  return Object.freeze(out) as T[];
}

/** Shared specs per node name: a few candidates each, checked against the raw spec. */
const specsPerNode = 8;

function projectSpec(v: unknown): PodSpec | undefined {
  const s = obj(v);
  if (!s) return undefined;
  const nodeName = str(s['nodeName']) ?? '';
  const candidates = sharedSpecs.get(nodeName);
  if (candidates !== undefined) {
    for (const c of candidates) if (sameSpec(c, s)) return c;
  }
  const r: PodSpec = {};
  put(r, 'nodeName', intern(str(s['nodeName'])));
  put(r, 'initContainers', projectContainerSpecs(s['initContainers']));
  put(r, 'containers', projectContainerSpecs(s['containers']));
  put(
    r,
    'readinessGates',
    projectGates(s['readinessGates'], 'conditionType', (conditionType) => ({ conditionType })),
  );
  put(
    r,
    'schedulingGates',
    projectGates(s['schedulingGates'], 'name', (name) => ({ name })),
  );
  const spec = Object.freeze(r);
  if (candidates === undefined) share(sharedSpecs, nodeName, [spec]);
  else if (candidates.length < specsPerNode) candidates.push(spec);
  else candidates[specCursor++ % specsPerNode] = spec;
  return spec;
}
let specCursor = 0;

function projectWaiting(w: Json): NonNullable<ContainerState['waiting']> {
  const reason = intern(str(w['reason']));
  const message = str(w['message']);
  if (message !== undefined) return fixed<ContainerStateWaiting>({ reason, message });
  return reason === undefined ? emptyWaiting : { reason };
}

function projectTerminated(t: Json): NonNullable<ContainerState['terminated']> {
  // Direct stores (not `put`): a store through a variable key is a slow, megamorphic one.
  const r: NonNullable<ContainerState['terminated']> = {};
  const exitCode = num(t['exitCode']);
  if (exitCode !== undefined) r.exitCode = exitCode;
  const signal = num(t['signal']);
  if (signal !== undefined) r.signal = signal;
  const reason = intern(str(t['reason']));
  if (reason !== undefined) r.reason = reason;
  const message = str(t['message']);
  if (message !== undefined) r.message = message;
  const startedAt = time(t['startedAt']);
  if (startedAt !== undefined) r.startedAt = startedAt;
  const finishedAt = time(t['finishedAt']);
  if (finishedAt !== undefined) r.finishedAt = finishedAt;
  return r;
}

function projectState(v: unknown): ContainerState | undefined {
  const s = obj(v);
  if (!s) return undefined;
  const waiting = obj(s['waiting']);
  const running = obj(s['running']);
  const terminated = obj(s['terminated']);
  // One state is the rule: an exact one-field object for it, a shared empty one for none.
  if (running && !waiting && !terminated) {
    const at = time(running['startedAt']);
    return { running: at === undefined ? emptyRunning : { startedAt: at } };
  }
  if (waiting && !running && !terminated) return { waiting: projectWaiting(waiting) };
  if (terminated && !waiting && !running) return { terminated: projectTerminated(terminated) };
  if (!waiting && !running && !terminated) return emptyState;
  const r: ContainerState = {};
  if (waiting) r.waiting = projectWaiting(waiting);
  if (running) {
    const at = time(running['startedAt']);
    r.running = at === undefined ? emptyRunning : { startedAt: at };
  }
  if (terminated) r.terminated = projectTerminated(terminated);
  return r;
}

function projectContainerStatuses(v: unknown): ContainerStatus[] | undefined {
  const n = countObjects(v);
  if (n === 0) return undefined;
  const out = new Array<ContainerStatus>(n);
  let i = 0;
  for (const item of v as unknown[]) {
    const o = obj(item);
    if (!o) continue;
    out[i++] = fixed({
      name: intern(str(o['name'])),
      state: projectState(o['state']),
      lastState: projectState(o['lastState']),
      ready: bool(o['ready']),
      restartCount: num(o['restartCount']),
      started: bool(o['started']),
    });
  }
  return out;
}

/**
 * The conditions status reads: Ready, Initialized (only consulted while an init container is
 * unfinished, so kept only when there are init container statuses), PodScheduled when it says
 * SchedulingGated, and the readiness gates' types. ContainersReady, PodReadyToStartContainers and
 * the rest are dropped.
 */
function isWanted(
  o: Json | undefined,
  gates: PodSpec['readinessGates'],
  hasInit: boolean,
): o is Json {
  const type = o?.['type'];
  if (type === 'Ready') return true;
  if (type === 'Initialized') return hasInit;
  if (type === 'PodScheduled' && o?.['reason'] === 'SchedulingGated') return true;
  if (gates) for (const g of gates) if (g.conditionType === type) return true;
  return false;
}

/** Whether a shared conditions list says exactly what the raw list's projection would. */
function sameConditions(
  have: readonly PodCondition[],
  v: readonly unknown[],
  gates: PodSpec['readinessGates'],
  hasInit: boolean,
): boolean {
  let i = 0;
  for (const item of v) {
    const o = obj(item);
    if (!isWanted(o, gates, hasInit)) continue;
    const c = have[i++];
    if (c === undefined) return false;
    if (c.type !== str(o['type']) || c.status !== str(o['status']) || c.reason !== str(o['reason']))
      return false;
  }
  return i === have.length;
}

/** Shared condition lists per status of the first kept condition: a few candidates each. */
const conditionsPerKey = 8;
let conditionCursor = 0;

function projectConditions(
  v: unknown,
  gates: PodSpec['readinessGates'],
  hasInit: boolean,
): PodCondition[] | undefined {
  if (!Array.isArray(v)) return undefined;
  let n = 0;
  let first: Json | undefined;
  for (const item of v) {
    const o = obj(item);
    if (!isWanted(o, gates, hasInit)) continue;
    n++;
    first ??= o;
  }
  if (n === 0 || first === undefined) return undefined;
  const key = str(first['status']) ?? '';
  const candidates = sharedConditions.get(key);
  if (candidates !== undefined) {
    for (const c of candidates) if (sameConditions(c, v, gates, hasInit)) return c;
  }
  const out = new Array<PodCondition>(n);
  let i = 0;
  for (const item of v) {
    const o = obj(item);
    if (!isWanted(o, gates, hasInit)) continue;
    // Three slots, not five: message and lastTransitionTime are never read.
    out[i++] = Object.freeze({
      type: intern(str(o['type'])),
      status: intern(str(o['status'])),
      reason: intern(str(o['reason'])),
    }) as PodCondition;
  }
  const list = Object.freeze(out) as PodCondition[];
  if (candidates === undefined) share(sharedConditions, key, [list]);
  else if (candidates.length < conditionsPerKey) candidates.push(list);
  else candidates[conditionCursor++ % conditionsPerKey] = list;
  return list;
}

function projectPodIPs(v: unknown, podIP: string | undefined): PodStatus['podIPs'] {
  const n = countObjects(v);
  if (n === 0) return undefined;
  const items = v as unknown[];
  // podIPs[0] repeats podIP on single-stack clusters; keep the list only when it says more.
  if (n === 1) {
    for (const item of items) {
      const o = obj(item);
      if (o && str(o['ip']) === podIP) return undefined;
    }
  }
  const out = new Array<{ ip?: string }>(n);
  let i = 0;
  for (const item of items) {
    const o = obj(item);
    if (!o) continue;
    const ip = str(o['ip']);
    out[i++] = ip === undefined ? {} : { ip };
  }
  return out;
}

function projectStatus(v: unknown, gates: PodSpec['readinessGates']): PodStatus | undefined {
  const s = obj(v);
  if (!s) return undefined;
  // Direct stores (not `put`): a store through a variable key is a slow, megamorphic one.
  const r: PodStatus = {};
  const phase = intern(str(s['phase']));
  if (phase !== undefined) r.phase = phase;
  const reason = intern(str(s['reason']));
  if (reason !== undefined) r.reason = reason;
  const podIP = str(s['podIP']);
  if (podIP !== undefined) r.podIP = podIP;
  const podIPs = projectPodIPs(s['podIPs'], podIP);
  if (podIPs !== undefined) r.podIPs = podIPs;
  const nominated = intern(str(s['nominatedNodeName']));
  if (nominated !== undefined) r.nominatedNodeName = nominated;
  const initStatuses = s['initContainerStatuses'];
  const conditions = projectConditions(s['conditions'], gates, Array.isArray(initStatuses));
  if (conditions !== undefined) r.conditions = conditions;
  const init = projectContainerStatuses(initStatuses);
  if (init !== undefined) r.initContainerStatuses = init;
  const main = projectContainerStatuses(s['containerStatuses']);
  if (main !== undefined) r.containerStatuses = main;
  return r;
}

/**
 * A record made by `projectPod`: a plain-data `Pod` whose class says its shape, so comparisons
 * (`sameStatusInputs`) can read its fields by name instead of walking its keys. Its fields and
 * every object under them are exactly those `projectPod` builds: metadata with the eight fields
 * of `projectMeta`, container statuses with six, states with `waiting`/`running`/`terminated`.
 * A copy (spread, `structuredClone`, JSON) is a plain object again.
 */
export class SlimPod {
  metadata: ObjectMeta;
  spec: PodSpec | undefined;
  status: PodStatus | undefined;
  constructor(metadata: ObjectMeta, spec: PodSpec | undefined, status: PodStatus | undefined) {
    this.metadata = metadata;
    this.spec = spec;
    this.status = status;
  }
}

/**
 * Projects a Pod as the API sends it (raw JSON, or a client-node model with `Date` fields) into
 * the slim record. Never throws: fields of the wrong type are dropped as if absent. The record
 * may share frozen parts with other records: treat it as immutable.
 */
export function projectPod(raw: unknown): Pod {
  const o = obj(raw) ?? {};
  const metadata = projectMeta(o['metadata']);
  const spec = projectSpec(o['spec']);
  // A valid Pod: fields holding undefined are absent to JSON and to podView.
  return new SlimPod(metadata, spec, projectStatus(o['status'], spec?.readinessGates)) as Pod;
}
