/**
 * Subscriptions of every connection, indexed by namespace so that dispatching a change touches
 * only the subscriptions that could want it: those naming the change's namespace, and those with
 * no namespace filter.
 */
import type { PodFilter } from '../protocol/filter.ts';

/** What the index reads of a subscription: its (immutable) filter. */
export interface Indexed {
  readonly filter: PodFilter;
}

/**
 * Membership is by identity; `add` of a member and `remove` of a non-member are no-ops. Iteration
 * order within a bucket is insertion order. Not safe to add while iterating a bucket (removal is).
 */
export class SubscriptionIndex<S extends Indexed> {
  readonly #byNamespace = new Map<string, Set<S>>();
  /** Subscriptions without a namespace filter: candidates for every change. */
  readonly anyNamespace = new Set<S>();
  #size = 0;

  get size(): number {
    return this.#size;
  }

  add(sub: S): void {
    const namespaces = sub.filter.namespaces;
    if (namespaces === null) {
      if (this.anyNamespace.has(sub)) return;
      this.anyNamespace.add(sub);
      this.#size++;
      return;
    }
    let added = false;
    for (const ns of namespaces) {
      let bucket = this.#byNamespace.get(ns);
      if (bucket === undefined) {
        bucket = new Set();
        this.#byNamespace.set(ns, bucket);
      }
      if (!bucket.has(sub)) {
        bucket.add(sub);
        added = true;
      }
    }
    if (added) this.#size++;
  }

  remove(sub: S): void {
    const namespaces = sub.filter.namespaces;
    if (namespaces === null) {
      if (this.anyNamespace.delete(sub)) this.#size--;
      return;
    }
    let removed = false;
    for (const ns of namespaces) {
      const bucket = this.#byNamespace.get(ns);
      if (bucket === undefined || !bucket.delete(sub)) continue;
      removed = true;
      if (bucket.size === 0) this.#byNamespace.delete(ns);
    }
    if (removed) this.#size--;
  }

  /** The subscriptions naming `namespace` (not those without a namespace filter), or undefined. */
  inNamespace(namespace: string): ReadonlySet<S> | undefined {
    return this.#byNamespace.get(namespace);
  }
}
