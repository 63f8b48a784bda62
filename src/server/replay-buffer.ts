/**
 * A ring of the last N changes, each with its wire body serialised once, for resume by cursor.
 */
import type { PodChange } from '../status/types.ts';

/** A change and its shared, pre-serialised wire body (see `change-frame.ts`). */
export interface EncodedChange {
  readonly change: PodChange;
  readonly body: string;
}

/**
 * Bounded to `capacity` entries; the oldest falls out first. Appends must come in increasing
 * `seq` order (the pipeline's order); a seq gap empties the buffer, so a range is only ever
 * replayed when it is complete.
 */
export class ReplayBuffer {
  readonly #ring: (EncodedChange | undefined)[];
  #start = 0;
  #size = 0;

  constructor(capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1)
      throw new RangeError(`ReplayBuffer capacity must be a positive integer, got ${capacity}`);
    this.#ring = new Array<EncodedChange | undefined>(capacity);
  }

  get size(): number {
    return this.#size;
  }

  /** The seq of the newest entry, or null when empty. */
  get lastSeq(): number | null {
    return this.#size === 0 ? null : this.#at(this.#size - 1).change.seq;
  }

  /** The seq of the oldest entry, or null when empty. */
  get firstSeq(): number | null {
    return this.#size === 0 ? null : this.#at(0).change.seq;
  }

  #at(i: number): EncodedChange {
    const e = this.#ring[(this.#start + i) % this.#ring.length];
    if (e === undefined) throw new Error('ReplayBuffer: index out of range');
    return e;
  }

  push(entry: EncodedChange): void {
    const last = this.lastSeq;
    if (last !== null && entry.change.seq !== last + 1) {
      this.#start = 0;
      this.#size = 0;
      this.#ring.fill(undefined);
    }
    const cap = this.#ring.length;
    if (this.#size < cap) {
      this.#ring[(this.#start + this.#size) % cap] = entry;
      this.#size++;
    } else {
      this.#ring[this.#start] = entry;
      this.#start = (this.#start + 1) % cap;
    }
  }

  /**
   * The changes with seq > `after`, oldest first, or null when the buffer cannot prove it holds
   * all of them (`after` is older than the oldest entry minus one). `after` beyond the newest
   * entry yields an empty list: the caller decides whether that cursor is plausible.
   */
  since(after: number): EncodedChange[] | null {
    if (this.#size === 0) return [];
    const first = this.#at(0).change.seq;
    if (after < first - 1) return null;
    const out: EncodedChange[] = [];
    for (let i = Math.max(0, after - first + 1); i < this.#size; i++) out.push(this.#at(i));
    return out;
  }
}
