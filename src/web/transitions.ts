/**
 * The transitions feed: which changes are worth a line, and what the line says. Pure, DOM-free.
 */
import { filterAccepts, type PodFilter } from '../protocol/filter.ts';
import type { ContainerView, PodChange, PodView } from '../status/types.ts';

export interface Transition {
  /** The change's seq: unique and increasing within a server's life. */
  seq: number;
  time: number;
  uid: string;
  namespace: string;
  name: string;
  /** STATUS before, null when the pod was just added. */
  from: string | null;
  /** STATUS after; for a deletion, the last known STATUS. */
  to: string;
  deleted: boolean;
  restarts: number;
  /** The pod's labels after the change (shared with the view, never mutated). */
  labels: Readonly<Record<string, string>>;
  /** Its labels before the change: the same object unless the change altered them. */
  labelsBefore: Readonly<Record<string, string>>;
  /** The container that explains the status, e.g. `app: CrashLoopBackOff (exit 1): back-off 20s…`. */
  detail: string | null;
}

/**
 * The container that best explains a pod's STATUS: the first not-ready container that is waiting
 * or terminated with a reason, else the first with any reason, else null. Init and sidecar
 * containers come first in `containers`, as in the pod spec.
 */
export function explainingContainer(view: PodView): ContainerView | null {
  let anyReason: ContainerView | null = null;
  for (const c of view.containers) {
    if (c.reason === null && c.lastReason === null) continue;
    if (!c.ready && c.state !== 'running') return c;
    anyReason ??= c;
  }
  return anyReason;
}

/** One line about a container: state reason, exit code (current or last), message. */
export function containerDetail(c: ContainerView): string {
  let text = `${c.name}: ${c.reason ?? c.state}`;
  const exit = c.exitCode ?? c.lastExitCode;
  if (exit !== null) text += ` (exit ${exit}${c.exitCode === null ? ', last' : ''})`;
  if (c.message !== null && c.message !== '') text += `: ${c.message}`;
  return text;
}

/**
 * A feed entry for a change, or null when the change is not a transition: a pod was added,
 * deleted, or its STATUS changed. READY, IP or restart-time-only updates are not listed.
 * Change types are relative to the subscription's filter: a pod leaving a STATUS filter arrives
 * as DELETED with its new STATUS and the old one in `previous`; that is a transition, not a
 * deletion (and one entering it arrives as ADDED with the old STATUS in `previous`).
 */
export function transitionOf(change: PodChange): Transition | null {
  const v = change.view;
  const prevStatus = change.previous.status;
  const statusChanged = prevStatus !== undefined && prevStatus !== v.status;
  if (change.type === 'MODIFIED' && !statusChanged) return null;
  const c = explainingContainer(v);
  return {
    seq: change.seq,
    time: change.time,
    uid: v.uid,
    namespace: v.namespace,
    name: v.name,
    from: statusChanged ? prevStatus : change.type === 'ADDED' ? null : v.status,
    to: v.status,
    deleted: change.type === 'DELETED' && !statusChanged,
    restarts: v.restarts,
    labels: v.labels,
    labelsBefore: change.previous.labels ?? v.labels,
    detail: c === null ? null : containerDetail(c),
  };
}

/**
 * Whether a transition belongs in a view with filter `f`: the pod was inside the filter before
 * the change or is inside after it, as the server decides which changes a subscription gets
 * (`opForFilter`). So a feed kept across a filter change shows what the new subscription would
 * have been sent, of what the page saw.
 */
export function transitionInView(t: Transition, f: PodFilter): boolean {
  if (f.all) return true;
  if (filterAccepts(f, t.namespace, t.labels, t.to)) return true;
  return t.from !== null && filterAccepts(f, t.namespace, t.labelsBefore, t.from);
}

/** A sentence for screen readers (the aria-live region). */
export function transitionSentence(t: Transition): string {
  const who = `${t.namespace}/${t.name}`;
  if (t.deleted) return `${who} deleted (was ${t.to})`;
  if (t.from === null) return `${who} added: ${t.to}`;
  return `${who} ${t.from} to ${t.to}, ${t.restarts} restarts`;
}

/**
 * A bounded newest-first list of transitions, shown through a filter: every transition the page
 * saw is kept (the newest `limit`), and `items()` holds those the current filter accepts. A filter
 * change re-selects from everything seen, so narrowing and then widening the view brings earlier
 * entries back. O(1) per push (plus the filter's test), O(limit) per filter change.
 */
export class TransitionFeed {
  readonly #limit: number;
  #all: Transition[] = [];
  #items: Transition[] = [];
  #keep: ((t: Transition) => boolean) | null = null;
  #version = 0;
  #generation = 0;

  constructor(limit = 200) {
    this.#limit = limit;
  }

  /** Increases on every change of `items()`. */
  get version(): number {
    return this.#version;
  }

  /** Increases when `items()` is re-selected or emptied (`show`, `clear`) rather than prepended
   * to: a view of it must then be rebuilt. */
  get generation(): number {
    return this.#generation;
  }

  /** The entries the filter accepts, newest first; at most `limit`. */
  items(): readonly Transition[] {
    return this.#items;
  }

  push(t: Transition): void {
    this.#all.unshift(t);
    if (this.#all.length > this.#limit) this.#all.length = this.#limit;
    if (this.#keep !== null && !this.#keep(t)) return;
    this.#items.unshift(t);
    if (this.#items.length > this.#limit) this.#items.length = this.#limit;
    this.#version++;
  }

  /** Shows the entries `keep` accepts (null: all), from everything kept, in order. */
  show(keep: ((t: Transition) => boolean) | null): void {
    this.#keep = keep;
    this.#items = keep === null ? [...this.#all] : this.#all.filter(keep);
    this.#version++;
    this.#generation++;
  }

  /** Forgets every entry (the filter stays). */
  clear(): void {
    this.#all = [];
    this.#items = [];
    this.#version++;
    this.#generation++;
  }
}
