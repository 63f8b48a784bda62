import { describe, expect, it } from 'vitest';
import { humanDuration, translateTimestampSince } from '../../src/status/human-duration.ts';

const ms = 1;
const s = 1000;
const m = 60 * s;
const h = 60 * m;
const d = 24 * h;
const y = 365 * d;

describe('humanDuration', () => {
  // apimachinery pkg/util/duration/duration_test.go TestHumanDuration
  const upstream: [number, string][] = [
    [s, '1s'],
    [70 * s, '70s'],
    [190 * s, '3m10s'],
    [70 * m, '70m'],
    [47 * h, '47h'],
    [49 * h, '2d1h'],
    [(8 * 24 + 2) * h, '8d'],
    [367 * d, '367d'],
    [(365 * 2 * 24 + 25) * h, '2y1d'],
    [(365 * 8 * 24 + 2) * h, '8y'],
  ];
  // apimachinery TestHumanDurationBoundaries
  const boundaries: [number, string][] = [
    [-2 * s, '<invalid>'],
    [-2 * s + ms, '0s'],
    [0, '0s'],
    [s - ms, '0s'],
    [2 * m - ms, '119s'],
    [2 * m, '2m'],
    [2 * m + s, '2m1s'],
    [10 * m - ms, '9m59s'],
    [10 * m, '10m'],
    [10 * m + s, '10m'],
    [3 * h - ms, '179m'],
    [3 * h, '3h'],
    [3 * h + m, '3h1m'],
    [8 * h - ms, '7h59m'],
    [8 * h, '8h'],
    [8 * h + 59 * m, '8h'],
    [2 * d - ms, '47h'],
    [2 * d, '2d'],
    [2 * d + h, '2d1h'],
    [8 * d - ms, '7d23h'],
    [8 * d, '8d'],
    [8 * d + 23 * h, '8d'],
    [2 * y - ms, '729d'],
    [2 * y, '2y'],
    [2 * y + 23 * h, '2y'],
    [2 * y + 23 * h + 59 * m, '2y'],
    [2 * y + d - ms, '2y'],
    [2 * y + d, '2y1d'],
    [3 * y, '3y'],
    [4 * y, '4y'],
    [5 * y, '5y'],
    [6 * y, '6y'],
    [7 * y, '7y'],
    [8 * y - ms, '7y364d'],
    [8 * y, '8y'],
    [8 * y + 364 * d, '8y'],
    [9 * y, '9y'],
  ];
  // Our own: the examples of the issue and the edges Go's truncation decides.
  const ours: [number, string][] = [
    [-1999, '0s'],
    [-1000, '0s'],
    [-2001, '<invalid>'],
    [119 * s, '119s'],
    [5 * d, '5d'],
    [3 * h + 5 * m, '3h5m'],
    [2 * d + 3 * h, '2d3h'],
    [2 * y + 30 * d, '2y30d'],
    [100 * m, '100m'],
    [Number.NaN, '<invalid>'],
    [Number.POSITIVE_INFINITY, '<invalid>'],
  ];
  it.each([...upstream, ...boundaries, ...ours])('%d ms is %s', (input, want) => {
    expect(humanDuration(input)).toBe(want);
  });
});

describe('translateTimestampSince', () => {
  const now = Date.parse('2024-06-01T12:00:00Z');
  // printers_test.go TestTranslateTimestampSince
  it.each<[string, number | null, string]>([
    ['a while from now', now + 2100, '<invalid>'],
    ['almost now', now + 1900, '0s'],
    ['now', now, '0s'],
    ['unknown', null, '<unknown>'],
    ['30 seconds ago', now - 30 * s, '30s'],
    ['5 minutes ago', now - 5 * m, '5m'],
    ['an hour ago', now - 100 * m, '100m'],
    ['2 days ago', now - 2 * d, '2d'],
    ['months ago', now - 90 * d, '90d'],
    ['10 years ago', now - 10 * y, '10y'],
  ])('%s', (_name, instant, want) => {
    expect(translateTimestampSince(instant, now)).toBe(want);
  });
});
