/**
 * The dashboard: owns the models (pods, transitions, view state) and renders them once per
 * animation frame. Incoming changes are queued and applied in the frame, so a burst of 1,000
 * changes costs one layout, and nothing renders while the tab is hidden.
 *
 * Transport-free: `main.ts` feeds it snapshots, changes and connection states from the client
 * library, and resubscribes when `onSubscriptionChange` fires.
 */
import { compileFilter, parseLabelSelector } from '../protocol/index.ts';
import type { PodChange, PodView } from '../status/types.ts';
import type { ConnectionState } from './connection.ts';
import { byId, inputById, setText } from './dom.ts';
import { FeedView, renderCounts, renderDetails, renderWorkloads } from './panels.ts';
import { PodStore } from './pod-store.ts';
import { PodTable } from './pod-table.ts';
import {
  TransitionFeed,
  transitionInView,
  transitionOf,
  transitionSentence,
} from './transitions.ts';
import {
  formatViewState,
  parseViewState,
  sameSubscription,
  splitList,
  type ViewState,
} from './view-state.ts';

const connectionText: Record<ConnectionState, string> = {
  connecting: 'connecting…',
  live: 'live',
  reconnecting: 'reconnecting…',
  stale: 'stale source',
};

const flashMs = 1600;
const slowPanelMs = 400;
const announceMs = 2000;

export class App {
  readonly store = new PodStore();
  readonly feed = new TransitionFeed(200);
  readonly #table: PodTable;
  readonly #feedView: FeedView;
  readonly #onSubscriptionChange: (state: ViewState) => void;
  readonly #now: () => number;
  #state: ViewState;
  #pending: PodChange[] = [];
  #flashes = new Map<string, number>();
  #frame = 0;
  #rendered: (() => void)[] = [];
  #renderedVersion = -1;
  #countsAt = 0;
  #workloadsAt = 0;
  #workloadsVersion = -1;
  #countsVersion = -1;
  #announceAt = 0;
  #detailsAt = 0;
  #lastFrameMs = 0;
  #unannounced = 0;
  #lastSentence = '';
  #connection: ConnectionState = 'connecting';

