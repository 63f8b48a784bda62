/**
 * The virtualised pod grid: only the rows in view (plus overscan) exist in the DOM, taken from a
 * pool and re-bound as the list scrolls, so 20k pods cost what 40 do. Rows have a fixed height.
 * Keyboard: the grid is one tab stop; arrows, Page Up/Down, Home/End move the active row
 * (`aria-activedescendant`), Enter or Space opens it.
 */
import { podRow } from '../status/index.ts';
import type { PodView } from '../status/types.ts';
import { h, setText } from './dom.ts';
import type { PodStore } from './pod-store.ts';
import { columns, fitColumns } from './column-widths.ts';
import { statusClass } from './status-class.ts';
import { scrollToRow, visibleRange } from './virtual-range.ts';

export const rowHeight = 28;
const overscan = 8;
const flashMs = 1600;
/** Space between columns and the row's padding on both sides, in ch (as in styles.css). */
const gapCh = 2;
const paddingCh = 3;

interface RowSlot {
  el: HTMLDivElement;
  cells: HTMLSpanElement[];
  uid: string;
  index: number;
  flashAt: number;
  flashParity: boolean;
}

/** Sets a cell's text and tooltip (the full text, for a cell narrowed to an ellipsis). */
function setTitled(cell: HTMLSpanElement, text: string): void {
  if (cell.textContent !== text) {
    cell.textContent = text;
    cell.title = text;
  }
}

export class PodTable {
  readonly #grid: HTMLElement;
  readonly #body: HTMLDivElement;
  readonly #store: PodStore;
  readonly #onOpen: (view: PodView) => void;
  readonly #invalidate: () => void;
  readonly #pool: RowSlot[] = [];
  readonly #probe: HTMLSpanElement;
  #active = -1;
  #selectedUid: string | null = null;
  #height = -1;
  #wide = false;
  #fitKey = '';

