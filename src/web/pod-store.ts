/**
 * The page's row model: the pods of the current subscription, kept sorted as kubectl lists them
 * (namespace, then name, byte order), with counts by STATUS and by workload maintained
 * incrementally. Pure and DOM-free; the table renders from it once per animation frame.
 *
 * Cost per change: O(1) for MODIFIED (a pod's namespace and name never change), O(log n) search
 * plus one array splice for ADDED and DELETED. A snapshot rebuilds in O(n log n).
 */
import type { Owner, PodChange, PodView } from '../status/types.ts';
import { ColumnWidths } from './column-widths.ts';

/** One workload (controller owner) and its pods' STATUS counts. */
export interface WorkloadGroup {
  /** `namespace/kind/name`, or `namespace//` for pods without a controller. */
  key: string;
  namespace: string;
  owner: Owner | null;
  total: number;
  byStatus: Map<string, number>;
}

function compareViews(a: PodView, b: PodView): number {
  if (a.namespace !== b.namespace) return a.namespace < b.namespace ? -1 : 1;
  if (a.name !== b.name) return a.name < b.name ? -1 : 1;
  return a.uid < b.uid ? -1 : a.uid > b.uid ? 1 : 0;
}

function groupKey(view: PodView): string {
  const o = view.owner;
  return o === null ? `${view.namespace}//` : `${view.namespace}/${o.kind}/${o.name}`;
}

function bump(map: Map<string, number>, key: string, by: number): void {
  const n = (map.get(key) ?? 0) + by;
  if (n === 0) map.delete(key);
  else map.set(key, n);
}

export class PodStore {
  #byUid = new Map<string, PodView>();
  #sorted: PodView[] = [];
  #counts = new Map<string, number>();
  #groups = new Map<string, WorkloadGroup>();
  #version = 0;
  /** The widest value of each grid column: grows with every view applied, reset by `replace`. */
  readonly widths = new ColumnWidths();

  /** Number of pods held. */
  get size(): number {
    return this.#sorted.length;
  }

  /** Increases on every mutation; lets renderers skip frames where nothing changed. */
  get version(): number {
    return this.#version;
  }

  /** Pods sorted by namespace then name. Read-only view; valid until the next mutation. */
  rows(): readonly PodView[] {
    return this.#sorted;
  }

  get(uid: string): PodView | undefined {
    return this.#byUid.get(uid);
  }

  /** Position of a pod in `rows()`, or -1. */
  indexOf(uid: string): number {
    const view = this.#byUid.get(uid);
    if (view === undefined) return -1;
    const i = this.#search(view);
    return this.#sorted[i]?.uid === uid ? i : -1;
  }

  /** Finds a pod by `namespace/name`. */
  findByName(ref: string): PodView | undefined {
    const slash = ref.indexOf('/');
    const probe = { namespace: ref.slice(0, slash), name: ref.slice(slash + 1), uid: '' };
    const hit = this.#sorted[this.#search(probe as PodView)];
    return hit !== undefined && hit.namespace === probe.namespace && hit.name === probe.name
      ? hit
      : undefined;
  }

  /** Pod counts by STATUS string. */
  counts(): ReadonlyMap<string, number> {
    return this.#counts;
  }

  /** Workload groups by key; iterate and sort for display. */
  groups(): ReadonlyMap<string, WorkloadGroup> {
    return this.#groups;
  }

  /** Replaces everything with a snapshot (initial, after a filter change, or after a reset). */
  replace(views: Iterable<PodView>): void {
    this.#byUid.clear();
    this.#counts.clear();
    this.#groups.clear();
    this.widths.reset();
    for (const v of views) {
      this.widths.observe(v);
      const old = this.#byUid.get(v.uid);
      if (old !== undefined) this.#account(old, -1);
      this.#byUid.set(v.uid, v);
      this.#account(v, 1);
    }
    this.#sorted = [...this.#byUid.values()].sort(compareViews);
    this.#version++;
  }

  /** Empties the store. */
  clear(): void {
    this.replace([]);
  }

  /**
   * Applies one change. ADDED for a known uid and MODIFIED for an unknown one are treated as
   * upserts, DELETED for an unknown uid is ignored: the store converges whatever the order of
   * a reset's snapshot and in-flight changes.
   */
  apply(change: PodChange): void {
    const next = change.view;
    const old = this.#byUid.get(next.uid);
    if (change.type === 'DELETED') {
      if (old === undefined) return;
      this.#account(old, -1);
      this.#byUid.delete(old.uid);
      const i = this.#search(old);
      if (this.#sorted[i]?.uid === old.uid) this.#sorted.splice(i, 1);
      this.#version++;
      return;
    }
    this.widths.observe(next);
    if (old !== undefined) {
      this.#account(old, -1);
      this.#byUid.set(next.uid, next);
      this.#account(next, 1);
      const i = this.#search(old);
      if (this.#sorted[i]?.uid === old.uid && compareViews(old, next) === 0) {
        this.#sorted[i] = next;
      } else {
        // Defensive: a view whose sort key changed is re-inserted.
        if (this.#sorted[i]?.uid === old.uid) this.#sorted.splice(i, 1);
        this.#sorted.splice(this.#search(next), 0, next);
      }
    } else {
      this.#byUid.set(next.uid, next);
      this.#account(next, 1);
      this.#sorted.splice(this.#search(next), 0, next);
    }
    this.#version++;
  }

  /** Lower bound of `view` in the sorted array. */
  #search(view: PodView): number {
    const a = this.#sorted;
    let lo = 0;
    let hi = a.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (compareViews(a[mid] as PodView, view) < 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  #account(view: PodView, by: 1 | -1): void {
    bump(this.#counts, view.status, by);
    const key = groupKey(view);
    let g = this.#groups.get(key);
    if (g === undefined) {
      if (by < 0) return;
      g = { key, namespace: view.namespace, owner: view.owner, total: 0, byStatus: new Map() };
      this.#groups.set(key, g);
    }
    g.total += by;
    bump(g.byStatus, view.status, by);
    if (g.total === 0) this.#groups.delete(key);
  }
}
