/**
 * Whether an update can change a pod's status: a structural comparison of the slim pods' status
 * inputs, without serialising or hashing them. Inputs are everything `podView` reads except the
 * labels (compared on their own, so a label edit updates the view without a recompute) and the
 * resourceVersion (annotation and managedFields churn bump it without touching status).
 *
 * The comparison is generic over the record's keys rather than a list of fields, so a field added
 * to the projection is an input by default: the safe direction (a needless recompute at worst,
 * never a missed one).
 */
import type { Pod } from '../status/types.ts';

type Json = Record<string, unknown>;

/**
 * True when `a` and `b` give the same `podView` apart from labels: equal metadata (but labels
 * and resourceVersion), spec and status. Expects plain JSON data, as `projectPod` produces (no
 * `Date`s); a field holding `undefined` equals an absent one. Allocates nothing; shared
 * sub-objects (same reference) are not descended into.
 */
export function sameStatusInputs(a: Pod, b: Pod): boolean {
  if (a === b) return true;
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
