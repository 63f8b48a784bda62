import { describe, expect, it } from 'vitest';
import { parseInstant } from '../../src/status/instant.ts';

describe('parseInstant', () => {
  it.each<[string, unknown, number | null]>([
    ['RFC 3339 UTC', '2024-06-01T12:00:00Z', Date.UTC(2024, 5, 1, 12)],
    ['fraction (MicroTime)', '2024-06-01T12:00:00.250000Z', Date.UTC(2024, 5, 1, 12, 0, 0, 250)],
    ['offset', '2024-06-01T14:00:00+02:00', Date.UTC(2024, 5, 1, 12)],
    ['lower-case t and z', '2024-06-01t12:00:00z', Date.UTC(2024, 5, 1, 12)],
    ['before 1970', '1960-01-01T00:00:00Z', Date.UTC(1960, 0, 1)],
    ['missing', undefined, null],
    ['null', null, null],
    ['empty', '', null],
    ['number', 1717243200000, null],
    ['not RFC 3339', 'June 1, 2024', null],
    ['date only', '2024-06-01', null],
    ['impossible date', '2024-13-45T99:00:00Z', null],
    ["Go's zero time", '0001-01-01T00:00:00Z', null],
  ])('%s', (_name, input, want) => {
    expect(parseInstant(input)).toBe(want);
  });
});
