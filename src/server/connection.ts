/**
 * One WebSocket connection: decodes client frames, owns its subscriptions and its outbox.
 * Every bad frame is answered with an error frame; nothing a client sends can throw out of here.
 */
import type { Logger } from 'pino';
import type { WebSocket } from 'ws';
import type { ChangeType, PodView } from '../status/types.ts';
import { decodeClientMessage, formatCursor, parseCursor } from '../protocol/codec.ts';
import type { WireError } from '../protocol/codec.ts';
import { compileFilter, filterMatches, opForFilter, type PodFilter } from '../protocol/filter.ts';
import type { ErrorMessage, ResetReason, SubscribeMessage } from '../protocol/messages.ts';
import { changeFrame, type ChangeFrames } from './change-frame.ts';
import { Outbox, type Recipient } from './outbox.ts';
import type { ReplayBuffer } from './replay-buffer.ts';
import type { ServerMetrics } from './metrics.ts';
import type { SubscriptionIndex } from './subscription-index.ts';
import type { Corkable, SocketHold, WriteCoalescer } from './write-coalescer.ts';

/** What a connection needs from the hub that owns it. */
export interface ConnectionContext {
  readonly epoch: string;
  readonly maxSubscriptions: number;
  readonly snapshotChunk: number;
  readonly outboxSoftBytes: number;
  readonly outboxHardBytes: number;
  readonly replay: ReplayBuffer;
  /** Every live subscription of every connection; the hub dispatches changes from it. */
  readonly subscriptions: SubscriptionIndex<Subscription>;
  /** Seq of the last change the hub dispatched. */
  lastDispatchedSeq(): number;
  /** The current views and the seq they reflect, read atomically. */
  snapshot(): { views: Iterable<PodView>; seq: number };
  readonly metrics: ServerMetrics;
  readonly log: Logger;
  /** Coalesces each round's socket writes; null: every frame is its own write. */
  readonly writes: WriteCoalescer | null;
}

let subscriptionOrder = 0;

/**
 * One subscription of a connection. `closed` once unsubscribed or the connection ended: from then
 * on nothing more is produced for it (its snapshot and replay stop mid-way, queued changes skip it).
 */
