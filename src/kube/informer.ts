/**
 * A shared informer: one reflector per namespace in scope (or one for all namespaces), one cache,
 * any number of listeners.
 *
 * Guarantees:
 * - Listeners hear batches in the order the reflectors applied them; within one namespace, API
 *   order. Objects are shared with the cache: listeners must not mutate them.
 * - A listener added late first receives the whole current cache as one ADDED batch.
 * - A listener that throws is logged and kept; the others and the informer are unaffected.
 * - `status` moves from `connecting` to `synced` once every reflector has applied its first full
 *   list, and reports `reconnecting`/`stale` while any reflector is failing or silent.
 */
import type { Logger } from 'pino';
import type { KubeConfig } from '@kubernetes/client-node';
import { defaultBackoff } from './backoff.ts';
import { httpListerWatcher } from './http-lister-watcher.ts';
import type { ListerWatcher } from './lister-watcher.ts';
import {
  Reflector,
  type InformerEvent,
  type InformerStats,
  type ReflectorKnobs,
  type ReflectorStatus,
} from './reflector.ts';

export type InformerState = 'connecting' | 'synced' | 'stale' | 'reconnecting';

export interface InformerStatus {
  readonly state: InformerState;
  /** True once every reflector has applied its first full list (stays true). */
  readonly synced: boolean;
  readonly message: string | null;
}

export interface InformerListener<T> {
  batch(events: readonly InformerEvent<T>[]): void;
  status?(status: InformerStatus): void;
}

/** A resource the informer can list and watch. */
export interface ResourceType<T> {
  /** For logs: `pods`, `nodes`. */
  readonly name: string;
  /** Collection path; namespace null means all namespaces (or a cluster-scoped resource). */
  listPath(namespace: string | null): string;
  /** Projects the API object on arrival; must not throw. */
  project(raw: unknown): T;
  /** Cache key; '' drops the object. */
  key(obj: T): string;
  resourceVersion(obj: T): string;
}

export interface InformerOptions<T> {
  readonly resource: ResourceType<T>;
  /** Where requests go: a kubeconfig (HTTP), or a factory of lister-watchers per path (tests). */
  readonly kubeConfig?: KubeConfig;
  readonly listerWatcher?: (path: string) => ListerWatcher;
  /** Namespaces to watch, one list+watch each; empty or absent: all namespaces. */
  readonly namespaces?: readonly string[];
  readonly labelSelector?: string;
  readonly fieldSelector?: string;
  readonly logger: Logger;
  readonly clock?: () => number;
  readonly random?: () => number;
  readonly knobs?: Partial<ReflectorKnobs>;
}

export const defaultKnobs: Readonly<ReflectorKnobs> = Object.freeze({
  pageSize: 500,
  watchTimeoutSeconds: [300, 600] as const,
  backoff: defaultBackoff,
  staleAfterMs: 120_000,
  minWatchMs: 1000,
  streamingList: true,
  initialEventsTimeoutMs: 120_000,
});

export class Informer<T> {
  readonly stats: InformerStats = {
    eventsIn: 0,
    relists: 0,
    watchRestarts: 0,
    errors: 0,
    lastEventAt: null,
  };
  readonly #reflectors: Reflector<T>[] = [];
  readonly #listeners = new Set<InformerListener<T>>();
  readonly #logger: Logger;
  #status: InformerStatus = { state: 'connecting', synced: false, message: null };
  #started = false;
  #closed = false;

  constructor(options: InformerOptions<T>) {
    const { resource, logger } = options;
    this.#logger = logger;
    const knobs = { ...defaultKnobs, ...options.knobs };
    const selectors: Record<string, string> = {};
    if (options.labelSelector) selectors['labelSelector'] = options.labelSelector;
    if (options.fieldSelector) selectors['fieldSelector'] = options.fieldSelector;
    const namespaces = [...new Set(options.namespaces ?? [])];
    const scopes = namespaces.length > 0 ? namespaces : [null];
    const kc = options.kubeConfig;
    const makeLw =
      options.listerWatcher ??
      (kc
        ? (path: string) => httpListerWatcher(kc, path)
        : () => {
            throw new TypeError('Informer needs kubeConfig or listerWatcher');
          });
    for (const ns of scopes) {
      const path = resource.listPath(ns);
      this.#reflectors.push(
        new Reflector<T>({
          name: ns === null ? resource.name : `${resource.name} ns=${ns}`,
          lw: makeLw(path),
          project: (raw) => resource.project(raw),
          key: (obj) => resource.key(obj),
          version: (obj) => resource.resourceVersion(obj),
          selectors,
          knobs,
          stats: this.stats,
          logger,
          clock: options.clock ?? Date.now,
          random: options.random ?? Math.random,
          onBatch: (events) => {
            this.#emit(events);
          },
          onStatus: () => {
            this.#updateStatus();
          },
        }),
      );
    }
  }

  /** Starts listing and watching; idempotent. */
  start(): void {
    if (this.#started || this.#closed) return;
    this.#started = true;
    for (const r of this.#reflectors) r.start();
  }

  get status(): InformerStatus {
    return this.#status;
  }

  /** Number of cached objects. */
  get size(): number {
    let n = 0;
    for (const r of this.#reflectors) n += r.cache.size;
    return n;
  }

  get(key: string): T | undefined {
    for (const r of this.#reflectors) {
      const v = r.cache.get(key);
      if (v !== undefined) return v;
    }
    return undefined;
  }

  /** The cached objects; do not mutate them. */
  *values(): IterableIterator<T> {
    for (const r of this.#reflectors) yield* r.cache.values();
  }

  /**
   * Adds a listener; it first receives the current cache as one ADDED batch (if non-empty) and
   * the current status. Returns the function that removes it.
   */
  addListener(listener: InformerListener<T>): () => void {
    if (this.size > 0) {
      const replay: InformerEvent<T>[] = [];
      for (const object of this.values()) replay.push({ type: 'ADDED', object, old: undefined });
      this.#call(listener, replay);
    }
    listener.status?.(this.#status);
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Stops every reflector; idempotent. Listeners hear nothing more. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const r of this.#reflectors) r.close();
    this.#listeners.clear();
  }

  #call(listener: InformerListener<T>, events: readonly InformerEvent<T>[]): void {
    try {
      listener.batch(events);
    } catch (err) {
      this.#logger.error({ err }, 'informer listener failed; continuing');
    }
  }

  #emit(events: readonly InformerEvent<T>[]): void {
    for (const l of this.#listeners) this.#call(l, events);
  }

  #updateStatus(): void {
    const all: ReflectorStatus[] = this.#reflectors.map((r) => r.status);
    const synced = this.#status.synced || all.every((s) => s.synced);
    const bad = all.find((s) => s.phase === 'stale') ?? all.find((s) => s.phase !== 'watching');
    let state: InformerState;
    if (!synced) state = bad?.phase === 'stale' ? 'stale' : 'connecting';
    else if (!bad) state = 'synced';
    else state = bad.phase === 'stale' ? 'stale' : 'reconnecting';
    const message = bad?.message ?? null;
    const prev = this.#status;
    if (prev.state === state && prev.synced === synced && prev.message === message) return;
    this.#status = { state, synced, message };
    for (const l of this.#listeners) {
      try {
        l.status?.(this.#status);
      } catch (err) {
        this.#logger.error({ err }, 'informer status listener failed; continuing');
      }
    }
  }
}
