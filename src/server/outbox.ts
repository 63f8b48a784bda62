/**
 * One connection's outbox: frames go straight to the socket while it keeps up; once it lags, they
 * queue, and queued changes coalesce per pod (latest view wins, ops and previous values merged).
 * Bounded in bytes: past the hard limit the owner is told to give up on the connection.
 */
import type { ChangedFields, ChangeType } from '../status/types.ts';
import { formatCursor } from '../protocol/codec.ts';
import { changeFrame, encodeChangeBody } from './change-frame.ts';
import type { EncodedChange } from './replay-buffer.ts';

/** What the outbox writes to (a `ws` WebSocket satisfies it). */
export interface Sink {
  /** Bytes accepted but not yet written to the kernel. */
  readonly bufferedAmount: number;
  send(data: string, cb: (err?: Error) => void): void;
}

/** A subscription as the outbox sees it: frames for closed ones are skipped. */
export interface Recipient {
  readonly id: string;
  readonly closed: boolean;
}

export interface OutboxOptions {
  epoch: string;
  /** Queue (and stop writing) once the socket holds this many bytes. */
  softBytes: number;
  /** Give up (call `onOverflow`) once socket + queue hold more than this. */
  hardBytes: number;
  onOverflow: () => void;
  /** Called per change frame written, with the change's observation time (for latency metrics). */
  onSent?: (changeTime: number) => void;
  /** Called per change folded into a pending one. */
  onCoalesced?: () => void;
}

interface FrameItem {
  readonly kind: 'frame';
  readonly text: string;
}

interface ChangeEntry {
  readonly kind: 'change';
  readonly uid: string;
  readonly firstSeq: number;
  latest: EncodedChange;
  /** Merged previous values; null while nothing has been folded (use latest's own). */
  previous: ChangedFields | null;
  readonly ops: Map<Recipient, ChangeType>;
  bytes: number;
}

/** Frames produced on demand as the socket drains (a large snapshot), so they never pile up. */
interface LazyItem {
  readonly kind: 'lazy';
  /** The next frame, or null when done. */
  readonly next: () => string | null;
}

type Item = FrameItem | ChangeEntry | LazyItem;

/** Frames of one change go out in this order. */
const opOrder: readonly ChangeType[] = ['ADDED', 'MODIFIED', 'DELETED'];

/** Frame overhead estimate beyond the body, for byte accounting. */
const prefixBytes = 96;

function mergeOp(before: ChangeType | undefined, after: ChangeType): ChangeType | null {
  if (before === undefined) return after;
  switch (before) {
    case 'ADDED':
      return after === 'DELETED' ? null : 'ADDED';
    case 'MODIFIED':
      return after === 'DELETED' ? 'DELETED' : 'MODIFIED';
    case 'DELETED':
      return after === 'DELETED' ? 'DELETED' : 'MODIFIED';
  }
}

/**
 * Guarantees: frames leave in the order they were pushed, except that a queued change absorbs
 * later changes of the same pod in its place. Every change frame's cursor is a true low-water
 * mark: all changes with seq <= cursor are reflected in what was sent up to and including it.
 * Not thread-safe by design (one event loop); `close()` drops everything queued.
 */
export class Outbox {
  readonly #sink: Sink;
  readonly #opts: OutboxOptions;
  #queue: Item[] = [];
  #head = 0;
  readonly #pending = new Map<string, ChangeEntry>();
  #entries: ChangeEntry[] = [];
  #entryHead = 0;
  #queuedBytes = 0;
  /** The seq of the last change dispatched to this connection, matched or not. */
  #processedSeq: number;
  #closed = false;
  #inflight = 0;

  constructor(sink: Sink, opts: OutboxOptions, startSeq: number) {
    this.#sink = sink;
    this.#opts = opts;
    this.#processedSeq = startSeq;
  }

