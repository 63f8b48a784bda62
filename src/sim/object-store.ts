/**
 * The simulator's truth: every object of every resource, one global resourceVersion counter, and
 * a bounded history of change events that watches resume from.
 *
 * Guarantees: each write bumps the counter by exactly one and stamps the object with it; events
 * are delivered to listeners synchronously, in resourceVersion order, after the write is visible.
 * Stored objects are never mutated after they are stored (writers replace them), so readers may
 * hold on to them; readers must not mutate them either. History keeps at most `historyLimit`
 * events; resuming from a version older than the oldest retained one is "expired" (410).
 */
import type { ResourceName } from './resources.ts';

export interface KubeMeta {
  name?: string;
  generateName?: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  generation?: number;
  creationTimestamp?: string;
  deletionTimestamp?: string;
  deletionGracePeriodSeconds?: number;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  ownerReferences?: Record<string, unknown>[];
  finalizers?: string[];
  [key: string]: unknown;
}

/** A Kubernetes object in its JSON shape. */
export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: KubeMeta;
  [key: string]: unknown;
}

export type EventType = 'ADDED' | 'MODIFIED' | 'DELETED';

/** One change. `prev` is the object before the change (null for ADDED). */
export interface StoreEvent {
  readonly type: EventType;
  readonly resource: ResourceName;
  readonly rv: number;
  readonly key: string;
  readonly object: KubeObject;
  readonly prev: KubeObject | null;
  /** `{"type":…,"object":…}\n`, serialised once on first use and shared by every watch. */
  line?: string;
}

export type StoreListener = (ev: StoreEvent) => void;

export function objectKey(namespace: string | undefined, name: string): string {
  return namespace ? `${namespace}/${name}` : name;
}

export class ObjectStore {
  #rv: number;
  readonly #maps = new Map<ResourceName, Map<string, KubeObject>>();
  readonly #sorted = new Map<ResourceName, string[]>();
  #history: StoreEvent[] = [];
  readonly #historyLimit: number;
  #compactedRv: number;
  readonly #listeners = new Set<StoreListener>();

  constructor(opts: { historyLimit?: number; startRv?: number } = {}) {
    this.#historyLimit = Math.max(1, opts.historyLimit ?? 10_000);
    this.#rv = opts.startRv ?? 1;
    this.#compactedRv = this.#rv;
  }

  /** The current (latest) resourceVersion. */
  get resourceVersion(): number {
    return this.#rv;
  }
  /** Watches may resume from any version >= this one. */
  get oldestResumable(): number {
    return this.#compactedRv;
  }

  #map(resource: ResourceName): Map<string, KubeObject> {
    let m = this.#maps.get(resource);
    if (m === undefined) {
      m = new Map();
      this.#maps.set(resource, m);
    }
    return m;
  }

  get(resource: ResourceName, key: string): KubeObject | undefined {
    return this.#maps.get(resource)?.get(key);
  }

  size(resource: ResourceName): number {
    return this.#maps.get(resource)?.size ?? 0;
  }

  /** Every object of a resource, in no particular order. */
  values(resource: ResourceName): IterableIterator<KubeObject> {
    return this.#map(resource).values();
  }

  /** Keys in etcd order (namespace, then name); cached until an object is added or removed. */
  sortedKeys(resource: ResourceName): readonly string[] {
    let keys = this.#sorted.get(resource);
    if (keys === undefined) {
      keys = [...this.#map(resource).keys()].sort();
      this.#sorted.set(resource, keys);
    }
    return keys;
  }

  /** Stores `object` under `key` (created or replaced) and returns the stored, stamped object. */
  put(resource: ResourceName, key: string, object: KubeObject): KubeObject {
    const map = this.#map(resource);
    const prev = map.get(key) ?? null;
    const rv = ++this.#rv;
    const stored: KubeObject = {
      ...object,
      metadata: { ...object.metadata, resourceVersion: String(rv) },
    };
    map.set(key, stored);
    if (prev === null) this.#sorted.delete(resource);
    this.#emit({
      type: prev === null ? 'ADDED' : 'MODIFIED',
      resource,
      rv,
      key,
      object: stored,
      prev,
    });
    return stored;
  }

  /** Removes the object; the DELETED event carries it stamped with the deletion's version. */
  remove(resource: ResourceName, key: string): KubeObject | undefined {
    const map = this.#map(resource);
    const prev = map.get(key);
    if (prev === undefined) return undefined;
    map.delete(key);
    this.#sorted.delete(resource);
    const rv = ++this.#rv;
    const gone: KubeObject = {
      ...prev,
      metadata: { ...prev.metadata, resourceVersion: String(rv) },
    };
    this.#emit({ type: 'DELETED', resource, rv, key, object: gone, prev });
    return gone;
  }

  #emit(ev: StoreEvent): void {
    this.#history.push(ev);
    if (this.#history.length > this.#historyLimit * 2) this.#trim(this.#historyLimit);
    for (const l of this.#listeners) l(ev);
  }

  #trim(keep: number): void {
    const drop = this.#history.length - keep;
    if (drop <= 0) return;
    const last = this.#history[drop - 1];
    if (last !== undefined) this.#compactedRv = last.rv;
    this.#history = this.#history.slice(drop);
  }

  /** Forgets all history: resuming from any version before now is expired. */
  compact(): void {
    this.#history = [];
    this.#compactedRv = this.#rv;
  }

  /**
   * The events after `rv`, oldest first, or 'expired' when some of them are no longer retained.
   * The array is a copy the caller owns.
   */
  eventsSince(rv: number): StoreEvent[] | 'expired' {
    if (this.#history.length > this.#historyLimit) this.#trim(this.#historyLimit);
    if (rv < this.#compactedRv) return 'expired';
    const h = this.#history;
    let lo = 0;
    let hi = h.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((h[mid]?.rv ?? 0) <= rv) lo = mid + 1;
      else hi = mid;
    }
    return h.slice(lo);
  }

  /**
   * The objects of `resource` as they were at version `rv` (a new Map the caller owns), or
   * 'expired' when history no longer reaches back that far.
   */
  snapshotAt(resource: ResourceName, rv: number): Map<string, KubeObject> | 'expired' {
    const since = this.eventsSince(rv);
    if (since === 'expired') return 'expired';
    const snap = new Map(this.#map(resource));
    for (let i = since.length - 1; i >= 0; i--) {
      const ev = since[i];
      if (ev === undefined || ev.resource !== resource) continue;
      if (ev.prev === null) snap.delete(ev.key);
      else snap.set(ev.key, ev.prev);
    }
    return snap;
  }

  /** Listens to every change; returns the unsubscribe function. */
  subscribe(listener: StoreListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }
}
