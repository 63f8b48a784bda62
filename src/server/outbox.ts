/**
 * One connection's outbox: frames go straight to the socket while it keeps up; once it lags, they
 * queue, and queued changes coalesce per pod (latest view wins, ops and previous values merged).
 * Bounded in bytes: past the hard limit the owner is told to give up on the connection.
 */
import type { ChangedFields, ChangeType } from '../status/types.ts';
import { formatCursor } from '../protocol/codec.ts';
import { changeFrame, encodeChangeBody, type ChangeFrames } from './change-frame.ts';

/** What the outbox writes to (a `ws` WebSocket satisfies it). */
export interface Sink {
  /** Bytes accepted but not yet written to the kernel. */
  readonly bufferedAmount: number;
  /** Called with `{ binary: false }`: every frame is a text frame, Buffers hold UTF-8 text. */
  send(data: string | Buffer, options: { binary: boolean }, cb: (err?: Error) => void): void;
}

/** A subscription as the outbox sees it: frames for closed ones are skipped. */
export interface Recipient {
  readonly id: string;
  readonly closed: boolean;
}

export interface OutboxOptions {
  epoch: string;
  /**
   * The seq of the last change dispatched to every connection, matched or not (the hub's counter,
   * read instead of being told per change so that dispatch touches only matching connections).
   */
  lastSeq: () => number;
  /** Queue (and stop writing) once the socket holds this many bytes. */
  softBytes: number;
  /** Give up (call `onOverflow`) once socket + queue hold more than this. */
  hardBytes: number;
  onOverflow: () => void;
  /**
   * Called once per change, when its first frame is written to any socket (shared through
   * `ChangeFrames.firstSend`), with the change's observation time: the latency metric. `held`:
   * the frame was written under `hold` (it leaves when the round ends), not straight away.
   */
  onSent?: (changeTime: number, held: boolean) => void;
  /** Called per change folded into a pending one. */
  onCoalesced?: () => void;
  /**
   * Called before each write made as a frame is pushed (not before the catch-up writes of a
   * lagging outbox): lets the owner cork the socket until the end of the round (see
   * `WriteCoalescer`), so the frames of one round leave in one syscall. Catch-up writes are not
   * held: they run from write callbacks and must keep draining within the turn, and Node already
   * batches them behind a write in progress. Must not throw.
   */
  hold?: { hold(): void } | null;
}

interface FrameItem {
  readonly kind: 'frame';
  readonly data: string | Buffer;
  /** UTF-8 bytes, as the hard limit counts them. */
  readonly bytes: number;
}

interface ChangeEntry {
  readonly kind: 'change';
  readonly uid: string;
  readonly firstSeq: number;
  latest: ChangeFrames;
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

const textFrame = Object.freeze({ binary: false });

/** Bytes on the wire: a string's UTF-8 length (only computed for what is queued, never per write). */
function utf8Bytes(data: string | Buffer): number {
  return typeof data === 'string' ? Buffer.byteLength(data, 'utf8') : data.length;
}

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
  #closed = false;
  #inflight = 0;
  readonly #hold: { hold(): void } | null;

