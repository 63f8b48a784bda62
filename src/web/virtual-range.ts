/** Which rows of a virtualised list to render: pure. */

export interface RowRange {
  /** First index to render (inclusive). */
  first: number;
  /** One past the last index to render. */
  end: number;
}

/**
 * The rows intersecting the viewport plus `overscan` rows on each side, clamped to
 * `[0, count)`. Rows have a fixed height; `scrollTop` is measured from the first row.
 */
export function visibleRange(
  scrollTop: number,
  viewportHeight: number,
  rowHeight: number,
  count: number,
  overscan: number,
): RowRange {
  if (count <= 0 || rowHeight <= 0) return { first: 0, end: 0 };
  const top = Math.max(0, scrollTop);
  const first = Math.max(0, Math.floor(top / rowHeight) - overscan);
  const end = Math.min(
    count,
    Math.ceil((top + Math.max(0, viewportHeight)) / rowHeight) + overscan,
  );
  return { first: Math.min(first, end), end };
}

/**
 * The scrollTop that brings row `index` fully into view with the least movement, or the current
 * one when it already is.
 */
export function scrollToRow(
  index: number,
  scrollTop: number,
  viewportHeight: number,
  rowHeight: number,
): number {
  const top = index * rowHeight;
  if (top < scrollTop) return top;
  const bottom = top + rowHeight;
  if (bottom > scrollTop + viewportHeight) return Math.max(0, bottom - viewportHeight);
  return scrollTop;
}
