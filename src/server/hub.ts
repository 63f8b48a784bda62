/**
 * The fan-out: takes each change from the feed once, serialises it once, keeps it in the replay
 * buffer and hands it to the connections with a subscription it concerns. Also relays the source
 * state and decides readiness.
 */
import type { Logger } from 'pino';
import type { PodChange, PodView } from '../status/types.ts';
import { opForFilter } from '../protocol/filter.ts';
import type { HelloMessage, ServerLimits, SourceInfo } from '../protocol/messages.ts';
import { SUBPROTOCOL } from '../protocol/messages.ts';
import { Connection, type ConnectionContext, type Subscription } from './connection.ts';
import { ChangeFrames, encodeChange } from './change-frame.ts';
import type { PodFeed } from './feed.ts';
import type { ServerMetrics } from './metrics.ts';
import { ReplayBuffer } from './replay-buffer.ts';
import { SubscriptionIndex } from './subscription-index.ts';
import { WriteCoalescer } from './write-coalescer.ts';

export interface HubOptions {
  feed: PodFeed;
  epoch: string;
  version: string;
  limits: ServerLimits;
  outboxSoftBytes: number;
  outboxHardBytes: number;
  metrics: ServerMetrics;
  log: Logger;
  /**
   * How long a source that was synced may be `reconnecting` and still count as ready (a watch
   * blip or a 410 relist must not take every replica out of its Service at once).
   */
  readyGraceMs: number;
  /** Clock for readiness; default `Date.now`. */
  now?: () => number;
  /**
   * Cork each connection's socket for one round of writes (see `WriteCoalescer`); default true.
   * False writes every frame on its own (one syscall each): for A/B measurements.
   */
  coalesceWrites?: boolean;
}

/** Whether the server should receive traffic, and why not. */
export interface Readiness {
  ready: boolean;
  /** One line for `/readyz`. */
  reason: string;
}

export class Hub implements ConnectionContext {
  readonly epoch: string;
  readonly maxSubscriptions: number;
  readonly snapshotChunk: number;
  readonly outboxSoftBytes: number;
  readonly outboxHardBytes: number;
  readonly replay: ReplayBuffer;
  readonly metrics: ServerMetrics;
  readonly log: Logger;
  readonly writes: WriteCoalescer | null;
  readonly connections = new Set<Connection>();
  readonly subscriptions = new SubscriptionIndex<Subscription>();
  readonly #feed: PodFeed;
  readonly #now: () => number;
  readonly #readyGraceMs: number;
  #everSynced = false;
  /** When the source left `synced` for `reconnecting` (kept across reconnecting → reconnecting). */
  #reconnectingSince: number | null = null;
  /** Connections with a match in the current dispatch; reused. */
  readonly #touched: Connection[] = [];
  readonly #limits: ServerLimits;
  readonly #version: string;
  #lastSeq: number;
  #source: SourceInfo = { state: 'connecting', since: Date.now(), message: null };
  readonly #unsubscribe: (() => void)[] = [];

  constructor(opts: HubOptions) {
    this.epoch = opts.epoch;
    this.maxSubscriptions = opts.limits.maxSubscriptions;
    this.snapshotChunk = opts.limits.snapshotChunk;
    this.outboxSoftBytes = opts.outboxSoftBytes;
    this.outboxHardBytes = opts.outboxHardBytes;
    this.replay = new ReplayBuffer(opts.limits.replayDepth);
    this.metrics = opts.metrics;
    this.log = opts.log;
    this.#feed = opts.feed;
    this.#limits = opts.limits;
    this.#version = opts.version;
    this.#now = opts.now ?? Date.now;
    this.#readyGraceMs = opts.readyGraceMs;
    this.#lastSeq = opts.feed.lastSeq;
    const latency = opts.metrics.sendLatency;
    this.writes =
      opts.coalesceWrites === false
        ? null
        : new WriteCoalescer({
            onSent: (time, now) => {
              latency.observe(Math.max(0, now - time) / 1000);
            },
          });
    const changes = opts.feed.changes$.subscribe({
      next: (change) => {
        if (change.seq <= this.#lastSeq) return;
        this.#lastSeq = change.seq;
        this.metrics.changes.inc();
        const encoded = { change, body: encodeChange(change) };
        this.replay.push(encoded);
        this.#dispatch(new ChangeFrames(encoded, this.epoch));
      },
      error: (err: unknown) => {
        this.log.error({ err }, 'pod feed failed; no further changes will be served');
      },
    });
    const state = opts.feed.state$.subscribe({
      next: (source) => {
        this.#noteSource(source);
        const frame = Buffer.from(JSON.stringify({ type: 'source', source }), 'utf8');
        for (const conn of this.connections) conn.sendFrame(frame);
      },
    });
    this.#unsubscribe.push(
      () => {
        changes.unsubscribe();
      },
      () => {
        state.unsubscribe();
      },
    );
  }

