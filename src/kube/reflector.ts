/**
 * The reflector keeps one cache in step with one collection (one namespace, or all of them):
 * LIST, then WATCH from the list's resourceVersion, for as long as it lives.
 *
 * Guarantees, for its listener:
 * - Events come in API order, each applied to the cache before the listener hears of it.
 * - No duplicate ADDED: an ADDED for a cached key becomes MODIFIED; an event whose
 *   resourceVersion equals the cached one is dropped; DELETED of an unknown key is dropped.
 * - After a relist (410 Gone, streaming-list fallback) the fresh list is reconciled against the
 *   cache in one batch: DELETED for objects gone during the gap, ADDED for new ones, MODIFIED for
 *   changed resourceVersions, nothing for unchanged objects.
 * - It never stops on its own: every failure is retried (see `run` below), logged and counted.
 */
import type { Logger } from 'pino';
import { KubeApiError } from './api-error.ts';
import { backoffDelay, type BackoffOptions } from './backoff.ts';
import type { ListerWatcher, Query, WatchHandle } from './lister-watcher.ts';

export type EventType = 'ADDED' | 'MODIFIED' | 'DELETED';

/** One change of the cache. `old` is the cached object it replaced or removed, if any. */
export interface InformerEvent<T> {
  readonly type: EventType;
  readonly object: T;
  readonly old: T | undefined;
}

/** What a reflector is doing; `synced` stays true once the first full list has been applied. */
export interface ReflectorStatus {
  readonly phase: 'listing' | 'watching' | 'backoff' | 'stale';
  readonly synced: boolean;
  readonly message: string | null;
}

/** Counters, shared by the reflectors of one informer. */
export interface InformerStats {
  /** Watch events and list items received (bookmarks excluded). */
  eventsIn: number;
  /** Full lists after the first (410 Gone, streaming-list fallback). */
  relists: number;
  /** Watches restarted: clean closes, dropped connections, watchdog, errors. */
  watchRestarts: number;
  /** Failed requests (each followed by a back-off). */
  errors: number;
  /** Epoch ms of the last event or list, null before the first. */
  lastEventAt: number | null;
}

export interface ReflectorKnobs {
  /** LIST page size. Default 500. */
  pageSize: number;
  /** The server-side watch timeout is drawn from [min, max] seconds. Default 300–600. */
  watchTimeoutSeconds: readonly [number, number];
  backoff: Readonly<BackoffOptions>;
  /** A watch silent this long is restarted (bookmarks count as activity). Default 120 s. */
  staleAfterMs: number;
  /**
   * A watch proves healthy (back-off starts over, status `watching`) on its first event or
   * bookmark, or once it has stayed open this long; one that ends before that is a failure and
   * is retried with back-off. Default 1000 ms.
   */
  minWatchMs: number;
  /** Try a streaming list (sendInitialEvents) before falling back to LIST. Default true. */
  streamingList: boolean;
  /** Streaming list must reach its initial-events-end bookmark within this. Default 120 s. */
  initialEventsTimeoutMs: number;
}

export interface ReflectorOptions<T> {
  readonly name: string;
  readonly lw: ListerWatcher;
  readonly project: (raw: unknown) => T;
  readonly key: (obj: T) => string;
  readonly version: (obj: T) => string;
  /** labelSelector / fieldSelector, sent on every request. */
  readonly selectors: Query;
  readonly knobs: Readonly<ReflectorKnobs>;
  readonly stats: InformerStats;
  readonly logger: Logger;
  readonly clock: () => number;
  readonly random: () => number;
  readonly onBatch: (events: readonly InformerEvent<T>[]) => void;
  readonly onStatus: (status: ReflectorStatus) => void;
}

/** How a watch ended; `healthy` when it delivered an event or bookmark, or lived `minWatchMs`. */
type WatchEnd = { kind: 'closed' | 'stale'; events: number; ms: number; healthy: boolean };

const initialEventsEnd = 'k8s.io/initial-events-end';

function rawVersion(raw: unknown): string {
  const meta = (raw as { metadata?: { resourceVersion?: unknown } } | null)?.metadata;
  return typeof meta?.resourceVersion === 'string' ? meta.resourceVersion : '';
}

