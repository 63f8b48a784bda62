/**
 * Subscription filters: namespaces, a label selector and a STATUS set, compiled once per
 * subscription and evaluated per change without allocating. Pure; runs in browsers too.
 */
import type { ChangedFields, ChangeType, PodView } from '../status/types.ts';
import { matchesLabels, parseLabelSelector, type LabelSelector } from './label-selector.ts';
import type { Decoded } from './codec.ts';

/** What a subscription asks for; absent or null fields mean "any". */
export interface FilterSpec {
  namespaces?: readonly string[] | null;
  labelSelector?: string | null;
  status?: readonly string[] | null;
}

/** A compiled filter. Immutable. */
export interface PodFilter {
  readonly namespaces: ReadonlySet<string> | null;
  readonly selector: LabelSelector | null;
  readonly statuses: ReadonlySet<string> | null;
  /** True when the filter matches every pod (dispatch can skip evaluation). */
  readonly all: boolean;
}

/** The filter that matches every pod. */
export const matchAll: PodFilter = Object.freeze({
  namespaces: null,
  selector: null,
  statuses: null,
  all: true,
});

/**
 * Compiles a filter. An invalid label selector is a `PP_ERR_SELECTOR_SYNTAX` error carrying the
 * parser's message (offending token and index); `id` is echoed in it.
 */
export function compileFilter(spec: FilterSpec, id: string | null = null): Decoded<PodFilter> {
  let selector: LabelSelector | null = null;
  const text = spec.labelSelector ?? '';
  if (text.trim() !== '') {
    const parsed = parseLabelSelector(text);
    if (!parsed.ok)
      return { ok: false, error: { code: parsed.error.code, message: parsed.error.message, id } };
    selector = parsed.value.requirements.length === 0 ? null : parsed.value;
  }
  const namespaces =
    spec.namespaces && spec.namespaces.length > 0 ? new Set(spec.namespaces) : null;
  const statuses = spec.status && spec.status.length > 0 ? new Set(spec.status) : null;
  return {
    ok: true,
    value: Object.freeze({
      namespaces,
      selector,
      statuses,
      all: namespaces === null && selector === null && statuses === null,
    }),
  };
}

/** Whether a pod with these fields passes the filter (the fields a filter reads, passed apart so
 * a caller can test a previous state without building a view). */
export function filterAccepts(
  f: PodFilter,
  namespace: string,
  labels: Readonly<Record<string, string>>,
  status: string,
): boolean {
  if (f.all) return true;
  if (f.namespaces !== null && !f.namespaces.has(namespace)) return false;
  if (f.statuses !== null && !f.statuses.has(status)) return false;
  if (f.selector !== null && !matchesLabels(f.selector, labels)) return false;
  return true;
}

/** Whether a view passes the filter. */
export function filterMatches(f: PodFilter, view: PodView): boolean {
  return filterAccepts(f, view.namespace, view.labels, view.status);
}

/**
 * Whether the pod was inside the filter before this change: the filter evaluated on the view with
 * the change's `previous` values put back (the fields a filter reads: labels and status; namespace
 * never changes). For an ADDED there is no before: false.
 */
export function filterAcceptedBefore(
  f: PodFilter,
  type: ChangeType,
  view: PodView,
  previous: ChangedFields,
): boolean {
  if (type === 'ADDED') return false;
  return filterAccepts(
    f,
    view.namespace,
    previous.labels ?? view.labels,
    previous.status ?? view.status,
  );
}

/**
 * The op a change means for a subscription with filter `f`, from whether the pod was inside the
 * filter before the change (`previous` values applied, see `filterAcceptedBefore`) and whether it
 * is inside after:
 *
 * | change   | inside before | inside after | op                 |
 * | -------- | ------------- | ------------ | ------------------ |
 * | ADDED    | (none)        | yes / no     | ADDED / null       |
 * | MODIFIED | yes           | yes / no     | MODIFIED / DELETED |
 * | MODIFIED | no            | yes / no     | ADDED / null       |
 * | DELETED  | yes           | any          | DELETED            |
 * | DELETED  | no            | yes / no     | DELETED / null     |
 *
 * A DELETED is delivered when the pod was inside before its final change: a force-deleted Running
 * pod's last view is Terminating, outside a `status: [Running]` filter, yet the subscriber holds it.
 * null means the change concerns the subscription not at all.
 */
export function opForFilter(
  f: PodFilter,
  type: ChangeType,
  view: PodView,
  previous: ChangedFields,
): ChangeType | null {
  if (f.all) return type;
  const is = filterMatches(f, view);
  switch (type) {
    case 'ADDED':
      return is ? 'ADDED' : null;
    case 'DELETED':
      return is || filterAcceptedBefore(f, type, view, previous) ? 'DELETED' : null;
    case 'MODIFIED': {
      const was = filterAcceptedBefore(f, type, view, previous);
      if (was) return is ? 'MODIFIED' : 'DELETED';
      return is ? 'ADDED' : null;
    }
  }
}
