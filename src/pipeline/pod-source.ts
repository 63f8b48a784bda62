/**
 * The change pipeline: informer events → per-pod views → `changes$`.
 *
 * Per pod (by uid) it keeps the current view and the slim pod it was computed from (the object the
 * informer caches, so no copy). An update whose status inputs compare equal to that pod's
 * (`sameStatusInputs`: annotation, managedFields and resourceVersion churn) costs no recompute and
 * no allocation; a label-only edit updates the view's labels (and owner) without one; a change is
 * emitted only when `diffViews` finds the view differs. DELETED frees all state for the pod.
 */
import { BehaviorSubject, config, Observable, Subject } from 'rxjs';
import type { Logger } from 'pino';
import type {
  InformerEvent,
  InformerListener,
  InformerStats,
  InformerStatus,
} from '../kube/index.ts';
import { diffViews, podView, sameLabels } from '../status/index.ts';
import { sharedOwner, viewLabels } from '../status/pod-view.ts';
import type { ChangedFields, Pod, PodChange, PodView } from '../status/types.ts';
import { sameStatusInputs } from './status-inputs.ts';

/** Where the pipeline's data comes from, as the server should report it. */
export interface SourceState {
  /**
   * `connecting` until the first full list; `synced` while watching; `reconnecting` while a watch
   * or list is being re-established (data may lag); `stale` when the source has been silent or
   * failing longer than its staleness limit.
   */
  state: 'connecting' | 'synced' | 'stale' | 'reconnecting';
  /** When this state began, epoch ms. */
  since: number;
  /** Why (the last error), null when healthy. */
  message: string | null;
}

/** Counters for metrics. Read-only; values move as the pipeline runs. */
export interface PipelineStats {
  /** Objects received from the API (watch events and list items). */
  readonly eventsIn: number;
  /** podView computations. */
  readonly recomputes: number;
  /** Updates whose status inputs were unchanged, so no recompute was needed. */
  readonly recomputesSkipped: number;
  /** PodChanges emitted. */
  readonly changesOut: number;
  /** Relists after the first list (410 Gone and fallbacks). */
  readonly relists: number;
  /** Watches restarted (timeouts, drops, watchdog, errors). */
  readonly watchRestarts: number;
  /** Pod events whose processing failed (logged and skipped). */
  readonly processingErrors: number;
  /** Failed API requests (each retried with back-off). */
  readonly apiErrors: number;
  /** Epoch ms of the last API event, null before the first. */
  readonly lastEventAt: number | null;
}

/**
 * The live set of pod views and the stream of their changes: what the server and alerts consume.
 */
export interface PodSource {
  /** The current views; starting the iteration is O(1). Views are immutable: do not mutate. */
  snapshot(): IterableIterator<PodView>;
  get(uid: string): PodView | undefined;
  /** Number of pods currently known. */
  readonly size: number;
  /**
   * Hot and shared: every subscriber sees the same changes, in `seq` order (+1 each), from the
   * moment it subscribes. Read `snapshot()` and `lastSeq` in the same tick as subscribing to
   * get a consistent start. Completes on close().
   */
  readonly changes$: Observable<PodChange>;
  /** Replays the current state to each new subscriber, then every change of it. */
  readonly state$: Observable<SourceState>;
  /** The seq of the last change emitted (0 before the first). */
  readonly lastSeq: number;
  readonly stats: Readonly<PipelineStats>;
  /** Stops the informer (if this was its last user) and completes the streams; idempotent. */
  close(): void;
}

/** The informer as the pipeline needs it. */
export interface PodEventSource {
  addListener(listener: InformerListener<Pod>): () => void;
  readonly stats: Readonly<InformerStats>;
  /** Called once, by close(). */
  release(): void;
}

export interface PodSourceOptions {
  readonly logger: Logger;
  readonly clock?: () => number;
}

interface Entry {
  view: PodView;
  /** The pod `view` reflects (status inputs; labels may have moved on, see #nextView). */
  pod: Pod;
}

const noPrevious: ChangedFields = Object.freeze({});

/** What an informer tells its listener: a batch of events, or a new status. */
export type InformerSignal =
  | { readonly kind: 'batch'; readonly events: readonly InformerEvent<Pod>[] }
  | { readonly kind: 'status'; readonly status: InformerStatus };

/**
 * The informer as one Observable: listens while subscribed (one listener, so the cache replay on
 * subscribe happens once), the cache as an ADDED batch and the current status first.
 */
export function informerSignals$(source: PodEventSource): Observable<InformerSignal> {
  return new Observable((subscriber) =>
    source.addListener({
      batch: (events) => {
        subscriber.next({ kind: 'batch', events });
      },
      status: (status) => {
        subscriber.next({ kind: 'status', status });
      },
    }),
  );
}

let unhandledErrorLogger: Logger | null = null;

/**
 * Builds the pipeline over any pod event source (the shared informer, or a fake in tests). It
 * subscribes at once, so `snapshot()` is live whether or not anyone listens to `changes$`.
 */
export function createPodSourceFrom(source: PodEventSource, options: PodSourceOptions): PodSource {
  return new Pipeline(source, options);
}

