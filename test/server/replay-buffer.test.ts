import { describe, expect, it } from 'vitest';
import { ReplayBuffer } from '../../src/server/replay-buffer.ts';
import { view } from './helpers.ts';

const entry = (seq: number) => ({
  change: { type: 'MODIFIED' as const, seq, time: 0, view: view('a'), previous: {} },
  body: `b${seq}`,
});
const seqs = (xs: { change: { seq: number } }[] | null) => xs?.map((x) => x.change.seq) ?? null;

describe('ReplayBuffer', () => {
  it('keeps the last N changes and replays those after a cursor', () => {
    const r = new ReplayBuffer(3);
    for (let s = 1; s <= 5; s++) r.push(entry(s));
    expect([r.firstSeq, r.lastSeq, r.size]).toEqual([3, 5, 3]);
    expect(seqs(r.since(2))).toEqual([3, 4, 5]);
    expect(seqs(r.since(4))).toEqual([5]);
    expect(seqs(r.since(5))).toEqual([]);
    expect(r.since(1)).toBeNull(); // change 2 fell out: the gap cannot be proven complete
  });

  it('forgets everything on a seq gap, so it never replays an incomplete range', () => {
    const r = new ReplayBuffer(10);
    r.push(entry(1));
    r.push(entry(2));
    r.push(entry(7));
    expect([r.firstSeq, r.size]).toEqual([7, 1]);
    expect(r.since(2)).toBeNull();
    expect(seqs(r.since(6))).toEqual([7]);
  });

  it('an empty buffer replays nothing', () => {
    expect(new ReplayBuffer(2).since(0)).toEqual([]);
  });

  it('rejects a capacity that is not a positive integer', () => {
    expect(() => new ReplayBuffer(0)).toThrow(
      'ReplayBuffer capacity must be a positive integer, got 0',
    );
  });
});
