import { describe, expect, it } from 'vitest';
import { backoffDelay, defaultBackoff } from '../../src/kube/backoff.ts';

describe('backoffDelay', () => {
  it.each([
    // attempt, random, expected: min(30s, 1s·2^n) · (1 − 0.2·random)
    [0, 0, 1000],
    [0, 0.999_999, 800],
    [1, 0, 2000],
    [3, 0.5, 7200],
    [4, 0, 16_000],
    [5, 0, 30_000],
    [5, 0.999_999, 24_000],
    [60, 0, 30_000],
  ])('attempt %i with random %d waits %i ms', (attempt, random, expected) => {
    expect(backoffDelay(attempt, defaultBackoff, () => random)).toBe(expected);
  });
});
