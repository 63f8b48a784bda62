/**
 * WATCH streams: newline-delimited JSON events over a chunked HTTP response.
 *
 * Start: `resourceVersion` unset, "" or "0" sends the current objects as ADDED first; an exact
 * version replays the retained events after it, or a single ERROR event with a 410 Expired Status
 * when history no longer reaches back that far; `sendInitialEvents=true` sends the current objects
 * then a BOOKMARK annotated `k8s.io/initial-events-end`. Then live events, in resourceVersion
 * order. Selectors apply per event: an object that stops matching arrives as DELETED, one that
 * starts matching as ADDED. BOOKMARKs every `bookmarkIntervalMs` when asked for; the stream ends
 * after `timeoutSeconds`. A watcher that stops reading has its stream closed once its backlog
 * passes `maxBacklogBytes` (the real server also drops slow watchers), never slowing the others.
 */
import type { ServerResponse } from 'node:http';
import { matchesLabels, type LabelSelector } from '../protocol/label-selector.ts';
import type { Clock, TimerHandle } from './clock.ts';
import { matchesFields, type FieldRequirement } from './field-selector.ts';
import type { EventType, KubeObject, ObjectStore, StoreEvent } from './object-store.ts';
import type { ResourceDef } from './resources.ts';
import { apiVersionOf } from './resources.ts';
import { toTable, type IncludeObject } from './table.ts';

export interface WatchOptions {
  def: ResourceDef;
  namespace: string | undefined;
  labels: LabelSelector;
  fields: readonly FieldRequirement[];
  resourceVersion: string | undefined;
  sendInitialEvents: boolean;
  bookmarks: boolean;
  bookmarkIntervalMs: number;
  timeoutMs: number;
  /** Set when the client asked for Table events. */
  table: { apiVersion: string; include: IncludeObject } | null;
  maxBacklogBytes: number;
}