export class Subscription implements Recipient {
  readonly id: string;
  readonly filter: PodFilter;
  readonly owner: Connection;
  /** Creation order: a frame for several subscriptions lists their ids in this order. */
  readonly order = subscriptionOrder++;
  /** Changes with seq <= fromSeq are already covered by its snapshot or replay. */
  readonly fromSeq: number;
  closed = false;
  constructor(owner: Connection, id: string, filter: PodFilter, fromSeq: number) {
    this.owner = owner;
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
  /** This connection's hold on its socket while a round's frames are written; null: no corking. */
  readonly #hold: SocketHold | null;
  /** Heartbeat: set when a pong arrives, cleared when a ping is sent. */
  alive = true;
  #closed = false;
  // The current dispatch's matches, filled by the hub through `offer`, reused to avoid allocating.
  readonly #recipients: Subscription[] = [];
  readonly #ops: ChangeType[] = [];

  /**
   * @param socket the socket under `ws` (the one the upgrade handed to `handleUpgrade`), corked
   *   per round when `ctx.writes` is set; absent: frames are written one by one.
   */
  constructor(ws: WebSocket, ctx: ConnectionContext, log: Logger, socket?: Corkable) {
    this.#ws = ws;
    this.#ctx = ctx;
    this.#log = log;
    const writes = ctx.writes;
    const hold = writes !== null && socket !== undefined ? writes.holdFor(socket) : null;
    this.#hold = hold;
    this.#outbox = new Outbox(ws, {
      epoch: ctx.epoch,
      lastSeq: () => ctx.lastDispatchedSeq(),
      softBytes: ctx.outboxSoftBytes,
      hardBytes: ctx.outboxHardBytes,
      onOverflow: () => {
        this.#overflow();
      },
      // Held writes leave when the round ends: the coalescer observes the latency then.
      onSent: (time, held) => {
        if (held && hold !== null && writes !== null) writes.sent(time);
        else ctx.metrics.sendLatency.observe(Math.max(0, Date.now() - time) / 1000);
      },
      onCoalesced: () => {
        ctx.metrics.coalesced.inc();
      },
      hold,
    });
  }

  get subscriptionCount(): number {
    return this.#subs.size;
  }

  get queuedBytes(): number {
    return this.#outbox.queuedBytes;
  }

  /** Queues a frame built by the hub (hello, source); a Buffer may be shared, it is not modified. */
  sendFrame(data: string | Buffer): void {
    this.#outbox.pushFrame(data);
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
        this.#drop(sub);
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
    const sub = this.#add(id, filter, last);
    this.#outbox.pushFrame(JSON.stringify({ type: 'resumed', id, cursor: text }));
    // Replayed frames are produced as the socket drains, like snapshots; an unsubscribe stops them.
    const ids = [id];
    let i = 0;
    this.#outbox.pushLazy(() => {
      while (i < missed.length && !sub.closed) {
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
    const sub = this.#add(id, filter, seq);
    // Views are immutable: holding references fixes the snapshot at `seq`; frames are serialised
    // chunk by chunk as the socket drains, so a 100k-pod snapshot never sits in memory as JSON.
    const matched: PodView[] = [];
    for (const v of views) if (filter.all || filterMatches(filter, v)) matched.push(v);
    const chunk = ctx.snapshotChunk;
    const cursor = formatCursor(ctx.epoch, seq);
    let at = 0;
    let done = false;
    this.#outbox.pushLazy(() => {
      // After an unsubscribe (and perhaps a new subscription under the same id) the rest of this
      // snapshot, final chunk included, must not be sent.
      if (done || sub.closed) return null;
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

  #add(id: string, filter: PodFilter, fromSeq: number): Subscription {
    const sub = new Subscription(this, id, filter, fromSeq);
    this.#subs.set(id, sub);
    this.#ctx.subscriptions.add(sub);
    return sub;
  }

  #drop(sub: Subscription): void {
    sub.closed = true;
    this.#ctx.subscriptions.remove(sub);
  }

  /**
   * Hot path, called by the hub for each of this connection's subscriptions a change concerns
   * (op already relative to its filter). True for the first of a dispatch: the hub then calls
   * `flush` once the change has been offered to every candidate.
   */
  offer(sub: Subscription, op: ChangeType): boolean {
    const recipients = this.#recipients;
    recipients.push(sub);
    this.#ops.push(op);
    return recipients.length === 1;
  }

  /** Sends or queues the change offered since the last flush, one frame per op. */
  flush(frames: ChangeFrames): void {
    const recipients = this.#recipients;
    const ops = this.#ops;
    try {
      if (this.#closed || recipients.length === 0) return;
      // Candidates come bucket by bucket; list ids in subscription order (insertion sort: tiny).
      for (let i = 1; i < recipients.length; i++) {
        const r = recipients[i];
        const op = ops[i];
        if (r === undefined || op === undefined) continue;
        let j = i - 1;
        for (; j >= 0; j--) {
          const prev = recipients[j];
          const prevOp = ops[j];
          if (prev === undefined || prevOp === undefined || prev.order < r.order) break;
          recipients[j + 1] = prev;
          ops[j + 1] = prevOp;
        }
        recipients[j + 1] = r;
        ops[j + 1] = op;
      }
      this.#outbox.pushChange(frames, recipients, ops);
    } finally {
      recipients.length = 0;
      ops.length = 0;
    }
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
    for (const sub of this.#subs.values()) this.#drop(sub);
    this.#subs.clear();
    try {
      this.#ws.close(code, reason);
    } catch {
      this.#ws.terminate();
    }
    // Let the close frame (and anything held before it) leave now; never leave the socket corked.
    this.#hold?.release();
  }

  /** Marks the connection gone (socket already closed). Idempotent. */
  detach(): void {
    this.#hold?.release();
    if (this.#closed) return;
    this.#closed = true;
    this.#outbox.close();
    for (const sub of this.#subs.values()) this.#drop(sub);
    this.#subs.clear();
  }
}
