/**
 * A latency histogram with 10 µs buckets up to 1 s (beyond: one overflow bucket, and the exact
 * max), mergeable across processes; and the small statistics the report uses.
 */
const bucketUs = 10;
const buckets = 100_000;

export interface HistogramJson {
  counts: [number, number][];
  overflow: number;
  max: number;
  n: number;
}

export class Histogram {
  #counts = new Uint32Array(buckets);
  #overflow = 0;
  #max = 0;
  #n = 0;

  /** Adds one sample in milliseconds (negative clock skew is clamped to 0). */
  add(ms: number): void {
    const v = Math.max(0, ms);
    const b = Math.floor((v * 1000) / bucketUs);
    if (b < buckets) this.#counts[b] = (this.#counts[b] ?? 0) + 1;
    else this.#overflow++;
    if (v > this.#max) this.#max = v;
    this.#n++;
  }

  reset(): void {
    this.#counts.fill(0);
    this.#overflow = 0;
    this.#max = 0;
    this.#n = 0;
  }

  merge(h: HistogramJson): void {
    for (const [b, c] of h.counts) this.#counts[b] = (this.#counts[b] ?? 0) + c;
    this.#overflow += h.overflow;
    this.#max = Math.max(this.#max, h.max);
    this.#n += h.n;
  }

  get count(): number {
    return this.#n;
  }

  get max(): number {
    return this.#max;
  }

  /** The q-quantile in ms (upper edge of its bucket), NaN when empty. */
  quantile(q: number): number {
    if (this.#n === 0) return NaN;
    const rank = Math.ceil(q * this.#n);
    let seen = 0;
    for (let b = 0; b < buckets; b++) {
      seen += this.#counts[b] ?? 0;
      if (seen >= rank) return ((b + 1) * bucketUs) / 1000;
    }
    return this.#max;
  }

  toJSON(): HistogramJson {
    const counts: [number, number][] = [];
    this.#counts.forEach((c, b) => {
      if (c > 0) counts.push([b, c]);
    });
    return { counts, overflow: this.#overflow, max: this.#max, n: this.#n };
  }
}

export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? (s[m] ?? NaN) : ((s[m - 1] ?? NaN) + (s[m] ?? NaN)) / 2;
}
