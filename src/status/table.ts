/**
 * The table `kubectl get` prints: cli-runtime's `printTable` (headers upper-cased, omitted when
 * there are no rows, cells sanitised for the terminal) over kubectl's tabwriter.
 */
import { kubectlTabwriter, tabwrite } from './tabwriter.ts';
import type { PodRow } from './types.ts';

const breakChars = /[\f\n\r]/;

/**
 * cli-runtime `appendCellValue`: a cell is cut at its first newline, carriage return or form feed
 * and "..." appended; ESC is shown as "^[" (terminal escape attacks, kubernetes#101695).
 */
export function cellText(value: string): string {
  const cut = value.search(breakChars);
  const text = cut >= 0 ? value.slice(0, cut) : value;
  // eslint-disable-next-line no-control-regex -- ESC is exactly what is being escaped
  const escaped = text.replace(/\x1b/g, '^[');
  return cut >= 0 ? `${escaped}...` : escaped;
}

/**
 * Renders rows under `headers` as kubectl does: columns left-aligned, three spaces apart, the
 * last column unpadded, every line ending in '\n'. No rows: the empty string (kubectl prints no
 * headers then). Rows shorter or longer than `headers` are padded with empty cells or cut.
 * Matches kubectl 1.32 byte for byte (checked against it, see docs/status.md). Newer cli-runtime
 * also pads each header to its column's longest raw cell in bytes, which differs only for cells
 * holding non-ASCII or control characters.
 */
export function renderTable(
  headers: readonly string[],
  rows: readonly (readonly string[])[],
): string {
  if (rows.length === 0) return '';
  const n = headers.length;
  const lines: string[] = [headers.map((h) => h.toUpperCase()).join('\t')];
  for (const row of rows) {
    const cells: string[] = [];
    for (let i = 0; i < n; i++) cells.push(cellText(row[i] ?? ''));
    lines.push(cells.join('\t'));
  }
  return tabwrite(lines.join('\n') + '\n', kubectlTabwriter);
}

/** Which pod columns to show: `-o wide` adds four, `-A` (or several namespaces) adds NAMESPACE. */
export interface PodTableOptions {
  wide: boolean;
  withNamespace: boolean;
}

const podHeaders = ['Name', 'Ready', 'Status', 'Restarts', 'Age'] as const;
const wideHeaders = ['IP', 'Node', 'Nominated Node', 'Readiness Gates'] as const;

/** The `kubectl get pods [-A] [-o wide]` table of `rows`, in the given order. */
export function podTable(rows: readonly PodRow[], options: PodTableOptions): string {
  const headers: string[] = [];
  if (options.withNamespace) headers.push('Namespace');
  headers.push(...podHeaders);
  if (options.wide) headers.push(...wideHeaders);
  const cells = rows.map((r) => {
    const c: string[] = [];
    if (options.withNamespace) c.push(r.namespace);
    c.push(r.name, r.ready, r.status, r.restarts, r.age);
    if (options.wide) c.push(r.ip, r.node, r.nominatedNode, r.readinessGates);
    return c;
  });
  return renderTable(headers, cells);
}
