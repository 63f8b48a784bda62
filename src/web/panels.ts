/**
 * The panels around the grid: STATUS counts, the transitions feed, workload summaries and one
 * pod's containers. Each renders from the pure models and rebuilds only what changed.
 */
import { humanDuration, podRow } from '../status/index.ts';
import type { ContainerView, PodView } from '../status/types.ts';
import { clockTime, h, setText } from './dom.ts';
import type { PodStore } from './pod-store.ts';
import { statusClass } from './status-class.ts';
import type { Transition, TransitionFeed } from './transitions.ts';
import {
  orderedCounts,
  orderedWorkloads,
  workloadClass,
  workloadName,
  workloadSummary,
} from './workloads.ts';

const st = (status: string) => `st-${statusClass(status)}`;

/** Status chips (`CrashLoopBackOff 3`): pressing one toggles it in the status filter. */
export function renderCounts(
  el: HTMLElement,
  store: PodStore,
  active: readonly string[],
  onToggle: (status: string) => void,
): void {
  const chips: HTMLElement[] = [h('span', { class: 'total' }, `${store.size} pods`)];
  const shown = new Map(store.counts());
  // A filtered status with no pods still gets a chip, so it can be switched off.
  for (const s of active) if (!shown.has(s)) shown.set(s, 0);
  for (const [status, n] of orderedCounts(shown)) {
    const b = h(
      'button',
      {
        type: 'button',
        class: `chip ${st(status)}`,
        'aria-pressed': String(active.includes(status)),
      },
      h('span', { class: 'dot', 'aria-hidden': 'true' }),
      `${status} `,
      h('b', {}, String(n)),
    );
    b.title = `Show only ${status} (toggle)`;
    b.addEventListener('click', () => {
      onToggle(status);
    });
    chips.push(b);
  }
  el.replaceChildren(...chips);
}

function transitionItem(t: Transition, onPick: (ref: string) => void): HTMLLIElement {
  const ref = `${t.namespace}/${t.name}`;
  const link = h('button', { type: 'button', class: 'link' }, ref);
  link.addEventListener('click', () => {
    onPick(ref);
  });
  const to = t.deleted
    ? h('span', { class: 'st-unknown' }, 'deleted')
    : h('span', { class: st(t.to) }, t.to);
  const from =
    t.from === null
      ? h('span', { class: 'muted' }, 'new')
      : h('span', { class: st(t.from) }, t.from);
  const li = h(
    'li',
    {},
    h(
      'div',
      { class: 'line' },
      h('time', { datetime: new Date(t.time).toISOString() }, clockTime(t.time)),
      link,
    ),
    h(
      'div',
      { class: 'line' },
      from,
      ' → ',
      to,
      h('span', { class: 'muted' }, ` restarts ${t.restarts}`),
    ),
  );
  if (t.detail !== null) li.append(h('div', { class: 'detail' }, t.detail));
  return li;
}

/** The feed list, newest first, at most `limit` items; prepends only what is new. */
export class FeedView {
  readonly #el: HTMLElement;
  readonly #onPick: (ref: string) => void;
  readonly #limit: number;
  #lastSeq = -1;
  #version = -1;
  #generation = -1;

  constructor(el: HTMLElement, onPick: (ref: string) => void, limit = 60) {
    this.#el = el;
    this.#onPick = onPick;
    this.#limit = limit;
  }

