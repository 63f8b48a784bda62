/**
 * The pipeline as the server sees it: the narrow interface it needs, declared here so tests can
 * hand it a Subject and the server never depends on the pipeline's implementation.
 */
import type { PodChange, PodView } from '../status/types.ts';
import type { SourceInfo } from '../protocol/messages.ts';
import type { PodSource } from '../pipeline/pod-source.ts';

/** A minimal subscribable (an RxJS Observable satisfies it). */
export interface Stream<T> {
  subscribe(observer: { next: (value: T) => void; error?: (err: unknown) => void }): {
    unsubscribe(): void;
  };
}

/** Counters of the source, read when `/metrics` is scraped. */
export interface FeedStats {
  /** Informer events received. */
  events: number;
  /** Views recomputed (fingerprint changed). */
  recomputes: number;
  /** Watches restarted (re-watch, relist, after errors or staleness). */
  watchRestarts: number;
}

/**
 * The source of pod views and changes.
 *
 * Contract the server relies on: `snapshot()` and `lastSeq` are consistent with each other (the
 * snapshot reflects exactly the changes with seq <= lastSeq); `changes$` emits each change once,
 * in increasing `seq` order, with the view map already updated; `state$` replays its current value
 * to a new subscriber.
 */
export interface PodFeed {
  snapshot(): Iterable<PodView>;
  readonly lastSeq: number;
  readonly changes$: Stream<PodChange>;
  readonly state$: Stream<SourceInfo>;
  stats(): FeedStats;
}

/** The pipeline's `PodSource` seen as a `PodFeed` (the adapter `podpulse serve` and the bench use). */
export function podFeedOf(source: PodSource): PodFeed {
  return {
    snapshot: () => source.snapshot(),
    get lastSeq() {
      return source.lastSeq;
    },
    changes$: source.changes$,
    state$: source.state$,
    stats: () => ({
      events: source.stats.eventsIn,
      recomputes: source.stats.recomputes,
      watchRestarts: source.stats.watchRestarts,
    }),
  };
}
