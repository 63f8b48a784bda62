import { describe, expect, it } from 'vitest';
import { scrollToRow, visibleRange } from '../../src/web/virtual-range.ts';

describe('visibleRange', () => {
  const cases: [
    string,
    [number, number, number, number, number],
    { first: number; end: number },
  ][] = [
    ['top of a long list', [0, 280, 28, 20_000, 0], { first: 0, end: 10 }],
    ['overscan on both sides, clamped at 0', [56, 280, 28, 20_000, 3], { first: 0, end: 15 }],
    ['middle of the list', [28_000, 280, 28, 20_000, 2], { first: 998, end: 1012 }],
    ['partial rows count', [14, 280, 28, 20_000, 0], { first: 0, end: 11 }],
    ['clamped at the end', [28 * 19_995, 280, 28, 20_000, 5], { first: 19_990, end: 20_000 }],
    ['short list', [0, 280, 28, 3, 5], { first: 0, end: 3 }],
    ['empty list', [0, 280, 28, 0, 5], { first: 0, end: 0 }],
    ['scrolled past a shrunken list', [28_000, 280, 28, 10, 2], { first: 10, end: 10 }],
    ['negative scroll (overscroll bounce)', [-50, 280, 28, 100, 0], { first: 0, end: 10 }],
  ];
  it.each(cases)('%s', (_, args, expected) => {
    expect(visibleRange(...args)).toEqual(expected);
  });
});

describe('scrollToRow', () => {
  it('leaves a visible row alone', () => {
    expect(scrollToRow(3, 0, 280, 28)).toBe(0);
  });
  it('scrolls up to a row above', () => {
    expect(scrollToRow(2, 280, 280, 28)).toBe(56);
  });
  it('scrolls down just enough for a row below', () => {
    expect(scrollToRow(10, 0, 280, 28)).toBe(28);
  });
});
