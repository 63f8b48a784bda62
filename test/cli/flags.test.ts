import { describe, expect, it } from 'vitest';
import { Flags, parseDurationMs, type FlagSpecs } from '../../src/cli/flags.ts';
import { ConfigError } from '../../src/errors.ts';

const specs: FlagSpecs = {
  namespace: { type: 'string', short: 'n', multiple: true, env: 'NS' },
  all: { type: 'boolean', short: 'A' },
  help: { type: 'boolean', short: 'h' },
  output: { type: 'string', short: 'o' },
  count: { type: 'string', env: 'COUNT' },
};

describe('Flags', () => {
  it.each([
    ['long with a separate value', ['--output', 'json'], 'json'],
    ['long with =', ['--output=json'], 'json'],
    ['short with a separate value', ['-o', 'json'], 'json'],
    ['short glued', ['-ojson'], 'json'],
    ['short with =', ['-o=json'], 'json'],
    ['the last of a repeated flag', ['-o', 'text', '-o', 'json'], 'json'],
    ['an empty value after =', ['--output='], ''],
  ])('reads a string: %s', (_name, argv, want) => {
    const f = new Flags(argv, specs);
    expect(f.problems).toEqual([]);
    expect(f.string('output')).toBe(want);
  });

  it('groups boolean shorts and ends a group at a string short', () => {
    const f = new Flags(['-hAnfoo'], specs);
    expect(f.problems).toEqual([]);
    expect([f.bool('help'), f.bool('all'), f.list('namespace')]).toEqual([true, true, ['foo']]);
  });

  it('keeps every value of a repeatable flag, comma-split; the environment only when absent', () => {
    expect(
      new Flags(['-n', 'a,b', '--namespace', ' c '], specs, { NS: 'x' }).list('namespace'),
    ).toEqual(['a', 'b', 'c']);
    expect(new Flags([], specs, { NS: 'x,y' }).list('namespace')).toEqual(['x', 'y']);
    expect(new Flags([], specs).list('namespace')).toEqual([]);
  });

  it('takes a negative number as a value, and a flag as a missing value', () => {
    const f = new Flags(['--count', '-3', '-o', '-A'], specs);
    expect(f.string('count')).toBe('-3');
    expect(f.bool('all')).toBe(true);
    expect(f.problems).toEqual(['-o: expected a value']);
  });

  it('collects every problem and throws them as one ConfigError', () => {
    const f = new Flags(['--nope', '-z', 'x', '--all=1', '--count', 'many', '--', 'y'], specs);
    expect(f.int('count', 1, 1)).toBe(1);
    f.problem('a conflict');
    expect(() => {
      f.done();
    }).toThrow(
      new ConfigError([
        '--nope: unknown flag',
        '-z: unknown flag',
        "unexpected argument 'x'",
        "--all: takes no value, got '1'",
        "unexpected argument 'y'",
        "--count: expected a positive integer, got 'many'",
        'a conflict',
      ]),
    );
  });

  it('names the environment variable a bad value came from', () => {
    const f = new Flags([], specs, { COUNT: '-1' });
    expect(f.int('count', 5, 0)).toBe(5);
    expect(f.problems).toEqual(["COUNT: expected a non-negative integer, got '-1'"]);
  });
});

describe('parseDurationMs', () => {
  it.each([
    ['500', 500],
    ['500ms', 500],
    ['90s', 90_000],
    ['1.5s', 1500],
    ['2m', 120_000],
    ['1h', 3_600_000],
    [' 3s ', 3000],
    ['0', 0],
    ['', null],
    ['-1s', null],
    ['10x', null],
    ['s', null],
    ['1e3', null],
  ])('%j → %j', (text, want) => {
    expect(parseDurationMs(text)).toBe(want);
  });
});