/** Every open watch, for fault injection and shutdown. */
export class WatchRegistry {
  readonly #watches = new Set<WatchStream>();
  add(w: WatchStream): void {
    this.#watches.add(w);
  }
  delete(w: WatchStream): void {
    this.#watches.delete(w);
  }
  get size(): number {
    return this.#watches.size;
  }
  /** Destroys every watch connection abruptly (no final chunk): clients see a broken stream. */
  dropAll(): number {
    const n = this.#watches.size;
    for (const w of [...this.#watches]) w.destroy();
    return n;
  }
  /** Holds back every watch's events for `ms`, then delivers them. */
  stallAll(ms: number): number {
    for (const w of this.#watches) w.stall(ms);
    return this.#watches.size;
  }
  /** Writes one line that is not JSON into every watch stream. */
  malformedLine(): number {
    for (const w of this.#watches) w.writeRaw('{"type":"MODIFIED","object":{"kind":"Pod",\n');
    return this.#watches.size;
  }
  /** Ends every watch cleanly (final chunk), as on shutdown. */
  endAll(): void {
    for (const w of [...this.#watches]) w.end();
  }
}

export class WatchStream {
  readonly #res: ServerResponse;
  readonly #store: ObjectStore;
  readonly #clock: Clock;
  readonly #opts: WatchOptions;
  readonly #registry: WatchRegistry;
  readonly #apiVersion: string;
  #unsubscribe: (() => void) | null = null;
  #timers: TimerHandle[] = [];
  #stalledUntil = 0;
  #stallTimer: TimerHandle | null = null;
  #pending: string[] = [];
  #closed = false;
  #sentColumns = false;

  constructor(
    res: ServerResponse,
    store: ObjectStore,
    clock: Clock,
    registry: WatchRegistry,
    opts: WatchOptions,
  ) {
    this.#res = res;
    this.#store = store;
    this.#clock = clock;
    this.#opts = opts;
    this.#registry = registry;
    this.#apiVersion = apiVersionOf(opts.def);
  }

  /** Writes the headers and the initial events, then follows the store. */
  start(): void {
    const res = this.#res;
    this.#registry.add(this);
    res.on('close', () => {
      this.#cleanup();
    });
    res.on('error', () => {
      this.#cleanup();
    });
    res.writeHead(200, {
      'Content-Type': 'application/json',
      'Cache-Control': 'no-cache, private',
      'Transfer-Encoding': 'chunked',
    });
    res.flushHeaders();
    const o = this.#opts;
    const rv = o.resourceVersion;
    // Subscribe before reading state: events are dispatched synchronously, so nothing is missed.
    this.#unsubscribe = this.#store.subscribe((ev) => {
      this.#onEvent(ev);
    });
    if (o.sendInitialEvents || rv === undefined || rv === '' || rv === '0') {
      const objs: KubeObject[] = [];
      for (const key of this.#store.sortedKeys(o.def.name)) {
        const obj = this.#store.get(o.def.name, key);
        if (obj !== undefined && this.#matches(obj)) objs.push(obj);
      }
      for (const obj of objs) this.#send('ADDED', obj, null);
      if (o.sendInitialEvents) this.#bookmark(true);
    } else {
      const n = /^\d+$/.test(rv) ? Number(rv) : NaN;
      const since = Number.isNaN(n) ? 'expired' : this.#store.eventsSince(n);
      if (since === 'expired') {
        this.#writeLine(
          JSON.stringify({
            type: 'ERROR',
            object: {
              kind: 'Status',
              apiVersion: 'v1',
              metadata: {},
              status: 'Failure',
              message: Number.isNaN(n)
                ? `invalid resource version: ${rv}`
                : `too old resource version: ${n} (${this.#store.oldestResumable})`,
              reason: 'Expired',
              code: 410,
            },
          }) + '\n',
        );
        this.end();
        return;
      }
      for (const ev of since) this.#onEvent(ev);
    }
    if (o.bookmarks && o.bookmarkIntervalMs > 0) this.#scheduleBookmark();
    this.#timers.push(
      this.#clock.setTimer(() => {
        this.end();
      }, o.timeoutMs),
    );
  }

  #scheduleBookmark(): void {
    if (this.#closed) return;
    this.#timers.push(
      this.#clock.setTimer(() => {
        this.#bookmark(false);
        this.#scheduleBookmark();
      }, this.#opts.bookmarkIntervalMs),
    );
  }

  #bookmark(initialEventsEnd: boolean): void {
    const metadata: Record<string, unknown> = {
      resourceVersion: String(this.#store.resourceVersion),
    };
    if (initialEventsEnd) metadata.annotations = { 'k8s.io/initial-events-end': 'true' };
    this.#writeLine(
      JSON.stringify({
        type: 'BOOKMARK',
        object: { kind: this.#opts.def.kind, apiVersion: this.#apiVersion, metadata },
      }) + '\n',
    );
  }

  #matches(obj: KubeObject): boolean {
    const o = this.#opts;
    if (o.namespace !== undefined && obj.metadata.namespace !== o.namespace) return false;
    if (o.labels.requirements.length > 0 && !matchesLabels(o.labels, obj.metadata.labels))
      return false;
    return o.fields.length === 0 || matchesFields(o.fields, obj);
  }

  #onEvent(ev: StoreEvent): void {
    if (ev.resource !== this.#opts.def.name || this.#closed) return;
    const now = this.#matches(ev.object);
    const before = ev.prev !== null && this.#matches(ev.prev);
    if (ev.type === 'DELETED') {
      if (before) this.#send('DELETED', ev.object, ev);
      return;
    }
    if (now && (ev.type === 'ADDED' || before)) this.#send(ev.type, ev.object, ev);
    else if (now) this.#send('ADDED', ev.object, null);
    else if (before) {
      // Stops matching: DELETED carrying the last matching state at this event's version.
      this.#send(
        'DELETED',
        { ...ev.prev, metadata: { ...ev.prev.metadata, resourceVersion: String(ev.rv) } },
        null,
      );
    }
  }

  #send(type: EventType, obj: KubeObject, shared: StoreEvent | null): void {
    const t = this.#opts.table;
    if (t !== null) {
      const table = toTable(this.#opts.def.name, [obj], {
        now: this.#clock.now(),
        include: t.include,
        apiVersion: t.apiVersion,
        withColumns: !this.#sentColumns,
        metadata: { resourceVersion: obj.metadata.resourceVersion ?? '' },
      });
      this.#sentColumns = true;
      this.#writeLine(JSON.stringify({ type, object: table }) + '\n');
      return;
    }
    if (shared !== null && shared.type === type && shared.object === obj) {
      shared.line ??= JSON.stringify({ type, object: obj }) + '\n';
      this.#writeLine(shared.line);
    } else {
      this.#writeLine(JSON.stringify({ type, object: obj }) + '\n');
    }
  }

  #writeLine(line: string): void {
    if (this.#closed) return;
    if (this.#stalledUntil > this.#clock.now()) {
      this.#pending.push(line);
      return;
    }
    this.writeRaw(line);
  }

  /** Writes bytes as they are (the malformed-line fault uses this directly). */
  writeRaw(data: string): void {
    if (this.#closed) return;
    this.#res.write(data);
    if (this.#res.writableLength > this.#opts.maxBacklogBytes) this.destroy();
  }

  stall(ms: number): void {
    if (this.#closed) return;
    this.#stalledUntil = this.#clock.now() + ms;
    this.#stallTimer?.cancel();
    this.#stallTimer = this.#clock.setTimer(() => {
      this.#stalledUntil = 0;
      const pending = this.#pending;
      this.#pending = [];
      for (const line of pending) this.writeRaw(line);
    }, ms);
  }

  /** Ends the stream cleanly (the client sees a normal end of response). */
  end(): void {
    if (this.#closed) return;
    this.#cleanup();
    this.#res.end();
  }

  /** Breaks the connection without a final chunk. */
  destroy(): void {
    if (this.#closed) return;
    this.#cleanup();
    this.#res.destroy();
  }

  #cleanup(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#unsubscribe?.();
    this.#unsubscribe = null;
    for (const t of this.#timers) t.cancel();
    this.#timers = [];
    this.#stallTimer?.cancel();
    this.#pending = [];
    this.#registry.delete(this);
  }
}
