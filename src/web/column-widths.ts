/**
 * Column widths of the pod grid, from the content: the grid's rows are separate elements
 * (virtualised), so CSS cannot size a column to its widest cell; this does, in characters of the
 * grid's monospace font. Pure, DOM-free.
 *
 * NAME and STATUS get the room first: they are never narrowed below their widest value (up to a
 * cap). When the columns do not fit, NODE, IP and NAMESPACE give up room first, down to a floor
 * (their cells end in an ellipsis and keep the full text as a tooltip); past that the grid
 * scrolls sideways rather than cutting a pod's name.
 */
import type { PodView } from '../status/types.ts';

export const columns = [
  'NAMESPACE',
  'NAME',
  'READY',
  'STATUS',
  'RESTARTS',
  'AGE',
  'IP',
  'NODE',
] as const;
export type Column = (typeof columns)[number];

const NAMESPACE = 0;
const NAME = 1;
const READY = 2;
const STATUS = 3;
const RESTARTS = 4;
const AGE = 5;
const IP = 6;
const NODE = 7;

/** Widest a column grows to, in characters (longer values end in an ellipsis). */
const caps = [32, 80, 7, 40, 16, 6, 39, 48] as const;
/** Narrowest a shrinkable column gets when room is short; other columns never shrink. */
const floors: readonly (readonly [number, number])[] = [
  [NODE, 12],
  [IP, 11],
  [NAMESPACE, 10],
];
/** `" (5m30s ago)"`: the widest suffix kubectl puts after a restart count. */
const agoWidth = 12;
/** Widest AGE: humanDuration's longest form, `7y364d`. */
const ageWidth = 6;
const none = '<none>'.length;

/**
 * The widest value seen in each column since the last reset, in characters. Widths only grow
 * (a column does not jump narrower when its widest pod goes away) until `reset`, which a
 * snapshot does. O(1) per observed view, no allocation.
 */
export class ColumnWidths {
  readonly #max: number[] = columns.map((c) => c.length);
  #version = 0;

  /** Increases whenever a width changes. */
  get version(): number {
    return this.#version;
  }

  /** Widest value per column, in `columns` order (at least the header's length). */
  get lengths(): readonly number[] {
    return this.#max;
  }

  observe(view: PodView): void {
    this.#grow(NAMESPACE, view.namespace.length);
    this.#grow(NAME, view.name.length);
    this.#grow(READY, view.ready.length);
    this.#grow(STATUS, view.status.length);
    this.#grow(
      RESTARTS,
      String(view.restarts).length + (view.lastRestartAt === null ? 0 : agoWidth),
    );
    this.#grow(AGE, ageWidth);
    this.#grow(IP, view.ip === null ? none : view.ip.length);
    this.#grow(NODE, view.node === null ? none : view.node.length);
  }

  reset(): void {
    for (let i = 0; i < columns.length; i++) this.#max[i] = (columns[i] as string).length;
    this.#version++;
  }

  #grow(i: number, n: number): void {
    if (n > (this.#max[i] as number)) {
      this.#max[i] = n;
      this.#version++;
    }
  }
}

export interface ColumnFit {
  /** Width of each column in characters, in `columns` order; 0 for a hidden column. */
  widths: number[];
  /** Width of all shown columns plus gaps and padding, in characters: the grid's minimum. */
  total: number;
}

/**
 * Fits the columns into `available` characters: each shown column as wide as its widest value
 * (capped); when that is too wide, NODE, IP and NAMESPACE shrink (in that order) to their
 * floors, never NAME or STATUS. `gap` is the space between columns and `padding` the row's
 * padding on both sides together, in characters. IP and NODE are shown only when `wide`.
 */
export function fitColumns(
  lengths: readonly number[],
  wide: boolean,
  available: number,
  gap: number,
  padding: number,
): ColumnFit {
  const shown = wide ? columns.length : IP;
  const widths = columns.map((_, i) =>
    i < shown ? Math.min(lengths[i] ?? 0, caps[i] as number) : 0,
  );
  const fixed = (shown - 1) * gap + padding;
  let total = fixed + widths.reduce((a, b) => a + b, 0);
  for (const [i, floor] of floors) {
    if (total <= available) break;
    const w = widths[i] as number;
    if (w === 0 || w <= floor) continue;
    const cut = Math.min(w - floor, total - available);
    widths[i] = w - cut;
    total -= cut;
  }
  return { widths, total };
}