function isInitialEventsEnd(raw: unknown): boolean {
  const meta = (raw as { metadata?: { annotations?: Record<string, unknown> } } | null)?.metadata;
  return meta?.annotations?.[initialEventsEnd] === 'true';
}

function asApiError(err: unknown): KubeApiError {
  if (err instanceof KubeApiError) return err;
  return new KubeApiError(err instanceof Error ? err.message : String(err), null, null, err);
}

export class Reflector<T> {
  /** The cache: key → latest object. Read-only for everyone but the reflector. */
  readonly cache = new Map<string, T>();
  readonly #o: ReflectorOptions<T>;
  #rv = '';
  #closed = false;
  #synced = false;
  #streaming: boolean;
  #phase: ReflectorStatus['phase'] = 'listing';
  #message: string | null = null;
  #listAbort = new AbortController();
  #stopWatch: (() => void) | null = null;
  #wake: (() => void) | null = null;
  #sleepTimer: ReturnType<typeof setTimeout> | undefined;
  #failingSince: number | null = null;
  #attempt = 0;
  /** 410s since the last healthy watch: the second in a row backs off. */
  #goneInARow = 0;
  /** Why the next full list happens, for its log line. */
  #listCause = 'initial';
  #listStarted = 0;
  /**
   * The current failure streak: its first failure is logged at warn, the retries at debug, its end
   * (a watch that works again) once at info. `stale`: the last failure was the watchdog, so only
   * an event or bookmark proves recovery, not a watch that merely stays open.
   */
  #streak: { failures: number; since: number; stale: boolean } | null = null;

  constructor(options: ReflectorOptions<T>) {
    this.#o = options;
    this.#streaming = options.knobs.streamingList;
  }

