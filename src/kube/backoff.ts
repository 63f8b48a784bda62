/** Jittered exponential back-off, as a pure function of the attempt number. */

export interface BackoffOptions {
  /** Delay before the first retry, before jitter. Default 1000 ms. */
  initialMs: number;
  /** Cap on the delay. Default 30000 ms. */
  maxMs: number;
  /** Fraction of the delay removed at random, in [0, 1). Default 0.2. */
  jitter: number;
}

export const defaultBackoff: Readonly<BackoffOptions> = Object.freeze({
  initialMs: 1000,
  maxMs: 30_000,
  jitter: 0.2,
});

/**
 * The delay before retry number `attempt` (0-based): `min(maxMs, initialMs * 2^attempt)` scaled by
 * a factor drawn from `(1 - jitter, 1]`. With the defaults: 0.8–1 s, 1.6–2 s, 3.2–4 s, … and
 * 24–30 s from the sixth retry on. The jitter spreads a fleet of informers that lost the same API
 * server, so they do not come back in lockstep.
 */
export function backoffDelay(
  attempt: number,
  options: Readonly<BackoffOptions>,
  random: () => number,
): number {
  const base = Math.min(options.maxMs, options.initialMs * 2 ** Math.min(attempt, 30));
  return Math.round(base * (1 - options.jitter * random()));
}
