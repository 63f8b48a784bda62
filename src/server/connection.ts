/**
 * One WebSocket connection: decodes client frames, owns its subscriptions and its outbox.
 * Every bad frame is answered with an error frame; nothing a client sends can throw out of here.
 */
import type { Logger } from 'pino';
import type { WebSocket } from 'ws';
import type { ChangeType, PodChange, PodView } from '../status/types.ts';
import { decodeClientMessage, formatCursor, parseCursor } from '../protocol/codec.ts';
import type { WireError } from '../protocol/codec.ts';
import { compileFilter, filterMatches, opForFilter, type PodFilter } from '../protocol/filter.ts';
import type { ErrorMessage, ResetReason, SubscribeMessage } from '../protocol/messages.ts';
import { changeFrame } from './change-frame.ts';
import { Outbox, type Recipient } from './outbox.ts';
import type { EncodedChange, ReplayBuffer } from './replay-buffer.ts';
import type { ServerMetrics } from './metrics.ts';

/** What a connection needs from the hub that owns it. */
export interface ConnectionContext {
  readonly epoch: string;
  readonly maxSubscriptions: number;
  readonly snapshotChunk: number;
  readonly outboxSoftBytes: number;
  readonly outboxHardBytes: number;
  readonly replay: ReplayBuffer;
  /** Seq of the last change the hub dispatched. */
  lastDispatchedSeq(): number;
  /** The current views and the seq they reflect, read atomically. */
  snapshot(): { views: Iterable<PodView>; seq: number };
  readonly metrics: ServerMetrics;
  readonly log: Logger;
}

/** One subscription of a connection. `closed` once unsubscribed or the connection ended. */
export class Subscription implements Recipient {
  readonly id: string;
  readonly filter: PodFilter;
  /** Changes with seq <= fromSeq are already covered by its snapshot or replay. */
  fromSeq: number;
  closed = false;
  constructor(id: string, filter: PodFilter, fromSeq: number) {
    this.id = id;
    this.filter = filter;
    this.fromSeq = fromSeq;
  }
}

export class Connection {
  readonly #ws: WebSocket;
  readonly #ctx: ConnectionContext;
  readonly #subs = new Map<string, Subscription>();
  readonly #outbox: Outbox;
  readonly #log: Logger;
  /** Heartbeat: set when a pong arrives, cleared when a ping is sent. */
  alive = true;
  #closed = false;
  // Reused per dispatch to avoid allocating on the hot path.
  readonly #recipients: Subscription[] = [];
  readonly #ops: ChangeType[] = [];

