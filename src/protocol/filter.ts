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
 * The op a change means for a subscription with filter `f`: ADDED when the pod enters the filter
 * (or is created inside it), DELETED when it leaves (or is deleted inside it), MODIFIED when it
 * stays inside, null when it concerns the subscription not at all. The state before a MODIFIED is
 * read from `previous` (the fields a filter reads: labels, status; namespace never changes).
 */
export function opForFilter(
  f: PodFilter,
  type: ChangeType,
  view: PodView,
  previous: ChangedFields,
): ChangeType | null {
  if (f.all) return type;
  switch (type) {
    case 'ADDED':
    case 'DELETED':
      return filterMatches(f, view) ? type : null;
    case 'MODIFIED': {
      const was = filterAccepts(
        f,
        view.namespace,
        previous.labels ?? view.labels,
        previous.status ?? view.status,
      );
      const is = filterMatches(f, view);
      if (was) return is ? 'MODIFIED' : 'DELETED';
      return is ? 'ADDED' : null;
    }
  }
}
