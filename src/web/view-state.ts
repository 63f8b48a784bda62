/**
 * The page's shareable state and its URL form: pure, DOM-free.
 *
 * The query parameters use the names of the HTTP snapshot endpoint (`namespace`, `labelSelector`,
 * `status`, comma-separated lists), so a dashboard URL and an `/api/v1/pods` URL read alike.
 * Parsing never fails: unknown parameters are ignored, lists are trimmed and de-duplicated; the
 * label selector is kept verbatim (it is validated where it is edited, with the error inline).
 */

export interface ViewState {
  /** Namespaces to subscribe to; empty means all. */
  namespaces: string[];
  /** Label selector in Kubernetes syntax; '' means everything. */
  labelSelector: string;
  /** STATUS strings to keep (exact kubectl strings); empty means all. */
  statuses: string[];
  /** Show the IP and NODE columns. */
  wide: boolean;
  /** The pod whose containers are shown, as `namespace/name`, or null. */
  pod: string | null;
}

export const emptyViewState: Readonly<ViewState> = Object.freeze({
  namespaces: [],
  labelSelector: '',
  statuses: [],
  wide: false,
  pod: null,
});

/** Splits a comma-separated list: trimmed, empties dropped, first occurrence kept. */
export function splitList(text: string): string[] {
  const seen = new Set<string>();
  for (const part of text.split(',')) {
    const item = part.trim();
    if (item !== '') seen.add(item);
  }
  return [...seen];
}

/** Reads a view from a URL query string (`?a=b&…` or `a=b&…`); never throws. */
export function parseViewState(search: string): ViewState {
  const q = new URLSearchParams(search);
  const wide = q.get('wide');
  const pod = q.get('pod');
  return {
    namespaces: splitList(q.getAll('namespace').join(',')),
    labelSelector: (q.get('labelSelector') ?? '').trim(),
    statuses: splitList(q.getAll('status').join(',')),
    wide: wide === '1' || wide === 'true',
    pod: pod !== null && pod.includes('/') ? pod : null,
  };
}

/**
 * The canonical query string of a view: '' for the empty view, else `?` and the non-default
 * parameters in a fixed order, so equal views give equal URLs.
 */
export function formatViewState(state: ViewState): string {
  const q = new URLSearchParams();
  if (state.namespaces.length > 0) q.set('namespace', state.namespaces.join(','));
  if (state.labelSelector !== '') q.set('labelSelector', state.labelSelector);
  if (state.statuses.length > 0) q.set('status', state.statuses.join(','));
  if (state.wide) q.set('wide', '1');
  if (state.pod !== null) q.set('pod', state.pod);
  const text = q.toString();
  return text === '' ? '' : `?${text}`;
}

/** Whether two views subscribe to the same pods (display-only fields are ignored). */
export function sameSubscription(a: ViewState, b: ViewState): boolean {
  return (
    a.labelSelector === b.labelSelector &&
    a.namespaces.join(',') === b.namespaces.join(',') &&
    a.statuses.join(',') === b.statuses.join(',')
  );
}