  constructor(sink: Sink, opts: OutboxOptions) {
    this.#sink = sink;
    this.#opts = opts;
    this.#hold = opts.hold ?? null;
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
    return this.lagging ? null : formatCursor(this.#opts.epoch, this.#opts.lastSeq());
  }

  /** Queues or sends a control/snapshot frame (a Buffer may be shared: it is not modified). */
  pushFrame(data: string | Buffer): void {
    if (this.#closed) return;
    if (!this.lagging && this.#sink.bufferedAmount < this.#opts.softBytes) {
      this.#write(data, true);
      return;
    }
    const bytes = utf8Bytes(data);
    this.#queue.push({ kind: 'frame', data, bytes });
    this.#queuedBytes += bytes;
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
   * Sends or queues one change for the recipients and ops given (parallel arrays). The change must
   * be the hub's latest (`opts.lastSeq()` is its seq).
   */
  pushChange(
    frames: ChangeFrames,
    recipients: readonly Recipient[],
    ops: readonly ChangeType[],
  ): void {
    if (this.#closed || recipients.length === 0) return;
    const encoded = frames.encoded;
    const uid = encoded.change.view.uid;
    // Nothing pending (the usual case, a connection that keeps up): skip the lookup.
    const existing = this.#pending.size === 0 ? undefined : this.#pending.get(uid);
    if (existing !== undefined) {
      this.#fold(existing, frames, recipients, ops);
      this.#checkHard();
      return;
    }
    if (!this.lagging && this.#sink.bufferedAmount < this.#opts.softBytes) {
      this.#writeChange(frames, null, recipients, ops, this.#opts.lastSeq(), true);
      return;
    }
    const entry: ChangeEntry = {
      kind: 'change',
      uid,
      firstSeq: encoded.change.seq,
      latest: frames,
      previous: null,
      ops: new Map(),
      bytes: utf8Bytes(encoded.body) + prefixBytes,
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
    frames: ChangeFrames,
    recipients: readonly Recipient[],
    ops: readonly ChangeType[],
  ): void {
    const encoded = frames.encoded;
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
      ...(entry.previous ?? entry.latest.encoded.change.previous),
    };
    const merged: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(earliest)) {
      if (JSON.stringify(value) !== JSON.stringify(view[key])) merged[key] = value;
    }
    entry.previous = merged;
    entry.latest = frames;
    const bytes = utf8Bytes(encoded.body) + prefixBytes;
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

  /** `held`: a write as a frame is pushed, corked for the round; false for catch-up writes. */
  #write(data: string | Buffer, held: boolean): void {
    if (held) this.#hold?.hold();
    this.#inflight++;
    this.#sink.send(data, textFrame, this.#onWritten);
  }

  readonly #onWritten = (): void => {
    this.#inflight--;
    this.#pump();
  };

  #writeChange(
    frames: ChangeFrames,
    previous: ChangedFields | null,
    recipients: readonly Recipient[] | Iterable<[Recipient, ChangeType]>,
    ops: readonly ChangeType[] | null,
    cursorSeq: number,
    held: boolean,
  ): void {
    const c = frames.encoded.change;
    // The shared, already encoded frame fits unless this copy was coalesced (merged previous
    // values) or carries an earlier cursor (later changes still queued behind it).
    const shared = previous === null && cursorSeq === frames.seq;
    if (shared && ops !== null && ops.length === 1) {
      // Fast path, one subscription (the usual case): no grouping, no allocation.
      const r = (recipients as readonly Recipient[])[0];
      const op = ops[0];
      if (r === undefined || op === undefined || r.closed) return;
      this.#write(frames.frameFor(r.id, op), held);
      if (frames.firstSend()) this.#opts.onSent?.(c.time, held);
      return;
    }
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
    let body: string | null = null;
    for (const op of opOrder) {
      const ids = groups[op];
      if (ids === null) continue;
      if (shared) {
        this.#write(frames.frame(ids, op), held);
      } else {
        body ??=
          previous === null
            ? frames.encoded.body
            : encodeChangeBody(c.seq, c.time, c.view, previous);
        this.#write(changeFrame(ids, op, formatCursor(this.#opts.epoch, cursorSeq), body), held);
      }
      sent = true;
    }
    if (sent && frames.firstSend()) this.#opts.onSent?.(c.time, held);
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
          this.#write(text, false);
          continue;
        }
      }
      this.#queue[this.#head] = undefined as unknown as Item;
      this.#head++;
      if (item === undefined || item.kind === 'lazy') continue;
      if (item.kind === 'frame') {
        this.#queuedBytes -= item.bytes;
        this.#write(item.data, false);
        continue;
      }
      this.#queuedBytes -= item.bytes;
      this.#pending.delete(item.uid);
      this.#entryHead++;
      const next = this.#entries[this.#entryHead];
      const cursorSeq = next !== undefined ? next.firstSeq - 1 : this.#opts.lastSeq();
      this.#writeChange(item.latest, item.previous, item.ops, null, cursorSeq, false);
    }
    // Called once per write completion: allocate nothing unless the queue was consumed.
    if (this.#head === 0) return;
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