class Pipeline implements PodSource {
  readonly #entries = new Map<string, Entry>();
  readonly #changes = new Subject<PodChange>();
  readonly #state: BehaviorSubject<SourceState>;
  readonly #source: PodEventSource;
  readonly #logger: Logger;
  readonly #clock: () => number;
  readonly #counts = { recomputes: 0, recomputesSkipped: 0, changesOut: 0, errors: 0 };
  readonly #stop: () => void;
  readonly stats: Readonly<PipelineStats>;
  readonly changes$: Observable<PodChange>;
  readonly state$: Observable<SourceState>;
  #seq = 0;
  #closed = false;

  constructor(source: PodEventSource, options: PodSourceOptions) {
    this.#source = source;
    this.#logger = options.logger;
    this.#clock = options.clock ?? Date.now;
    // RxJS reports errors thrown by subscribers' callbacks here, instead of rethrowing them on a
    // timer (which would crash the process). The first pipeline's logger takes them.
    if (config.onUnhandledError === null) {
      unhandledErrorLogger = options.logger;
      config.onUnhandledError = (err: unknown) => {
        unhandledErrorLogger?.error({ err }, 'unhandled error in an RxJS subscriber');
      };
    }
    this.#state = new BehaviorSubject<SourceState>({
      state: 'connecting',
      since: this.#clock(),
      message: null,
    });
    this.changes$ = this.#changes.asObservable();
    this.state$ = this.#state.asObservable();
    const counts = this.#counts;
    const informer = source.stats;
    this.stats = Object.freeze({
      get eventsIn() {
        return informer.eventsIn;
      },
      get recomputes() {
        return counts.recomputes;
      },
      get recomputesSkipped() {
        return counts.recomputesSkipped;
      },
      get changesOut() {
        return counts.changesOut;
      },
      get relists() {
        return informer.relists;
      },
      get watchRestarts() {
        return informer.watchRestarts;
      },
      get processingErrors() {
        return counts.errors;
      },
      get apiErrors() {
        return informer.errors;
      },
      get lastEventAt() {
        return informer.lastEventAt;
      },
    });
    // A plain listener rather than informerSignals$: no signal object per batch on the hot path.
    this.#stop = source.addListener({
      batch: (events) => {
        this.#applyBatch(events);
      },
      status: (status) => {
        this.#setState(status);
      },
    });
  }

  get lastSeq(): number {
    return this.#seq;
  }

  get size(): number {
    return this.#entries.size;
  }

  *snapshot(): IterableIterator<PodView> {
    for (const e of this.#entries.values()) yield e.view;
  }

  get(uid: string): PodView | undefined {
    return this.#entries.get(uid)?.view;
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#stop();
    this.#source.release();
    this.#changes.complete();
    this.#state.complete();
  }

  #setState(s: InformerStatus): void {
    const cur = this.#state.getValue();
    if (cur.state === s.state && cur.message === s.message) return;
    this.#state.next({ state: s.state, since: this.#clock(), message: s.message });
  }

  #applyBatch(batch: readonly InformerEvent<Pod>[]): void {
    for (const ev of batch) {
      try {
        this.#apply(ev);
      } catch (err) {
        this.#counts.errors++;
        this.#logger.error(
          { err, type: ev.type, uid: ev.object.metadata?.uid, name: ev.object.metadata?.name },
          'failed to process a pod event; skipping it',
        );
      }
    }
  }

  #emit(type: PodChange['type'], view: PodView, previous: ChangedFields): void {
    this.#counts.changesOut++;
    this.#changes.next({ type, seq: ++this.#seq, time: this.#clock(), view, previous });
  }

  #apply(ev: InformerEvent<Pod>): void {
    const pod = ev.object;
    const uid = pod.metadata?.uid ?? '';
    if (uid === '') return;
    const entry = this.#entries.get(uid);
    if (entry === undefined) {
      if (ev.type === 'DELETED') return;
      this.#counts.recomputes++;
      const view = podView(pod);
      this.#entries.set(uid, { view, pod });
      this.#emit('ADDED', view, noPrevious);
      return;
    }
    const next = this.#nextView(entry, pod);
    if (ev.type === 'DELETED') {
      this.#entries.delete(uid);
      this.#emit(
        'DELETED',
        next,
        next === entry.view ? noPrevious : (diffViews(entry.view, next) ?? noPrevious),
      );
      return;
    }
    if (next === entry.view) return;
    const previous = diffViews(entry.view, next);
    entry.view = next;
    if (previous !== null) this.#emit('MODIFIED', next, previous);
  }

  /** The pod's new view: the old object when nothing it shows changed; records `pod`. */
  #nextView(entry: Entry, pod: Pod): PodView {
    // Compared with the pod this pipeline last processed rather than the event's `old`: the same
    // object normally, but if processing an event ever threw, `old` would be a pod whose changes
    // never reached the view.
    const same = sameStatusInputs(entry.pod, pod);
    entry.pod = pod;
    if (!same) {
      this.#counts.recomputes++;
      return podView(pod);
    }
    this.#counts.recomputesSkipped++;
    const labels = pod.metadata?.labels ?? {};
    if (sameLabels(entry.view.labels, labels)) return entry.view;
    // Labels feed the view's labels and its owner (pod-template-hash), nothing else. A frozen
    // labels object (the slim record's) is shared, as podView shares it.
    return {
      ...entry.view,
      labels: Object.isFrozen(labels) ? viewLabels(labels) : { ...labels },
      owner: sharedOwner(pod),
    };
  }
}
