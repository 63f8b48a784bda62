import { describe, expect, it } from 'vitest';
import { columns, ColumnWidths, fitColumns } from '../../src/web/column-widths.ts';
import { view } from './builders.ts';

const headers = columns.map((c) => c.length);
/** Lengths in `columns` order from a partial record. */
const lengths = (over: Partial<Record<(typeof columns)[number], number>>): number[] =>
  columns.map((c, i) => over[c] ?? (headers[i] as number));

describe('ColumnWidths', () => {
  it('starts at the headers and grows to the widest value seen', () => {
    const w = new ColumnWidths();
    expect(w.lengths).toEqual(headers);
    w.observe(view({ name: 'blackbox-exporter-q45mrp2xxz-htb72', namespace: 'monitoring' }));
    w.observe(view({ name: 'a', status: 'CreateContainerConfigError', ip: '10.244.0.10' }));
    expect(w.lengths).toEqual(
      lengths({ NAMESPACE: 10, NAME: 34, STATUS: 26, AGE: 6, IP: 11, NODE: 6 }),
    );
  });
  it('reserves the widest "(… ago)" for a restarted pod, so RESTARTS does not jitter', () => {
    const w = new ColumnWidths();
    w.observe(view({ name: 'a', restarts: 12, lastRestartAt: 0 }));
    expect(w.lengths[columns.indexOf('RESTARTS')]).toBe('12 (5m30s ago)'.length);
  });
  it('never narrows until reset; a version marks each change', () => {
    const w = new ColumnWidths();
    const long = view({ name: 'a-very-long-pod-name' });
    w.observe(long);
    const v = w.version;
    w.observe(view({ name: 'short' }));
    expect([w.version, w.lengths[1]]).toEqual([v, 20]);
    w.reset();
    expect(w.version).toBeGreaterThan(v);
    expect(w.lengths).toEqual(headers);
  });
});

describe('fitColumns', () => {
  const demo = lengths({
    NAMESPACE: 10,
    NAME: 34,
    STATUS: 26,
    RESTARTS: 13,
    AGE: 6,
    IP: 11,
    NODE: 10,
  });
  const sum = (ws: readonly number[]): number => ws.reduce((a, b) => a + b, 0);

  it('gives every column its widest value when there is room (IP and NODE only when wide)', () => {
    const narrow = fitColumns(demo, false, 200, 2, 3);
    expect(narrow.widths).toEqual([10, 34, 5, 26, 13, 6, 0, 0]);
    expect(narrow.total).toBe(sum(narrow.widths) + 5 * 2 + 3);
    const wide = fitColumns(demo, true, 200, 2, 3);
    expect(wide.widths).toEqual([10, 34, 5, 26, 13, 6, 11, 10]);
    expect(wide.total).toBe(sum(wide.widths) + 7 * 2 + 3);
  });
  it('caps a column, so one absurd value cannot take the table', () => {
    const fit = fitColumns(lengths({ NAME: 253, NODE: 200 }), true, 1000, 2, 3);
    expect(fit.widths[1]).toBe(80);
    expect(fit.widths[7]).toBe(48);
  });
  it('takes room from NODE, then IP, then NAMESPACE, down to their floors; never NAME or STATUS', () => {
    const long = lengths({
      NAMESPACE: 30,
      NAME: 60,
      STATUS: 26,
      RESTARTS: 13,
      AGE: 6,
      IP: 39,
      NODE: 40,
    });
    const full = fitColumns(long, true, 1000, 2, 3).total;
    // 20 short: NODE alone gives it.
    expect(fitColumns(long, true, full - 20, 2, 3).widths).toEqual([30, 60, 5, 26, 13, 6, 39, 20]);
    // 40 short: NODE to its floor (12), then 12 from IP.
    expect(fitColumns(long, true, full - 40, 2, 3).widths).toEqual([30, 60, 5, 26, 13, 6, 27, 12]);
    // Far too narrow: all three at their floors, the rest intact; the grid scrolls sideways.
    const tight = fitColumns(long, true, 50, 2, 3);
    expect(tight.widths).toEqual([10, 60, 5, 26, 13, 6, 11, 12]);
    expect(tight.total).toBe(sum(tight.widths) + 7 * 2 + 3);
  });
  it('leaves a column already under its floor alone', () => {
    expect(fitColumns(demo, true, 10, 2, 3).widths).toEqual([10, 34, 5, 26, 13, 6, 11, 10]);
  });
});