  /** Bytes waiting in the queue (not yet handed to the socket). */
  get queuedBytes(): number {
    return this.#queuedBytes;
  }

  get lagging(): boolean {
    return this.#head < this.#queue.length;
  }

  /** The resume cursor when nothing is queued, else null. */
  get idleCursor(): string | null {
    return this.lagging ? null : formatCursor(this.#opts.epoch, this.#processedSeq);
  }

  /** Records that change `seq` was dispatched (whether or not it concerned this connection). */
  noteSeq(seq: number): void {
    if (seq > this.#processedSeq) this.#processedSeq = seq;
  }

  /** Queues or sends a control/snapshot frame. */
  pushFrame(text: string): void {
    if (this.#closed) return;
    if (!this.lagging && this.#sink.bufferedAmount < this.#opts.softBytes) {
      this.#write(text);
      return;
    }
    this.#queue.push({ kind: 'frame', text });
    this.#queuedBytes += text.length;
    this.#checkHard();
    this.#kick();
  }

  /**
   * Queues frames produced on demand: `next()` is called each time the socket has room, until it
   * returns null. Its frames are not counted against the hard limit (the producer bounds them);
   * everything pushed later waits behind them.
   */
  pushLazy(next: () => string | null): void {
    if (this.#closed) return;
    this.#queue.push({ kind: 'lazy', next });
    this.#kick();
  }

  /**
   * Sends or queues one change for the recipients and ops given (parallel arrays). Call
   * `noteSeq(change.seq)` first.
   */
  pushChange(
    encoded: EncodedChange,
    recipients: readonly Recipient[],
    ops: readonly ChangeType[],
  ): void {
    if (this.#closed || recipients.length === 0) return;
    const uid = encoded.change.view.uid;
    const existing = this.#pending.get(uid);
    if (existing !== undefined) {
      this.#fold(existing, encoded, recipients, ops);
      this.#checkHard();
      return;
    }
    if (!this.lagging && this.#sink.bufferedAmount < this.#opts.softBytes) {
      this.#writeChange(encoded, null, recipients, ops, this.#processedSeq);
      return;
    }
    const entry: ChangeEntry = {
      kind: 'change',
      uid,
      firstSeq: encoded.change.seq,
      latest: encoded,
      previous: null,
      ops: new Map(),
      bytes: encoded.body.length + prefixBytes,
    };
    for (let i = 0; i < recipients.length; i++) {
      const r = recipients[i];
      const op = ops[i];
      if (r !== undefined && op !== undefined) entry.ops.set(r, op);
    }
    this.#pending.set(uid, entry);
    this.#queue.push(entry);
    this.#entries.push(entry);
    this.#queuedBytes += entry.bytes;
    this.#checkHard();
    this.#kick();
  }

  /** Nothing in flight means no write callback will come to drain the queue: drain now. */
  #kick(): void {
    if (this.#inflight === 0) this.#pump();
  }

  #fold(
    entry: ChangeEntry,
    encoded: EncodedChange,
    recipients: readonly Recipient[],
    ops: readonly ChangeType[],
  ): void {
    for (let i = 0; i < recipients.length; i++) {
      const r = recipients[i];
      const op = ops[i];
      if (r === undefined || op === undefined) continue;
      const merged = mergeOp(entry.ops.get(r), op);
      if (merged === null) entry.ops.delete(r);
      else entry.ops.set(r, merged);
    }
    // Earliest previous value of each field wins; a field back at its earliest value drops out.
    const view = encoded.change.view as unknown as Record<string, unknown>;
    const earliest: Record<string, unknown> = {
      ...encoded.change.previous,
      ...(entry.previous ?? entry.latest.change.previous),
    };
    const merged: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(earliest)) {
      if (JSON.stringify(value) !== JSON.stringify(view[key])) merged[key] = value;
    }
    entry.previous = merged;
    entry.latest = encoded;
    const bytes = encoded.body.length + prefixBytes;
    this.#queuedBytes += bytes - entry.bytes;
    entry.bytes = bytes;
    this.#opts.onCoalesced?.();
  }

  #checkHard(): void {
    if (this.#closed) return;
    if (this.#queuedBytes + this.#sink.bufferedAmount > this.#opts.hardBytes) {
      this.close();
      this.#opts.onOverflow();
    }
  }

  #write(text: string): void {
    this.#inflight++;
    this.#sink.send(text, this.#onWritten);
  }

  readonly #onWritten = (): void => {
    this.#inflight--;
    this.#pump();
  };

  #writeChange(
    encoded: EncodedChange,
    previous: ChangedFields | null,
    recipients: readonly Recipient[] | Iterable<[Recipient, ChangeType]>,
    ops: readonly ChangeType[] | null,
    cursorSeq: number,
  ): void {
    const cursor = formatCursor(this.#opts.epoch, cursorSeq);
    const c = encoded.change;
    const body =
      previous === null ? encoded.body : encodeChangeBody(c.seq, c.time, c.view, previous);
    // Group recipients by op: one frame per op (almost always exactly one).
    const groups: Record<ChangeType, string[] | null> = {
      ADDED: null,
      MODIFIED: null,
      DELETED: null,
    };
    const take = (r: Recipient, op: ChangeType): void => {
      if (!r.closed) (groups[op] ??= []).push(r.id);
    };
    if (ops !== null) {
      const list = recipients as readonly Recipient[];
      for (let i = 0; i < list.length; i++) {
        const r = list[i];
        const op = ops[i];
        if (r !== undefined && op !== undefined) take(r, op);
      }
    } else {
      for (const [r, op] of recipients as Iterable<[Recipient, ChangeType]>) take(r, op);
    }
    let sent = false;
    for (const op of opOrder) {
      const ids = groups[op];
      if (ids === null) continue;
      this.#write(changeFrame(ids, op, cursor, body));
      sent = true;
    }
    if (sent) this.#opts.onSent?.(c.time);
  }

  #pump(): void {
    while (
      !this.#closed &&
      this.#head < this.#queue.length &&
      this.#sink.bufferedAmount < this.#opts.softBytes
    ) {
      const item = this.#queue[this.#head];
      if (item?.kind === 'lazy') {
        const text = item.next();
        if (text !== null) {
          this.#write(text);
          continue;
        }
      }
      this.#queue[this.#head] = undefined as unknown as Item;
      this.#head++;
      if (item === undefined || item.kind === 'lazy') continue;
      if (item.kind === 'frame') {
        this.#queuedBytes -= item.text.length;
        this.#write(item.text);
        continue;
      }
      this.#queuedBytes -= item.bytes;
      this.#pending.delete(item.uid);
      this.#entryHead++;
      const next = this.#entries[this.#entryHead];
      const cursorSeq = next !== undefined ? next.firstSeq - 1 : this.#processedSeq;
      this.#writeChange(item.latest, item.previous, item.ops, null, cursorSeq);
    }
    if (this.#head >= this.#queue.length) {
      this.#queue = [];
      this.#head = 0;
      this.#entries = [];
      this.#entryHead = 0;
    } else if (this.#head > 4096 && this.#head * 2 > this.#queue.length) {
      this.#queue = this.#queue.slice(this.#head);
      this.#head = 0;
      this.#entries = this.#entries.slice(this.#entryHead);
      this.#entryHead = 0;
    }
  }

  /**
   * Stops later changes from folding into what is queued now. Called before a subscription's
   * snapshot or replay is queued, so no newer change of a pod can overtake them.
   */
  seal(): void {
    this.#pending.clear();
  }

  /** Drops everything queued; later pushes are ignored. Idempotent. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#queue = [];
    this.#head = 0;
    this.#entries = [];
    this.#entryHead = 0;
    this.#pending.clear();
    this.#queuedBytes = 0;
  }
}