  render(feed: TransitionFeed): void {
    if (feed.version === this.#version) return;
    this.#version = feed.version;
    const items = feed.items();
    const first = items[0];
    if (first === undefined || first.seq < this.#lastSeq || feed.generation !== this.#generation) {
      this.#generation = feed.generation;
      this.#el.replaceChildren();
      this.#lastSeq = -1;
    }
    const fresh: HTMLLIElement[] = [];
    for (const t of items) {
      if (t.seq <= this.#lastSeq || fresh.length >= this.#limit) break;
      fresh.push(transitionItem(t, this.#onPick));
    }
    if (first !== undefined) this.#lastSeq = first.seq;
    this.#el.prepend(...fresh);
    while (this.#el.children.length > this.#limit) this.#el.lastElementChild?.remove();
  }
}

/** Workload summaries, worst first; at most `limit` lines. */
export function renderWorkloads(el: HTMLElement, store: PodStore, limit = 200): void {
  const groups = orderedWorkloads(store.groups().values());
  const items = groups
    .slice(0, limit)
    .map((g) =>
      h(
        'li',
        {},
        h('span', { class: 'ns muted' }, `${g.namespace}/`),
        h('span', { class: 'wl' }, workloadName(g)),
        ' ',
        h('span', { class: `sum st-${workloadClass(g)}` }, workloadSummary(g)),
      ),
    );
  if (groups.length > limit)
    items.push(h('li', { class: 'muted' }, `… ${groups.length - limit} more`));
  el.replaceChildren(...items);
}

function containerBlock(c: ContainerView, now: number): HTMLElement {
  const state = c.reason === null ? c.state : `${c.state}: ${c.reason}`;
  const facts: [string, string][] = [
    ['ready', c.ready ? 'yes' : 'no'],
    ['restarts', String(c.restartCount)],
  ];
  if (c.exitCode !== null) facts.push(['exit code', String(c.exitCode)]);
  if (c.signal !== null) facts.push(['signal', String(c.signal)]);
  if (c.startedAt !== null) facts.push(['started', `${humanDuration(now - c.startedAt)} ago`]);
  if (c.lastReason !== null || c.lastExitCode !== null) {
    let last = `${c.lastReason ?? 'terminated'}${c.lastExitCode === null ? '' : ` (exit ${c.lastExitCode})`}`;
    if (c.lastTerminatedAt !== null) last += `, ${humanDuration(now - c.lastTerminatedAt)} ago`;
    facts.push(['last termination', last]);
  }
  if (c.message !== null && c.message !== '') facts.push(['message', c.message]);
  return h(
    'li',
    {},
    h(
      'div',
      { class: 'line' },
      h('b', {}, c.name),
      c.kind === 'regular' ? '' : h('span', { class: 'muted' }, ` (${c.kind})`),
      ' ',
      h(
        'span',
        { class: c.reason === null ? (c.state === 'running' ? 'st-healthy' : '') : st(c.reason) },
        state,
      ),
    ),
    h('dl', {}, ...facts.flatMap(([k, v]) => [h('dt', {}, k), h('dd', {}, v)])),
  );
}

/** One pod's summary and its containers' states. */
export function renderDetails(
  el: HTMLElement,
  view: PodView | undefined,
  ref: string,
  now: number,
): void {
  const title = el.querySelector('h2');
  const body = el.querySelector('.content');
  if (title === null || body === null) return;
  if (view === undefined) {
    setText(title, ref);
    body.replaceChildren(
      h('p', { class: 'muted' }, 'Not in the current view (deleted or filtered out).'),
    );
    return;
  }
  const row = podRow(view, now);
  setText(title, `${view.namespace}/${view.name}`);
  const facts = h(
    'dl',
    {},
    h('dt', {}, 'STATUS'),
    h('dd', { class: st(row.status) }, row.status),
    h('dt', {}, 'READY'),
    h('dd', {}, row.ready),
    h('dt', {}, 'RESTARTS'),
    h('dd', {}, row.restarts),
    h('dt', {}, 'AGE'),
    h('dd', {}, row.age),
    h('dt', {}, 'IP'),
    h('dd', {}, row.ip),
    h('dt', {}, 'NODE'),
    h('dd', {}, row.node),
    h('dt', {}, 'OWNER'),
    h('dd', {}, view.owner === null ? '<none>' : `${view.owner.kind}/${view.owner.name}`),
  );
  const list = h(
    'ul',
    { class: 'containers', 'aria-label': 'Containers' },
    ...view.containers.map((c) => containerBlock(c, now)),
  );
  body.replaceChildren(facts, list);
}