  constructor(onSubscriptionChange: (state: ViewState) => void, now: () => number = Date.now) {
    this.#onSubscriptionChange = onSubscriptionChange;
    this.#now = now;
    this.#state = parseViewState(location.search);
    this.#table = new PodTable(
      byId('grid'),
      this.store,
      (view) => {
        this.#openPod(`${view.namespace}/${view.name}`);
      },
      () => {
        this.invalidate();
      },
    );
    this.#feedView = new FeedView(byId('feed'), (ref) => {
      this.#openPod(ref);
    });
    this.#bindForm();
    byId('details-close').addEventListener('click', () => {
      this.#openPod(null);
      byId('grid').focus();
    });
    addEventListener('keydown', (e) => {
      if (e.key === 'Escape' && this.#state.pod !== null) {
        this.#openPod(null);
        byId('grid').focus();
      }
    });
    addEventListener('popstate', () => {
      this.#setState(parseViewState(location.search), false);
      this.#fillForm();
    });
    setInterval(() => {
      this.invalidate();
    }, 1000);
    this.#applyDisplayState();
  }

  /** The current view (filters, wide, selected pod). */
  get state(): ViewState {
    return this.#state;
  }

  /** Replaces all pods: a subscription's complete snapshot (first, after a filter change or reset). */
  snapshot(views: Iterable<PodView>): void {
    this.#pending = [];
    this.store.replace(views);
    this.invalidate();
  }

  /** Queues a change; it is applied and drawn in the next animation frame. */
  change(change: PodChange): void {
    this.#pending.push(change);
    this.invalidate();
  }

  /** Shows the server's refusal of the subscription (e.g. a selector it rejects) by the filters. */
  subscriptionError(message: string): void {
    const err = byId('f-sel-err');
    err.hidden = false;
    setText(err, message);
    this.store.clear();
    this.invalidate();
  }

  /** Shows the connection and source state; `detail` is an optional explanation. */
  setConnection(state: ConnectionState, detail = ''): void {
    this.#connection = state;
    const el = byId('conn');
    el.dataset['state'] = state;
    document.body.dataset['conn'] = state;
    setText(el, connectionText[state]);
    setText(byId('conn-detail'), detail);
  }

  get connection(): ConnectionState {
    return this.#connection;
  }

  /** Requests a frame (coalesced: at most one per animation frame). */
  invalidate(): void {
    if (this.#frame === 0) {
      this.#frame = requestAnimationFrame(() => {
        this.#frame = 0;
        this.#render();
      });
    }
  }

  /** Resolves after the next frame has applied queued changes and rendered. */
  whenRendered(): Promise<void> {
    return new Promise((resolve) => {
      this.#rendered.push(resolve);
      this.invalidate();
    });
  }

  /** Milliseconds the last frame spent applying changes and rendering (for the benchmark). */
  get lastFrameMs(): number {
    return this.#lastFrameMs;
  }

  #render(): void {
    const t0 = performance.now();
    const now = this.#now();
    this.#applyPending(now);
    if (this.#flashes.size > 0) {
      for (const [uid, at] of this.#flashes) if (now - at >= flashMs) this.#flashes.delete(uid);
    }
    this.#table.render(now, this.#flashes);
    const version = this.store.version;
    if (version !== this.#countsVersion && now - this.#countsAt >= slowPanelMs / 2) {
      this.#countsVersion = version;
      this.#countsAt = now;
      renderCounts(byId('counts'), this.store, this.#state.statuses, (status) => {
        this.#toggleStatus(status);
      });
    }
    if (version !== this.#workloadsVersion && now - this.#workloadsAt >= slowPanelMs) {
      this.#workloadsVersion = version;
      this.#workloadsAt = now;
      renderWorkloads(byId('workloads'), this.store);
    }
    this.#feedView.render(this.feed);
    this.#renderDetails(now);
    this.#announce(now);
    // Panels throttled above need another frame to catch up once the stream goes quiet.
    if (this.#countsVersion !== version || this.#workloadsVersion !== version) {
      setTimeout(() => {
        this.invalidate();
      }, slowPanelMs);
    }
    this.#renderedVersion = version;
    this.#lastFrameMs = performance.now() - t0;
    const done = this.#rendered;
    this.#rendered = [];
    for (const resolve of done) resolve();
  }

  #applyPending(now: number): void {
    const pending = this.#pending;
    if (pending.length === 0) return;
    this.#pending = [];
    for (const c of pending) {
      this.store.apply(c);
      const t = transitionOf(c);
      if (t === null) continue;
      this.feed.push(t);
      this.#flashes.set(t.uid, now);
      this.#unannounced++;
      this.#lastSentence = transitionSentence(t);
    }
  }

  #announce(now: number): void {
    if (this.#unannounced === 0 || now - this.#announceAt < announceMs) return;
    const text =
      this.#unannounced === 1
        ? this.#lastSentence
        : `${this.#unannounced} transitions; latest: ${this.#lastSentence}`;
    this.#unannounced = 0;
    this.#announceAt = now;
    setText(byId('announce'), text);
  }

  #renderDetails(now: number): void {
    const panel = byId('details');
    const ref = this.#state.pod;
    panel.hidden = ref === null;
    if (ref === null) {
      this.#table.selectedUid = null;
      return;
    }
    if (this.#renderedVersion === this.store.version && now - this.#detailsAt < 1000) return;
    this.#detailsAt = now;
    const view = this.store.findByName(ref);
    this.#table.selectedUid = view?.uid ?? null;
    renderDetails(panel, view, ref, now);
  }

  #openPod(ref: string | null): void {
    this.#setState({ ...this.#state, pod: ref }, true);
    this.#renderedVersion = -1;
    if (ref !== null) byId('details').hidden = false;
  }

  #toggleStatus(status: string): void {
    const has = this.#state.statuses.includes(status);
    const statuses = has
      ? this.#state.statuses.filter((s) => s !== status)
      : [...this.#state.statuses, status];
    this.#setState({ ...this.#state, statuses }, true);
    this.#fillForm();
  }

  #setState(next: ViewState, push: boolean): void {
    const prev = this.#state;
    this.#state = next;
    const url = `${location.pathname}${formatViewState(next)}`;
    if (push && url !== `${location.pathname}${location.search}`) {
      history.pushState(null, '', url);
    }
    if (!sameSubscription(prev, next)) {
      this.#keepFeedFor(next);
      this.#flashes.clear();
      this.#unannounced = 0;
      setText(byId('announce'), '');
      this.store.clear();
      this.#countsVersion = -1;
      this.#onSubscriptionChange(next);
    }
    this.#applyDisplayState();
    this.#renderedVersion = -1;
    this.invalidate();
  }

  /**
   * A new subscription keeps the feed's history, shown through the new filter: the transitions
   * the page saw (including those queued for this frame) that the new filter would have
   * delivered. Transitions outside the old filter were never received, so an empty feed says
   * "since the filter changed", not "since the page opened".
   */
  #keepFeedFor(next: ViewState): void {
    for (const c of this.#pending) {
      const t = transitionOf(c);
      if (t !== null) this.feed.push(t);
    }
    this.#pending = [];
    const filter = compileFilter({
      namespaces: next.namespaces,
      labelSelector: next.labelSelector,
      status: next.statuses,
    });
    if (!filter.ok) {
      this.feed.show(() => false);
    } else if (filter.value.all) {
      this.feed.show(null);
    } else {
      const f = filter.value;
      this.feed.show((t) => transitionInView(t, f));
    }
    byId('feed').dataset['since'] = 'filter';
  }

  #applyDisplayState(): void {
    this.#table.wide = this.#state.wide;
    this.#countsVersion = -1;
  }

  #bindForm(): void {
    const form = byId('filters');
    const ns = inputById('f-ns');
    const sel = inputById('f-sel');
    const status = inputById('f-status');
    const wide = inputById('f-wide');
    const err = byId('f-sel-err');
    this.#fillForm();
    const validate = (): boolean => {
      const parsed = parseLabelSelector(sel.value);
      const ok = parsed.ok;
      sel.setAttribute('aria-invalid', String(!ok));
      err.hidden = ok;
      setText(err, ok ? '' : parsed.error.message);
      return ok;
    };
    const apply = (): void => {
      if (!validate()) return;
      this.#setState(
        {
          ...this.#state,
          namespaces: splitList(ns.value),
          labelSelector: sel.value.trim(),
          statuses: splitList(status.value),
        },
        true,
      );
    };
    let timer = 0;
    const applySoon = (): void => {
      clearTimeout(timer);
      timer = setTimeout(apply, 400);
    };
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      clearTimeout(timer);
      apply();
    });
    sel.addEventListener('input', () => {
      if (validate()) applySoon();
    });
    ns.addEventListener('input', applySoon);
    status.addEventListener('input', applySoon);
    wide.addEventListener('change', () => {
      this.#setState({ ...this.#state, wide: wide.checked }, true);
    });
  }

  #fillForm(): void {
    inputById('f-ns').value = this.#state.namespaces.join(',');
    inputById('f-sel').value = this.#state.labelSelector;
    inputById('f-status').value = this.#state.statuses.join(',');
    inputById('f-wide').checked = this.#state.wide;
  }
}
