import { afterEach, describe, expect, it, vi } from 'vitest';
import { LineSplitter } from '../../src/kube/line-splitter.ts';

function split(chunks: readonly string[], maxLine = 1000) {
  const splitter = new LineSplitter(maxLine);
  const lines: string[] = [];
  const results = chunks.map((c) => splitter.push(c, (l) => lines.push(l) > 0));
  return { lines, results, rest: splitter.takeRest() };
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('LineSplitter', () => {
  const cases: [string, string[], string[], string][] = [
    ['one chunk, two lines', ['a\nb\n'], ['a', 'b'], ''],
    ['a line split across chunks', ['{"ty', 'pe":', '1}\n'], ['{"type":1}'], ''],
    ['a newline alone in a chunk', ['abc', '\n', 'd'], ['abc'], 'd'],
    ['blank lines skipped', ['\n\n  \nx\n\n'], ['x'], ''],
    ['the unfinished tail is kept', ['a\nbc'], ['a'], 'bc'],
    ['a line ending a chunk, the next starting one', ['a\n', 'b\n'], ['a', 'b'], ''],
  ];
  it.each(cases)('%s', (_name, chunks, lines, rest) => {
    expect(split(chunks)).toMatchObject({ lines, rest });
  });

  it('reassembles a line split into many one-character chunks', () => {
    const line = JSON.stringify({ type: 'ADDED', object: { metadata: { name: 'x'.repeat(500) } } });
    const text = `${line}\n${line}\n`;
    const { lines, rest } = split(Array.from({ length: text.length }, (_, i) => text.charAt(i)));
    expect(lines).toEqual([line, line]);
    expect(rest).toBe('');
  });

  it('scans each character once, however many chunks a line spans', () => {
    const line = 'y'.repeat(10_000);
    const chunks = Array.from({ length: 1000 }, (_, i) => line.slice(i * 10, i * 10 + 10));
    chunks.push('\n');
    // Count the characters every indexOf call made a string scan from its start index.
    const original = String.prototype.indexOf; // eslint-disable-line @typescript-eslint/unbound-method -- called with .call below
    let scanned = 0;
    vi.spyOn(String.prototype, 'indexOf').mockImplementation(function (
      this: string,
      search: string,
      from?: number,
    ) {
      scanned += this.length - (from ?? 0);
      return original.call(this, search, from);
    });
    const splitter = new LineSplitter(1_000_000);
    const lines: string[] = [];
    for (const c of chunks) splitter.push(c, (l) => lines.push(l) > 0);
    vi.restoreAllMocks();
    expect(lines).toEqual([line]);
    expect(scanned).toBeLessThanOrEqual(line.length + 1);
  });

  it('stops when the callback returns false, and reports an oversized line', () => {
    const splitter = new LineSplitter(5);
    const seen: string[] = [];
    expect(splitter.push('a\nb\nc\n', (l) => seen.push(l) < 2)).toBe('stopped');
    expect(seen).toEqual(['a', 'b']);
    expect(new LineSplitter(5).push('123', () => true)).toBe('ok');
    const long = new LineSplitter(5);
    expect(long.push('123', () => true)).toBe('ok');
    expect(long.push('456', () => true)).toBe('tooLong');
  });
});