  /**
   * `grid` is an empty element; the table fills it. `onOpen` runs on click, Enter or Space;
   * `invalidate` asks for a render (scrolling, keyboard moves).
   */
  constructor(
    grid: HTMLElement,
    store: PodStore,
    onOpen: (view: PodView) => void,
    invalidate: () => void,
  ) {
    this.#grid = grid;
    this.#store = store;
    this.#onOpen = onOpen;
    this.#invalidate = invalidate;
    grid.setAttribute('role', 'grid');
    grid.setAttribute('aria-readonly', 'true');
    grid.tabIndex = 0;
    const header = h('div', { class: 'row head', role: 'row', 'aria-rowindex': '1' });
    for (const c of columns) {
      header.append(h('span', { role: 'columnheader', class: `c-${c.toLowerCase()}` }, c));
    }
    this.#body = h('div', { class: 'body', role: 'rowgroup' });
    // Measures one character of the grid's font, to turn the grid's width into columns of text.
    this.#probe = h('span', { class: 'probe', 'aria-hidden': 'true' }, '0000000000');
    grid.append(header, this.#body, this.#probe);
    this.#body.addEventListener('click', (e) => {
      const row = (e.target as HTMLElement).closest<HTMLElement>('[data-index]');
      if (row === null) return;
      this.#active = Number(row.dataset['index']);
      this.#openActive();
      this.#invalidate();
    });
    grid.addEventListener('keydown', (e) => {
      this.#onKey(e);
    });
    grid.addEventListener('scroll', invalidate, { passive: true });
    grid.addEventListener('focus', () => {
      // Focus lands on a row, so screen readers announce something useful at once.
      if (this.#active < 0 && this.#store.size > 0) {
        this.#active = Math.min(this.#store.size - 1, Math.floor(this.#grid.scrollTop / rowHeight));
        this.#invalidate();
      }
    });
  }

  /** The uid whose row is marked selected (its details are open), or null. */
  set selectedUid(uid: string | null) {
    this.#selectedUid = uid;
  }

  set wide(on: boolean) {
    this.#wide = on;
    this.#grid.classList.toggle('wide', on);
  }

  /**
   * Renders the rows in view at `now`. `flashes` maps uid → when its STATUS last changed; rows
   * changed within the last 1.6 s flash (the animation continues across re-binds).
   */
  render(now: number, flashes: ReadonlyMap<string, number>): void {
    const rows = this.#store.rows();
    const n = rows.length;
    this.#grid.setAttribute('aria-rowcount', String(n + 1));
    if (this.#height !== n) {
      this.#height = n;
      this.#body.style.height = `${n * rowHeight}px`;
    }
    this.#fit();
    if (this.#active >= n) this.#active = n - 1;
    // Focused before the rows arrived (or after they were replaced): land on the first in view.
    if (this.#active < 0 && n > 0 && document.activeElement === this.#grid) {
      this.#active = Math.min(n - 1, Math.floor(this.#grid.scrollTop / rowHeight));
    }
    const viewport = this.#grid.clientHeight - rowHeight;
    const { first, end } = visibleRange(this.#grid.scrollTop, viewport, rowHeight, n, overscan);
    let slot = 0;
    for (let i = first; i < end; i++, slot++) {
      const view = rows[i];
      if (view === undefined) break;
      this.#bind(this.#slot(slot), i, view, now, flashes.get(view.uid));
    }
    for (; slot < this.#pool.length; slot++) {
      const s = this.#pool[slot];
      if (s !== undefined && s.index !== -1) {
        s.el.hidden = true;
        s.index = -1;
        s.uid = '';
        s.el.removeAttribute('id');
      }
    }
    if (this.#active >= first && this.#active < end) {
      this.#grid.setAttribute('aria-activedescendant', 'pod-row-active');
    } else {
      this.#grid.removeAttribute('aria-activedescendant');
    }
  }

  /**
   * Sizes the columns to their widest values (see `fitColumns`) when those, the grid's width or
   * wide mode changed: one string compare per frame otherwise.
   */
  #fit(): void {
    const width = this.#grid.clientWidth;
    const widths = this.#store.widths;
    const key = `${widths.version} ${width} ${this.#wide}`;
    if (key === this.#fitKey || width === 0) return;
    this.#fitKey = key;
    const chPx = this.#probe.getBoundingClientRect().width / 10 || 7.5;
    const fit = fitColumns(widths.lengths, this.#wide, width / chPx, gapCh, paddingCh);
    const cols = fit.widths.filter((w) => w > 0).map((w) => `${w}ch`);
    this.#grid.style.setProperty('--cols', cols.join(' '));
    this.#grid.style.setProperty('--minw', `${fit.total}ch`);
  }

  #slot(i: number): RowSlot {
    let s = this.#pool[i];
    if (s === undefined) {
      const cells = columns.map((c) =>
        h('span', { role: 'gridcell', class: `c-${c.toLowerCase()}` }),
      );
      const el = h('div', { class: 'row', role: 'row' }, ...cells);
      s = { el, cells, uid: '', index: -1, flashAt: 0, flashParity: false };
      this.#pool.push(s);
      this.#body.append(el);
    }
    return s;
  }

  #bind(s: RowSlot, index: number, view: PodView, now: number, flashAt: number | undefined): void {
    const el = s.el;
    if (s.index !== index) {
      s.index = index;
      el.hidden = false;
      el.style.transform = `translateY(${index * rowHeight}px)`;
      el.dataset['index'] = String(index);
      el.setAttribute('aria-rowindex', String(index + 2));
    }
    if (s.uid !== view.uid) {
      s.uid = view.uid;
      s.flashAt = 0;
      el.classList.remove('flash-a', 'flash-b');
    }
    if (index === this.#active) el.id = 'pod-row-active';
    else if (el.id !== '') el.removeAttribute('id');
    el.classList.toggle('active', index === this.#active);
    el.setAttribute('aria-selected', String(view.uid === this.#selectedUid));

    const row = podRow(view, now);
    const c = s.cells;
    setTitled(c[0] as HTMLSpanElement, row.namespace);
    setTitled(c[1] as HTMLSpanElement, row.name);
    setText(c[2] as HTMLSpanElement, row.ready);
    const status = c[3] as HTMLSpanElement;
    setText(status, row.status);
    const cls = `c-status st-${statusClass(row.status)}`;
    if (status.className !== cls) status.className = cls;
    setText(c[4] as HTMLSpanElement, row.restarts);
    setText(c[5] as HTMLSpanElement, row.age);
    setTitled(c[6] as HTMLSpanElement, row.ip);
    setTitled(c[7] as HTMLSpanElement, row.node);

    // A new transition restarts the flash by switching between two identical animations
    // (changing animation-name restarts it without a forced reflow); a negative delay keeps a
    // re-bound row in step with how long ago the transition happened.
    if (flashAt !== undefined && now - flashAt < flashMs) {
      if (s.flashAt !== flashAt) {
        s.flashAt = flashAt;
        s.flashParity = !s.flashParity;
        el.style.animationDelay = `${Math.min(0, flashAt - now)}ms`;
        el.classList.remove(s.flashParity ? 'flash-b' : 'flash-a');
        el.classList.add(s.flashParity ? 'flash-a' : 'flash-b');
      }
    } else if (s.flashAt !== 0) {
      s.flashAt = 0;
      el.classList.remove('flash-a', 'flash-b');
    }
  }

  #onKey(e: KeyboardEvent): void {
    const n = this.#store.size;
    if (n === 0) return;
    const page = Math.max(1, Math.floor((this.#grid.clientHeight - rowHeight) / rowHeight) - 1);
    let next: number;
    switch (e.key) {
      case 'ArrowDown':
        next = this.#active + 1;
        break;
      case 'ArrowUp':
        next = this.#active - 1;
        break;
      case 'PageDown':
        next = this.#active + page;
        break;
      case 'PageUp':
        next = this.#active - page;
        break;
      case 'Home':
        next = 0;
        break;
      case 'End':
        next = n - 1;
        break;
      case 'Enter':
      case ' ':
        e.preventDefault();
        this.#openActive();
        return;
      default:
        return;
    }
    e.preventDefault();
    this.#active = Math.max(0, Math.min(n - 1, next));
    const viewport = this.#grid.clientHeight - rowHeight;
    this.#grid.scrollTop = scrollToRow(this.#active, this.#grid.scrollTop, viewport, rowHeight);
    this.#invalidate();
  }

  #openActive(): void {
    const view = this.#store.rows()[this.#active];
    if (view !== undefined) this.#onOpen(view);
  }
}