  constructor(ws: WebSocket, ctx: ConnectionContext, log: Logger) {
    this.#ws = ws;
    this.#ctx = ctx;
    this.#log = log;
    this.#outbox = new Outbox(
      ws,
      {
        epoch: ctx.epoch,
        softBytes: ctx.outboxSoftBytes,
        hardBytes: ctx.outboxHardBytes,
        onOverflow: () => {
          this.#overflow();
        },
        onSent: (time) => {
          ctx.metrics.sendLatency.observe(Math.max(0, Date.now() - time) / 1000);
        },
        onCoalesced: () => {
          ctx.metrics.coalesced.inc();
        },
      },
      ctx.lastDispatchedSeq(),
    );
  }

  get subscriptionCount(): number {
    return this.#subs.size;
  }

  get queuedBytes(): number {
    return this.#outbox.queuedBytes;
  }

  /** Queues a frame built by the hub (hello, source). */
  sendFrame(text: string): void {
    this.#outbox.pushFrame(text);
  }

  /** Handles one frame from the client. Never throws. */
  receive(data: Buffer | ArrayBuffer | Buffer[], isBinary: boolean): void {
    if (this.#closed) return;
    if (isBinary) {
      this.#error({
        code: 'PP_ERR_WIRE_BINARY',
        message: 'binary frames are not part of protocol podpulse.v1: send JSON text frames',
        id: null,
      });
      return;
    }
    const text = Array.isArray(data)
      ? Buffer.concat(data).toString('utf8')
      : Buffer.isBuffer(data)
        ? data.toString('utf8')
        : Buffer.from(data).toString('utf8');
    const decoded = decodeClientMessage(text);
    if (!decoded.ok) {
      this.#error(decoded.error);
      return;
    }
    const msg = decoded.value;
    switch (msg.type) {
      case 'ping':
        this.#outbox.pushFrame(
          JSON.stringify({ type: 'pong', id: msg.id ?? null, cursor: this.#outbox.idleCursor }),
        );
        return;
      case 'unsubscribe': {
        const sub = this.#subs.get(msg.id);
        if (sub === undefined) {
          this.#error({
            code: 'PP_ERR_SUB_UNKNOWN',
            message: `no subscription with id ${JSON.stringify(msg.id)} on this connection`,
            id: msg.id,
          });
          return;
        }
        sub.closed = true;
        this.#subs.delete(msg.id);
        return;
      }
      case 'subscribe':
        this.#subscribe(msg);
        return;
    }
  }

  #subscribe(msg: SubscribeMessage): void {
    const ctx = this.#ctx;
    if (this.#subs.has(msg.id)) {
      this.#error({
        code: 'PP_ERR_SUB_DUPLICATE',
        message: `subscription id ${JSON.stringify(msg.id)} is already in use on this connection; unsubscribe it first or pick another id`,
        id: msg.id,
      });
      return;
    }
    if (this.#subs.size >= ctx.maxSubscriptions) {
      this.#error({
        code: 'PP_ERR_SUB_LIMIT',
        message: `at most ${ctx.maxSubscriptions} subscriptions per connection; unsubscribe one first`,
        id: msg.id,
      });
      return;
    }
    const compiled = compileFilter(msg, msg.id);
    if (!compiled.ok) {
      this.#error(compiled.error);
      return;
    }
    const filter = compiled.value;
    // Nothing newer may overtake this subscription's snapshot or replay in the outbox.
    this.#outbox.seal();
    if (msg.resume != null) {
      const reset = this.#tryResume(msg.id, filter, msg.resume);
      if (reset === null) return;
      this.#outbox.pushFrame(
        JSON.stringify({ type: 'reset', id: msg.id, reason: reset.reason, message: reset.message }),
      );
    }
    this.#sendSnapshot(msg.id, filter);
  }

  /** Replays from the ring; returns null on success, else why a reset is needed. */
  #tryResume(
    id: string,
    filter: PodFilter,
    text: string,
  ): { reason: ResetReason; message: string } | null {
    const ctx = this.#ctx;
    const cursor = parseCursor(text);
    if (cursor === null || cursor.epoch !== ctx.epoch) {
      return {
        reason: 'cursor-epoch',
        message: `cursor ${text} is from another server life (this one is ${ctx.epoch})`,
      };
    }
    const last = ctx.lastDispatchedSeq();
    if (cursor.seq > last) {
      return {
        reason: 'cursor-ahead',
        message: `cursor ${text} is ahead of this server (last change ${last})`,
      };
    }
    const missed = cursor.seq === last ? [] : ctx.replay.since(cursor.seq);
    if (missed === null) {
      return {
        reason: 'cursor-expired',
        message: `cursor ${text} is older than the replay buffer (oldest change ${ctx.replay.firstSeq ?? last})`,
      };
    }
    this.#subs.set(id, new Subscription(id, filter, last));
    this.#outbox.pushFrame(JSON.stringify({ type: 'resumed', id, cursor: text }));
    // Replayed frames are produced as the socket drains, like snapshots.
    const ids = [id];
    let i = 0;
    this.#outbox.pushLazy(() => {
      while (i < missed.length) {
        const e = missed[i++];
        if (e === undefined || e.change.seq > last) break;
        const c = e.change;
        const op = opForFilter(filter, c.type, c.view, c.previous);
        if (op !== null) return changeFrame(ids, op, formatCursor(ctx.epoch, c.seq), e.body);
      }
      i = missed.length;
      return null;
    });
    return null;
  }

  #sendSnapshot(id: string, filter: PodFilter): void {
    const ctx = this.#ctx;
    const { views, seq } = ctx.snapshot();
    this.#subs.set(id, new Subscription(id, filter, seq));
    // Views are immutable: holding references fixes the snapshot at `seq`; frames are serialised
    // chunk by chunk as the socket drains, so a 100k-pod snapshot never sits in memory as JSON.
    const matched: PodView[] = [];
    for (const v of views) if (filter.all || filterMatches(filter, v)) matched.push(v);
    const chunk = ctx.snapshotChunk;
    const cursor = formatCursor(ctx.epoch, seq);
    let at = 0;
    let done = false;
    this.#outbox.pushLazy(() => {
      if (done) return null;
      const items = matched.slice(at, at + chunk);
      at += items.length;
      const final = at >= matched.length;
      if (final) done = true;
      return JSON.stringify({
        type: 'snapshot',
        id,
        items,
        final,
        cursor: final ? cursor : null,
        total: final ? matched.length : null,
      });
    });
  }

  /** Hot path: one change, evaluated against this connection's subscriptions. */
  dispatch(encoded: EncodedChange): void {
    if (this.#closed) return;
    const c: PodChange = encoded.change;
    this.#outbox.noteSeq(c.seq);
    if (this.#subs.size === 0) return;
    const recipients = this.#recipients;
    const ops = this.#ops;
    recipients.length = 0;
    ops.length = 0;
    for (const sub of this.#subs.values()) {
      if (c.seq <= sub.fromSeq) continue;
      const op = opForFilter(sub.filter, c.type, c.view, c.previous);
      if (op === null) continue;
      recipients.push(sub);
      ops.push(op);
    }
    if (recipients.length > 0) this.#outbox.pushChange(encoded, recipients, ops);
  }

  #error(err: WireError): void {
    this.#ctx.metrics.protocolErrors.inc({ code: err.code });
    this.#log.debug({ code: err.code, id: err.id }, 'protocol error');
    const msg: ErrorMessage = { type: 'error', code: err.code, message: err.message, id: err.id };
    this.#outbox.pushFrame(JSON.stringify(msg));
  }

  #overflow(): void {
    this.#ctx.metrics.dropped.inc();
    this.#log.warn(
      { subscriptions: this.#subs.size },
      'slow consumer: outbox passed the hard limit, closing with 1013',
    );
    this.close(1013, 'PP_ERR_SLOW_CONSUMER: outbox full; reconnect and resume');
  }

  /** Closes the socket (once) and drops the outbox. */
  close(code: number, reason: string): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#outbox.close();
    for (const sub of this.#subs.values()) sub.closed = true;
    this.#subs.clear();
    try {
      this.#ws.close(code, reason);
    } catch {
      this.#ws.terminate();
    }
  }

  /** Marks the connection gone (socket already closed). Idempotent. */
  detach(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#outbox.close();
    for (const sub of this.#subs.values()) sub.closed = true;
    this.#subs.clear();
  }
}