  get status(): ReflectorStatus {
    return { phase: this.#phase, synced: this.#synced, message: this.#message };
  }

  /** The resourceVersion the next watch resumes from ('' before the first list). */
  get resourceVersion(): string {
    return this.#rv;
  }

  /** Starts the list/watch loop; it runs until close(). */
  start(): void {
    this.#run().catch((err: unknown) => {
      // Unreachable by design (every step is caught inside the loop); never an unhandled rejection.
      this.#o.logger.error(
        { informer: this.#o.name, err },
        'reflector loop failed; it has stopped',
      );
    });
  }

  #isClosed(): boolean {
    return this.#closed;
  }

  /** Stops every request and timer; idempotent. No batch or status follows. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#listAbort.abort();
    this.#stopWatch?.();
    clearTimeout(this.#sleepTimer);
    this.#wake?.();
  }

  #setStatus(phase: ReflectorStatus['phase'], message: string | null, force = false): void {
    if (this.#closed) return;
    if (!force && phase === this.#phase && message === this.#message) return;
    this.#phase = phase;
    this.#message = message;
    this.#o.onStatus(this.status);
  }

  // The loop. Failures and what follows them:
  // - 410 Gone (list, continue token, watch): relist at once; back off from the second in a row
  //   (no healthy watch in between).
  // - streaming list rejected (4xx) or ended before its initial-events-end bookmark: LIST instead.
  // - anything else: jittered exponential back-off, then the same step again (a failed list
  //   lists again; a failed watch re-watches from the last resourceVersion), forever.
  // - a clean close re-watches at once, unless the watch never proved healthy (no event or
  //   bookmark within minWatchMs): that is a failure, backed off like the others.
  // - the watchdog closes a silent watch and re-watches at once.
  async #run(): Promise<void> {
    const { logger, stats, knobs } = this.#o;
    let needList = true;
    while (!this.#closed) {
      const streamingNow = needList && this.#streaming;
      try {
        if (needList && !streamingNow) {
          this.#setStatus('listing', this.#message);
          await this.#list();
          needList = false;
          this.#attempt = 0;
          this.#failingSince = null;
        }
        const end = await this.#watch(streamingNow);
        if (this.#isClosed()) return;
        if (streamingNow) {
          if (this.#rv === '' || !this.#streamDone) {
            this.#fallBack('the stream ended before its initial-events-end bookmark');
            continue;
          }
          needList = false;
        }
        stats.watchRestarts++;
        if (end.kind === 'stale') {
          this.#failed(
            'stale',
            { silentMs: end.ms, resourceVersion: this.#rv },
            'watch silent too long; restarting it',
          );
          this.#setStatus('stale', `watch silent for ${end.ms} ms`);
          continue;
        }
        if (!end.healthy) {
          // Opened, then closed before any event, bookmark or minWatchMs: a failure in disguise
          // (an API server or proxy that accepts and hangs up). Back off like any other failure.
          stats.errors++;
          await this.#backOff(`watch closed after ${end.ms} ms without an event`, null, false);
          continue;
        }
        logger.debug(
          { informer: this.#o.name, events: end.events, ms: end.ms, resourceVersion: this.#rv },
          'watch closed; resuming',
        );
      } catch (caught) {
        if (this.#isClosed()) return;
        const err = asApiError(caught);
        // A streaming list that reached its initial-events-end bookmark is a plain watch by now:
        // its failure resumes from the last resourceVersion, like any watch.
        if (streamingNow && this.#streamDone) needList = false;
        if (
          streamingNow &&
          !this.#streamDone &&
          (err.reason === 'NoInitialEventsEnd' ||
            (err.status !== null &&
              err.status >= 400 &&
              err.status < 500 &&
              err.status !== 410 &&
              err.status !== 429))
        ) {
          this.#fallBack(err.message);
          continue;
        }
        if (err.isGone) {
          needList = true;
          stats.relists++;
          this.#goneInARow++;
          // The relist's own line (info, once it is applied) says why; this one is detail.
          this.#listCause = '410 Gone (resourceVersion expired)';
          logger.debug(
            { informer: this.#o.name, resourceVersion: this.#rv, err: err.message },
            'resourceVersion expired (410 Gone); relisting',
          );
          this.#setStatus('listing', err.message);
          if (this.#goneInARow > 1) {
            await this.#sleep(backoffDelay(this.#goneInARow - 2, knobs.backoff, this.#o.random));
          }
          continue;
        }
        stats.errors++;
        if (!needList) stats.watchRestarts++;
        await this.#backOff(err.message, err.status, needList);
      }
    }
  }

  /**
   * One failure: logs it, reports `backoff` (or `stale` once failing for `staleAfterMs`), and
   * sleeps the next delay. The attempt counter grows until a list succeeds or a watch proves
   * healthy (see `#healthy`), so a server that accepts every watch and fails it at once still
   * gets 1 s, 2 s, 4 s … 30 s.
   */
  async #backOff(message: string, status: number | null, listing: boolean): Promise<void> {
    const { knobs } = this.#o;
    const delay = backoffDelay(this.#attempt++, knobs.backoff, this.#o.random);
    const now = this.#o.clock();
    this.#failingSince ??= now;
    this.#failed(
      listing ? 'list' : 'watch',
      { err: message, status, attempt: this.#attempt, delayMs: delay },
      listing ? 'list failed; retrying with back-off' : 'watch failed; retrying with back-off',
    );
    this.#setStatus(now - this.#failingSince >= knobs.staleAfterMs ? 'stale' : 'backoff', message);
    await this.#sleep(delay);
  }

  /**
   * Logs a failure: the first of a streak at warn (the outage starts), the others at debug (the
   * retries), so a server down for an hour costs two lines, not one per back-off.
   */
  #failed(kind: 'list' | 'watch' | 'stale', fields: Record<string, unknown>, msg: string): void {
    const { logger } = this.#o;
    const streak = this.#streak;
    if (streak === null) {
      this.#streak = { failures: 1, since: this.#o.clock(), stale: kind === 'stale' };
      logger.warn({ informer: this.#o.name, ...fields }, msg);
      return;
    }
    streak.failures++;
    streak.stale = kind === 'stale';
    logger.debug({ informer: this.#o.name, failures: streak.failures, ...fields }, msg);
  }

  /**
   * The current watch works: back-off starts over, the status says so, and a failure streak ends
   * with one info line. `byEvent`: proven by an event or bookmark, not only by staying open.
   */
  #healthy(byEvent: boolean): void {
    this.#attempt = 0;
    this.#goneInARow = 0;
    this.#failingSince = null;
    if (this.#synced) this.#setStatus('watching', null);
    const streak = this.#streak;
    // After the watchdog, a watch that stays open proves nothing: it was open and silent before.
    if (streak === null || (streak.stale && !byEvent)) return;
    this.#streak = null;
    const ms = this.#o.clock() - streak.since;
    this.#o.logger.info(
      { informer: this.#o.name, failures: streak.failures, ms, resourceVersion: this.#rv },
      `watch recovered after ${streak.failures} ${streak.failures === 1 ? 'failure' : 'failures'}, ${(ms / 1000).toFixed(1)}s`,
    );
  }

  #streamDone = false;

  #fallBack(why: string): void {
    this.#streaming = false;
    this.#o.stats.relists += this.#synced ? 1 : 0;
    this.#listStarted = this.#o.clock();
    this.#o.logger.info(
      { informer: this.#o.name, reason: why },
      'streaming list unsupported here; using paginated LIST',
    );
  }

  #sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      if (this.#closed) {
        resolve();
        return;
      }
      this.#wake = resolve;
      this.#sleepTimer = setTimeout(() => {
        this.#wake = null;
        resolve();
      }, ms);
    });
  }

  async #list(): Promise<void> {
    const { lw, project, key, knobs, selectors, stats } = this.#o;
    this.#listStarted = this.#o.clock();
    const fresh = new Map<string, T>();
    let cont: string | null = null;
    let rv: string;
    do {
      const query: Record<string, string> = { ...selectors, limit: String(knobs.pageSize) };
      if (cont !== null) query['continue'] = cont;
      const page = await lw.list(query, this.#listAbort.signal);
      if (this.#closed) return;
      for (const raw of page.items) {
        const obj = project(raw);
        const k = key(obj);
        if (k !== '') fresh.set(k, obj);
      }
      stats.eventsIn += page.items.length;
      cont = page.continue;
      rv = page.resourceVersion;
    } while (cont !== null);
    stats.lastEventAt = this.#o.clock();
    this.#rv = rv;
    this.#reconcile(fresh);
  }

  #reconcile(fresh: Map<string, T>): void {
    const { version } = this.#o;
    const batch: InformerEvent<T>[] = [];
    for (const [k, old] of this.cache) {
      if (!fresh.has(k)) {
        this.cache.delete(k);
        batch.push({ type: 'DELETED', object: old, old });
      }
    }
    for (const [k, obj] of fresh) {
      const old = this.cache.get(k);
      this.cache.set(k, obj);
      if (old === undefined) batch.push({ type: 'ADDED', object: obj, old: undefined });
      else if (version(old) !== version(obj)) batch.push({ type: 'MODIFIED', object: obj, old });
    }
    const first = !this.#synced;
    this.#synced = true;
    // One line per full list, initial or relist, with its cause.
    this.#o.logger.info(
      {
        informer: this.#o.name,
        cause: this.#listCause,
        objects: this.cache.size,
        changes: batch.length,
        ms: this.#o.clock() - this.#listStarted,
        resourceVersion: this.#rv,
      },
      first ? 'synced (initial list)' : `relisted after ${this.#listCause}`,
    );
    if (batch.length > 0) this.#o.onBatch(batch);
    this.#setStatus('watching', null, first);
  }

  #apply(type: EventType, obj: T): void {
    const k = this.#o.key(obj);
    if (k === '') return;
    const old = this.cache.get(k);
    if (type === 'DELETED') {
      if (old === undefined) return;
      this.cache.delete(k);
      this.#o.onBatch([{ type, object: obj, old }]);
      return;
    }
    if (old !== undefined && this.#o.version(old) === this.#o.version(obj)) return;
    this.cache.set(k, obj);
    this.#o.onBatch([{ type: old === undefined ? 'ADDED' : 'MODIFIED', object: obj, old }]);
  }

  #watch(streaming: boolean): Promise<WatchEnd> {
    const { lw, knobs, selectors, stats, clock, project, key } = this.#o;
    const [lo, hi] = knobs.watchTimeoutSeconds;
    const query: Record<string, string> = {
      ...selectors,
      watch: 'true',
      allowWatchBookmarks: 'true',
      timeoutSeconds: String(Math.round(lo + (hi - lo) * this.#o.random())),
    };
    let fresh: Map<string, T> | null = null;
    if (streaming) {
      this.#listStarted = clock();
      query['sendInitialEvents'] = 'true';
      query['resourceVersionMatch'] = 'NotOlderThan';
      fresh = new Map();
      this.#streamDone = false;
    } else {
      query['resourceVersion'] = this.#rv;
    }
    return new Promise<WatchEnd>((resolve, reject) => {
      const started = clock();
      let last = started;
      let events = 0;
      let settled = false;
      let healthy = false;
      const isSettled = (): boolean => settled;
      let timer: ReturnType<typeof setTimeout> | undefined;
      let healthTimer: ReturnType<typeof setTimeout> | undefined;
      let handle: WatchHandle | null = null;
      const settle = (): boolean => {
        if (settled) return false;
        settled = true;
        clearTimeout(timer);
        clearTimeout(healthTimer);
        this.#stopWatch = null;
        return true;
      };
      // An HTTP 200 proves little (a proxy may accept and hang up, an ERROR event may follow at
      // once): the watch counts as healthy on its first event or bookmark, or once it has lived
      // minWatchMs. Only then does back-off start over.
      const proven = (byEvent: boolean): void => {
        if (healthy || settled) {
          // Open long enough first, then an event: ends a watchdog streak that staying open did not.
          if (byEvent && !settled && this.#streak?.stale === true) this.#healthy(true);
          return;
        }
        healthy = true;
        clearTimeout(healthTimer);
        this.#healthy(byEvent);
      };
      const check = (): void => {
        if (settled) return;
        const now = clock();
        if (fresh !== null && now - started >= knobs.initialEventsTimeoutMs) {
          settle();
          handle?.close();
          reject(
            new KubeApiError(
              'streaming list: no initial-events-end bookmark in time',
              null,
              'NoInitialEventsEnd',
            ),
          );
          return;
        }
        const quiet = now - last;
        if (quiet >= knobs.staleAfterMs) {
          settle();
          handle?.close();
          resolve({ kind: 'stale', events, ms: quiet, healthy });
          return;
        }
        timer = setTimeout(check, knobs.staleAfterMs - quiet);
      };
      this.#stopWatch = () => {
        if (settle()) {
          handle?.close();
          resolve({ kind: 'closed', events, ms: clock() - started, healthy });
        }
      };
      timer = setTimeout(check, knobs.staleAfterMs);
      handle = lw.watch(query, {
        open: () => {
          if (settled) return;
          last = clock();
          // After a watchdog restart or a clean close nothing is failing: watching again at once.
          if (this.#failingSince === null && this.#synced) this.#setStatus('watching', null);
          healthTimer = setTimeout(() => {
            proven(false);
          }, knobs.minWatchMs);
        },
        event: (type, raw) => {
          if (settled) return;
          last = clock();
          proven(true);
          const rv = rawVersion(raw);
          if (type === 'BOOKMARK') {
            if (fresh !== null) {
              if (!isInitialEventsEnd(raw)) return;
              const list = fresh;
              fresh = null;
              this.#rv = rv;
              this.#streamDone = true;
              stats.lastEventAt = last;
              this.#reconcile(list);
              return;
            }
            if (rv !== '') this.#rv = rv;
            return;
          }
          if (type !== 'ADDED' && type !== 'MODIFIED' && type !== 'DELETED') {
            this.#o.logger.debug(
              { informer: this.#o.name, type },
              'ignoring unknown watch event type',
            );
            return;
          }
          events++;
          stats.eventsIn++;
          stats.lastEventAt = last;
          const obj = project(raw);
          if (fresh !== null) {
            const k = key(obj);
            if (type === 'DELETED') fresh.delete(k);
            else if (k !== '') fresh.set(k, obj);
            return;
          }
          this.#apply(type, obj);
          if (rv !== '') this.#rv = rv;
        },
        done: (err) => {
          if (!settle()) return;
          if (err) reject(err);
          else resolve({ kind: 'closed', events, ms: clock() - started, healthy });
        },
      });
      // done() may have run synchronously inside watch() (a fake, or a failed connection).
      if (isSettled()) handle.close();
    });
  }
}
