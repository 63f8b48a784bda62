/**
 * Socket write coalescing: every frame a connection sends within one round (the synchronous run
 * of one informer batch through the hub, plus whatever else the same macrotask writes) leaves in
 * one `writev` instead of one syscall per frame. Frames stay separate WebSocket messages, in
 * order: `ws` frames each message with its own header, and corking only delays when the kernel
 * sees the bytes, never what they are.
 *
 * Mechanism: the first write of a round corks the connection's socket (the `net.Socket` the
 * upgrade handed to `ws`, so `ws`'s own `cork()`/`uncork()` pair around header and payload nests
 * inside ours) and enlists it; a microtask queued by the first enlistment uncorks every enlisted
 * socket once the synchronous work of the round is done.
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

/**
 * The round: holds enlisted since the last flush, released together at the end of the macrotask.
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
  readonly #flush = (): void => {
    this.flush();
  };

  /**
   * @param onSent observes one change's latency once its first frame has left (per change, not
   *   per connection).
   * @param now wall clock, default `Date.now`.
   */
  constructor(onSent: (changeTime: number, now: number) => void, now: () => number = Date.now) {
    this.#onSent = onSent;
    this.#now = now;
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
    queueMicrotask(this.#flush);
  }

  /** Releases every hold of the round, then observes the round's latencies. Idempotent. */
  flush(): void {
    this.#scheduled = false;
    // Swap first: a write triggered while releasing (none expected: write callbacks are deferred)
    // would enlist into a fresh round with its own flush.
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