  get source(): SourceInfo {
    return this.#source;
  }

  #noteSource(source: SourceInfo): void {
    this.#source = source;
    if (source.state === 'synced') this.#everSynced = true;
    if (source.state !== 'reconnecting') this.#reconnectingSince = null;
    else this.#reconnectingSince ??= this.#now();
  }

  /**
   * Ready while the source is synced, and while it has been reconnecting for less than
   * `readyGraceMs` after having been synced (its data is at most that old; the source itself turns
   * `stale` when it stays unreachable). Not ready while connecting (never synced) or stale.
   */
  readiness(): Readiness {
    const s = this.#source;
    const why = `source is ${s.state}${s.message === null ? '' : `: ${s.message}`}`;
    if (s.state === 'synced') return { ready: true, reason: 'source is synced' };
    if (s.state === 'reconnecting' && this.#everSynced && this.#reconnectingSince !== null) {
      const ms = this.#now() - this.#reconnectingSince;
      if (ms < this.#readyGraceMs)
        return { ready: true, reason: `${why} (for ${ms} ms; ready for ${this.#readyGraceMs} ms)` };
      return {
        ready: false,
        reason: `${why} (for ${ms} ms, longer than ${this.#readyGraceMs} ms)`,
      };
    }
    return { ready: false, reason: why };
  }

  /**
   * Hot path: offers the change to the subscriptions that can want it (its namespace's and those
   * without a namespace filter), then lets each connection with a match send one frame per op.
   */
  #dispatch(frames: ChangeFrames): void {
    const c = frames.encoded.change;
    const touched = this.#touched;
    const inNamespace = this.subscriptions.inNamespace(c.view.namespace);
    if (inNamespace !== undefined) for (const sub of inNamespace) this.#offer(sub, c, touched);
    for (const sub of this.subscriptions.anyNamespace) this.#offer(sub, c, touched);
    for (let i = 0; i < touched.length; i++) {
      const conn = touched[i];
      if (conn === undefined) continue;
      try {
        conn.flush(frames);
      } catch (err) {
        // Never let one connection's failure reach the pipeline or the other connections.
        this.log.error({ err }, 'dispatch failed; closing that connection');
        conn.close(1011, 'internal error');
      }
    }
    touched.length = 0;
    // Lagging outboxes may keep this change queued: let them keep the body, not every Buffer.
    frames.endDispatch();
  }

  #offer(sub: Subscription, c: PodChange, touched: Connection[]): void {
    if (c.seq <= sub.fromSeq || sub.closed) return;
    try {
      const op = opForFilter(sub.filter, c.type, c.view, c.previous);
      if (op !== null && sub.owner.offer(sub, op)) touched.push(sub.owner);
    } catch (err) {
      this.log.error({ err }, 'dispatch failed; closing that connection');
      sub.owner.close(1011, 'internal error');
    }
  }

  lastDispatchedSeq(): number {
    return this.#lastSeq;
  }

  snapshot(): { views: Iterable<PodView>; seq: number } {
    return { views: this.#feed.snapshot(), seq: this.#feed.lastSeq };
  }

  hello(): string {
    const msg: HelloMessage = {
      type: 'hello',
      protocol: SUBPROTOCOL,
      server: { name: 'podpulse', version: this.#version },
      epoch: this.epoch,
      limits: this.#limits,
      source: this.#source,
    };
    return JSON.stringify(msg);
  }

  subscriptionCount(): number {
    return this.subscriptions.size;
  }

  outboxBytes(): number {
    let n = 0;
    for (const c of this.connections) n += c.queuedBytes;
    return n;
  }

  /** Stops listening to the feed. Idempotent. */
  close(): void {
    for (const u of this.#unsubscribe.splice(0)) u();
  }
}
