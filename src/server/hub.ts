/**
 * The fan-out: takes each change from the feed once, serialises it once, keeps it in the replay
 * buffer and hands it to every connection. Also relays the source state.
 */
import type { Logger } from 'pino';
import type { PodView } from '../status/types.ts';
import type { HelloMessage, ServerLimits, SourceInfo } from '../protocol/messages.ts';
import { SUBPROTOCOL } from '../protocol/messages.ts';
import { Connection, type ConnectionContext } from './connection.ts';
import { encodeChange } from './change-frame.ts';
import type { PodFeed } from './feed.ts';
import type { ServerMetrics } from './metrics.ts';
import { ReplayBuffer } from './replay-buffer.ts';

export interface HubOptions {
  feed: PodFeed;
  epoch: string;
  version: string;
  limits: ServerLimits;
  outboxSoftBytes: number;
  outboxHardBytes: number;
  metrics: ServerMetrics;
  log: Logger;
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
  readonly connections = new Set<Connection>();
  readonly #feed: PodFeed;
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
    this.#lastSeq = opts.feed.lastSeq;
    const changes = opts.feed.changes$.subscribe({
      next: (change) => {
        if (change.seq <= this.#lastSeq) return;
        this.#lastSeq = change.seq;
        this.metrics.changes.inc();
        const encoded = { change, body: encodeChange(change) };
        this.replay.push(encoded);
        for (const conn of this.connections) {
          try {
            conn.dispatch(encoded);
          } catch (err) {
            // Never let one connection's failure reach the pipeline or the other connections.
            this.log.error({ err }, 'dispatch failed; closing that connection');
            conn.close(1011, 'internal error');
          }
        }
      },
      error: (err: unknown) => {
        this.log.error({ err }, 'pod feed failed; no further changes will be served');
      },
    });
    const state = opts.feed.state$.subscribe({
      next: (source) => {
        this.#source = source;
        const frame = JSON.stringify({ type: 'source', source });
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
    let n = 0;
    for (const c of this.connections) n += c.subscriptionCount;
    return n;
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
