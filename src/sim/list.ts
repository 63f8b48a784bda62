/**
 * LIST semantics: selectors, `limit`/`continue` chunking over a consistent snapshot, and the
 * `resourceVersion`/`resourceVersionMatch` rules of the Kubernetes "API concepts" page.
 *
 * Continue tokens name the snapshot's resourceVersion and the last key returned; a token older
 * than `continueTtlMs`, or whose snapshot has left the retained history, is 410 Expired.
 */
import { matchesLabels, type LabelSelector } from '../protocol/label-selector.ts';
import { badRequest, expired, StatusError } from './api-status.ts';
import { matchesFields, type FieldRequirement } from './field-selector.ts';
import type { KubeObject, ObjectStore } from './object-store.ts';
import type { ResourceName } from './resources.ts';

export interface ListQuery {
  namespace: string | undefined;
  labels: LabelSelector;
  fields: readonly FieldRequirement[];
  limit: number;
  continueToken: string | undefined;
  resourceVersion: string | undefined;
  resourceVersionMatch: string | undefined;
}

export interface ListResult {
  items: KubeObject[];
  resourceVersion: string;
  continueToken: string | undefined;
  remainingItemCount: number | undefined;
}

interface Token {
  rv: number;
  start: string;
  at: number;
}

const expiredContinue =
  'The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter, or use the continue token in this response to retrieve the remainder of the results. Continuing with the provided token results in an inconsistent list - objects that were created, modified, or deleted between the time the first chunk was returned and now may show up in the list.';

function encodeToken(t: Token): string {
  return Buffer.from(JSON.stringify({ v: 'sim.podpulse.dev/v1', ...t })).toString('base64url');
}

function decodeToken(s: string): Token {
  try {
    const t = JSON.parse(Buffer.from(s, 'base64url').toString('utf8')) as Partial<Token> & {
      v?: string;
    };
    if (
      t.v === 'sim.podpulse.dev/v1' &&
      typeof t.rv === 'number' &&
      typeof t.start === 'string' &&
      typeof t.at === 'number'
    ) {
      return { rv: t.rv, start: t.start, at: t.at };
    }
  } catch {
    // fall through to the error below
  }
  throw badRequest(`continue key is not valid: invalid continue token '${s}'`);
}

/** Snapshots reused across the pages of one chunked list (a 100k-pod relist reads one). */
export class SnapshotCache {
  readonly #entries = new Map<string, { keys: string[]; objects: Map<string, KubeObject> }>();
  get(
    store: ObjectStore,
    resource: ResourceName,
    rv: number,
  ): { keys: readonly string[]; get(key: string): KubeObject | undefined } {
    if (rv === store.resourceVersion) {
      return { keys: store.sortedKeys(resource), get: (k) => store.get(resource, k) };
    }
    const id = `${resource}@${rv}`;
    let e = this.#entries.get(id);
    if (e === undefined) {
      const snap = store.snapshotAt(resource, rv);
      if (snap === 'expired') throw expired(expiredContinue);
      e = { keys: [...snap.keys()].sort(), objects: snap };
      this.#entries.set(id, e);
      if (this.#entries.size > 4) {
        const oldest = this.#entries.keys().next().value;
        if (oldest !== undefined) this.#entries.delete(oldest);
      }
    }
    const objects = e.objects;
    return { keys: e.keys, get: (k) => objects.get(k) };
  }
}

function lowerBound(keys: readonly string[], target: string): number {
  let lo = 0;
  let hi = keys.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((keys[mid] ?? '') < target) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The resourceVersion a list (without continue) is served at; throws the API's errors. */
function listVersion(store: ObjectStore, q: ListQuery): number {
  const current = store.resourceVersion;
  const rv = q.resourceVersion;
  const match = q.resourceVersionMatch;
  if (match !== undefined && match !== '') {
    if (rv === undefined || rv === '') {
      throw new StatusError(
        422,
        'Invalid',
        'resourceVersionMatch: Forbidden: resourceVersionMatch is forbidden unless resourceVersion is provided',
      );
    }
    if (match !== 'Exact' && match !== 'NotOlderThan') {
      throw new StatusError(
        422,
        'Invalid',
        `resourceVersionMatch: Unsupported value: "${match}": supported values: "Exact", "NotOlderThan"`,
      );
    }
    if (match === 'Exact' && rv === '0') {
      throw new StatusError(
        422,
        'Invalid',
        'resourceVersionMatch: Forbidden: resourceVersionMatch "exact" is forbidden for resourceVersion "0"',
      );
    }
  }
  if (rv === undefined || rv === '' || rv === '0') return current;
  if (!/^\d+$/.test(rv)) throw badRequest(`invalid resource version: ${rv}`);
  const n = Number(rv);
  if (n > current) {
    throw new StatusError(
      504,
      'Timeout',
      `Timeout: Too large resource version: ${n}, current: ${current}`,
      { retryAfterSeconds: 1 },
    );
  }
  if (match === 'Exact') {
    if (n < store.oldestResumable)
      throw expired(`too old resource version: ${n} (${store.oldestResumable})`);
    return n;
  }
  return current;
}

export function listObjects(
  store: ObjectStore,
  snapshots: SnapshotCache,
  resource: ResourceName,
  q: ListQuery,
  now: number,
  continueTtlMs: number,
): ListResult {
  let rv: number;
  let startAfter: string | undefined;
  if (q.continueToken !== undefined && q.continueToken !== '') {
    if (q.resourceVersion !== undefined && q.resourceVersion !== '') {
      throw badRequest('specifying resource version is not allowed when using continue');
    }
    const t = decodeToken(q.continueToken);
    if (now - t.at > continueTtlMs) throw expired(expiredContinue);
    rv = t.rv;
    startAfter = t.start;
  } else {
    rv = listVersion(store, q);
  }
  const snap = snapshots.get(store, resource, rv);
  const keys = snap.keys;
  const prefix = q.namespace === undefined ? '' : `${q.namespace}/`;
  let i = lowerBound(keys, prefix);
  if (startAfter !== undefined) i = Math.max(i, lowerBound(keys, startAfter + '\u0000'));
  const filtered = q.labels.requirements.length > 0 || q.fields.length > 0;
  const limit = q.limit > 0 ? q.limit : Infinity;
  const items: KubeObject[] = [];
  let lastKey: string | undefined;
  for (; i < keys.length; i++) {
    const k = keys[i];
    if (k === undefined || !k.startsWith(prefix) || items.length >= limit) break;
    const obj = snap.get(k);
    if (obj === undefined) continue;
    lastKey = k;
    if (filtered && !(matchesLabels(q.labels, obj.metadata.labels) && matchesFields(q.fields, obj)))
      continue;
    items.push(obj);
  }
  // '/' + 1 is '0': every key of the namespace sorts before `${namespace}0`.
  const end = q.namespace === undefined ? keys.length : lowerBound(keys, `${q.namespace}0`);
  const more = i < end;
  const remaining = end - i;
  const continueToken =
    more && lastKey !== undefined ? encodeToken({ rv, start: lastKey, at: now }) : undefined;
  return {
    items,
    resourceVersion: String(rv),
    continueToken,
    remainingItemCount: continueToken !== undefined && !filtered ? remaining : undefined,
  };
}
