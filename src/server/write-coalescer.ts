/**
 * Socket write coalescing: every frame a connection sends within one round (one turn of the event
 * loop: the informer batches read in that turn, run through the hub, plus whatever else the turn
 * writes) leaves in one `writev` instead of one syscall per frame. Frames stay separate WebSocket messages, in
 * order: `ws` frames each message with its own header, and corking only delays when the kernel
 * sees the bytes, never what they are.
 *
 * Mechanism: the first write of a round corks the connection's socket (the `net.Socket` the
 * upgrade handed to `ws`, so `ws`'s own `cork()`/`uncork()` pair around header and payload nests
 * inside ours) and enlists it; a `setImmediate` queued by the first enlistment uncorks every
 * enlisted socket once the turn's I/O callbacks have run. A turn rather than a microtask: under
 * load one turn reads several chunks of the watch stream, and each chunk is its own macrotask, so
 * the turn is the larger batch (measured end to end: about 15% less server CPU per event than a
 * microtask at 100 subscribers, 20–45% less at 1,000, same latency; docs/protocol.md).
 */

/** The part of a `net.Socket` (any `Writable`) the coalescer uses. */
export interface Corkable {
  cork(): void;
  uncork(): void;
}

/**
 * One connection's hold on its socket. `hold()` before each write is cheap after the first of a
 * round (one field test). `release()` uncorks now; idempotent, and called by the owner on close so
 * a closed connection never leaves its socket corked.
 */
export class SocketHold {
  readonly #socket: Corkable;
  readonly #coalescer: WriteCoalescer;
  #held = false;

  constructor(socket: Corkable, coalescer: WriteCoalescer) {
    this.#socket = socket;
    this.#coalescer = coalescer;
  }

  get held(): boolean {
    return this.#held;
  }

  /** Corks the socket until the end of the current round (no-op if already held). */
  hold(): void {
    if (this.#held) return;
    this.#held = true;
    this.#socket.cork();
    this.#coalescer.enlist(this);
  }

  /** Uncorks the socket if held, writing everything held in one go. Never throws. */
  release(): void {
    if (!this.#held) return;
    this.#held = false;
    try {
      this.#socket.uncork();
    } catch {
      // A destroyed socket has nothing left to write; its owner sees the close.
    }
  }
}

/** What `WriteCoalescer` needs besides the latency sink. */
export interface WriteCoalescerOptions {
  /**
   * Observes one change's latency once its first frame has left (once per change, not per
   * connection).
   */
  onSent: (changeTime: number, now: number) => void;
  /** Wall clock; default `Date.now`. */
  now?: () => number;
  /** Runs the end of a round; default `setImmediate`. Tests inject a manual one. */
  schedule?: (flush: () => void) => void;
}

const nextTurn = (flush: () => void): void => {
  setImmediate(flush);
};

/**
 * The round: holds enlisted since the last flush, released together at the end of the turn.
 * Also defers the send-latency observations of the round to the moment the bytes really leave, so
 * `podpulse_event_to_send_seconds` keeps meaning "observed → written to the socket".
 *
 * Guarantees: every hold enlisted is released by the flush queued at its enlistment (or earlier, by
 * its owner); a release that fails does not stop the others. One instance per server; not
 * thread-safe by design (one event loop).
 */
export class WriteCoalescer {
  #holds: SocketHold[] = [];
  #spare: SocketHold[] = [];
  #times: number[] = [];
  #scheduled = false;
  readonly #onSent: (changeTime: number, now: number) => void;
  readonly #now: () => number;
  readonly #endOfRound: (flush: () => void) => void;
  readonly #flush = (): void => {
    this.flush();
  };

  constructor(opts: WriteCoalescerOptions) {
    this.#onSent = opts.onSent;
    this.#now = opts.now ?? Date.now;
    this.#endOfRound = opts.schedule ?? nextTurn;
  }

  /** Holds enlisted in the current round and not yet flushed (0 between rounds). */
  get pending(): number {
    return this.#holds.length;
  }

  /** A hold for one connection's socket. */
  holdFor(socket: Corkable): SocketHold {
    return new SocketHold(socket, this);
  }

  /** Called by `SocketHold.hold()`. */
  enlist(hold: SocketHold): void {
    this.#holds.push(hold);
    this.#schedule();
  }

  /** Records that a change's first frame was handed to a held socket this round. */
  sent(changeTime: number): void {
    this.#times.push(changeTime);
    this.#schedule();
  }

  #schedule(): void {
    if (this.#scheduled) return;
    this.#scheduled = true;
    this.#endOfRound(this.#flush);
  }

  /** Releases every hold of the round, then observes the round's latencies. Idempotent. */
  flush(): void {
    this.#scheduled = false;
    // Swap first: a write triggered while releasing (none expected: write callbacks are deferred)
    // enlists into a fresh round with its own flush.
    const holds = this.#holds;
    this.#holds = this.#spare;
    for (let i = 0; i < holds.length; i++) holds[i]?.release();
    holds.length = 0;
    this.#spare = holds;
    const times = this.#times;
    if (times.length === 0) return;
    this.#times = [];
    const now = this.#now();
    for (let i = 0; i < times.length; i++) {
      const t = times[i];
      if (t !== undefined) this.#onSent(t, now);
    }
  }
}
