/**
 * Whether an update can change a pod's status: a structural comparison of the slim pods' status
 * inputs, without serialising or hashing them. Inputs are everything `podView` reads except the
 * labels (compared on their own, so a label edit updates the view without a recompute) and the
 * resourceVersion (annotation and managedFields churn bump it without touching status).
 *
 * Any two pods are compared by a walk over their keys rather than a list of fields, so a field
 * added to a record is an input by default: the safe direction (a needless recompute at worst,
 * never a missed one). Two records made by `projectPod` (`SlimPod`, the informer's cache) take a
 * fast path that reads the projection's fields by name and stops at shared parts; a table test
 * holds it to the walk's answer for a change of every leaf of a fully populated record, so a field
 * added to the projection and not to the fast path fails that test.
 */
import { SlimPod } from '../kube/pod-projection.ts';
import type {
  ContainerState,
  ContainerStatus,
  ObjectMeta,
  Pod,
  PodStatus,
} from '../status/types.ts';

type Json = Record<string, unknown>;

/**
 * True when `a` and `b` give the same `podView` apart from labels: equal metadata (but labels
 * and resourceVersion), spec and status. Expects plain JSON data, as `projectPod` produces (no
 * `Date`s); a field holding `undefined` equals an absent one. Allocates nothing; shared
 * sub-objects (same reference) are not descended into.
 */
export function sameStatusInputs(a: Pod, b: Pod): boolean {
  if (a === b) return true;
  if (a instanceof SlimPod && b instanceof SlimPod) return sameSlim(a, b);
  return sameByKeys(a, b);
}

/** The walk over keys, for any two pods. */
export function sameByKeys(a: Pod, b: Pod): boolean {
  return (
    sameFields(a.metadata ?? empty, b.metadata ?? empty, notStatusInput) &&
    sameFields(a, b, isMetadata)
  );
}

// Key filters as module-level functions, so a comparison allocates no closure.
function notStatusInput(key: string): boolean {
  return key === 'labels' || key === 'resourceVersion';
}
function isMetadata(key: string): boolean {
  return key === 'metadata';
}
function none(): boolean {
  return false;
}

const empty: Json = Object.freeze({});

function isRecord(v: unknown): v is Json {
  return typeof v === 'object' && v !== null;
}

/**
 * Same enumerable fields, skipping some keys; `undefined` equals absent. Every field of `a` must
 * equal `b`'s, and both must hold as many defined fields: then `b` has no field `a` lacks (no
 * `in` lookups needed).
 */
function sameFields(a: object, b: object, skip: (key: string) => boolean): boolean {
  if (a === b) return true;
  const x = a as Json;
  const y = b as Json;
  let defined = 0;
  for (const k in x) {
    if (skip(k)) continue;
    const v = x[k];
    if (!same(v, y[k])) return false;
    if (v !== undefined) defined++;
  }
  for (const k in y) if (!skip(k) && y[k] !== undefined) defined--;
  return defined === 0;
}

function same(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (!isRecord(a) || !isRecord(b)) return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!same(a[i], b[i])) return false;
    return true;
  }
  if (Array.isArray(b)) return false;
  return sameFields(a, b, none);
}

// The fast path, for two SlimPods: every field projectPod builds, by name (see SlimPod).

function sameSlim(a: SlimPod, b: SlimPod): boolean {
  return (
    sameMeta(a.metadata, b.metadata) &&
    (a.spec === b.spec || same(a.spec, b.spec)) &&
    sameStatus(a.status, b.status)
  );
}

/** projectMeta's fields but labels and resourceVersion. */
function sameMeta(x: ObjectMeta, y: ObjectMeta): boolean {
  return (
    x.name === y.name &&
    x.namespace === y.namespace &&
    x.uid === y.uid &&
    x.creationTimestamp === y.creationTimestamp &&
    x.deletionTimestamp === y.deletionTimestamp &&
    (x.ownerReferences === y.ownerReferences || same(x.ownerReferences, y.ownerReferences))
  );
}

function sameStatus(x: PodStatus | undefined, y: PodStatus | undefined): boolean {
  if (x === y) return true;
  if (x === undefined || y === undefined) return false;
  return (
    x.phase === y.phase &&
    x.reason === y.reason &&
    x.podIP === y.podIP &&
    x.nominatedNodeName === y.nominatedNodeName &&
    (x.podIPs === y.podIPs || same(x.podIPs, y.podIPs)) &&
    (x.conditions === y.conditions || same(x.conditions, y.conditions)) &&
    sameStatuses(x.initContainerStatuses, y.initContainerStatuses) &&
    sameStatuses(x.containerStatuses, y.containerStatuses)
  );
}

function sameStatuses(
  x: readonly ContainerStatus[] | null | undefined,
  y: readonly ContainerStatus[] | null | undefined,
): boolean {
  if (x === y) return true;
  if (!x || !y || x.length !== y.length) return false;
  for (let i = 0; i < x.length; i++) {
    const c = x[i] as ContainerStatus;
    const d = y[i] as ContainerStatus;
    if (c === d) continue;
    if (
      c.name !== d.name ||
      c.ready !== d.ready ||
      c.restartCount !== d.restartCount ||
      c.started !== d.started ||
      !sameState(c.state, d.state) ||
      !sameState(c.lastState, d.lastState)
    )
      return false;
  }
  return true;
}

function sameState(x: ContainerState | null | undefined, y: ContainerState | null | undefined) {
  if (x === y) return true;
  if (!x || !y) return false;
  const w = x.waiting;
  const v = y.waiting;
  if (w !== v && (!w || !v || w.reason !== v.reason || w.message !== v.message)) return false;
  const r = x.running;
  const s = y.running;
  if (r !== s && (!r || !s || r.startedAt !== s.startedAt)) return false;
  const t = x.terminated;
  const u = y.terminated;
  return (
    t === u ||
    (!!t &&
      !!u &&
      t.exitCode === u.exitCode &&
      t.signal === u.signal &&
      t.reason === u.reason &&
      t.message === u.message &&
      t.startedAt === u.startedAt &&
      t.finishedAt === u.finishedAt)
  );
}
