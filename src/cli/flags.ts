/**
 * Command-line flags for every podpulse command: a lenient reader that never stops at the first
 * problem, so a ConfigError lists them all at once (unknown flags, missing values, bad values,
 * conflicts), each in podpulse's words and naming the flag or environment variable it came from.
 *
 * Syntax (kubectl's): `--name value`, `--name=value`, `-n value`, `-nvalue`, `-n=value`, grouped
 * boolean shorts (`-Ah`), `--` ends the flags. A value may start with `-` only when it is a number
 * (`--max-payload -3` is read, then refused as a bad value); otherwise a string flag followed by
 * another flag is missing its value.
 */
import { ConfigError } from '../errors.ts';

export interface FlagSpec {
  readonly type: 'string' | 'boolean';
  readonly short?: string;
  /** Repeatable (string flags): every value is kept; otherwise the last one wins. */
  readonly multiple?: boolean;
  /** Environment variable read when the flag is absent. */
  readonly env?: string;
}

export type FlagSpecs = Readonly<Record<string, FlagSpec>>;

/** A value and where it came from: the flag as spelled (`--name`, `-n`) or the environment variable. */
export interface Sourced {
  readonly value: string;
  readonly from: string;
}

const durationUnits: Readonly<Record<string, number>> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/**
 * Parses `500ms`, `30s`, `2m`, `1.5h` or a bare number of milliseconds; null when it is none of
 * them (negative, empty, unknown unit).
 */
export function parseDurationMs(text: string): number | null {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(text.trim());
  if (m === null) return null;
  const ms = Number(m[1]) * (durationUnits[m[2] ?? 'ms'] ?? 1);
  return Number.isFinite(ms) ? Math.round(ms) : null;
}

/**
 * Reads argv once against `specs` and the environment, collecting problems instead of throwing.
 * Typed getters validate and record further problems; `done()` throws them all as one
 * ConfigError. Getters may be called in any order and more than once.
 */
export class Flags {
  readonly problems: string[] = [];
  readonly #specs: FlagSpecs;
  readonly #env: Readonly<Record<string, string | undefined>>;
  readonly #values = new Map<string, string[]>();
  /** How each given flag was spelled last (`-o` or `--output`), for messages. */
  readonly #spelled = new Map<string, string>();
  readonly #booleans = new Set<string>();

  constructor(
    argv: readonly string[],
    specs: FlagSpecs,
    env: Readonly<Record<string, string | undefined>> = {},
  ) {
    this.#specs = specs;
    this.#env = env;
    const byShort = new Map<string, string>();
    for (const [name, spec] of Object.entries(specs))
      if (spec.short !== undefined) byShort.set(spec.short, name);
    for (let i = 0; i < argv.length; i++) {
      const arg = argv[i] ?? '';
      const next = argv[i + 1];
      // A following word is this flag's value unless it looks like a flag (negative numbers do not).
      const takeNext = (): string | undefined => {
        if (next === undefined || (next.startsWith('-') && !/^-\d/.test(next))) return undefined;
        i++;
        return next;
      };
      if (arg === '--') {
        for (const rest of argv.slice(i + 1)) this.problems.push(`unexpected argument '${rest}'`);
        break;
      }
      if (arg.startsWith('--')) {
        const eq = arg.indexOf('=');
        const name = eq > 0 ? arg.slice(2, eq) : arg.slice(2);
        this.#set(name, `--${name}`, eq > 0 ? arg.slice(eq + 1) : undefined, takeNext);
      } else if (arg.startsWith('-') && arg.length > 1) {
        // -Ah (booleans), -nfoo, -n=foo, -n foo
        for (let j = 1; j < arg.length; j++) {
          const letter = arg[j] ?? '';
          const name = byShort.get(letter);
          if (name === undefined) {
            this.problems.push(`-${letter}: unknown flag`);
            continue;
          }
          if (this.#specs[name]?.type === 'boolean') {
            this.#set(name, `-${letter}`, undefined, () => undefined);
            continue;
          }
          const rest = arg.slice(j + 1).replace(/^=/, '');
          this.#set(name, `-${letter}`, rest === '' ? undefined : rest, takeNext);
          break;
        }
      } else {
        this.problems.push(`unexpected argument '${arg}'`);
      }
    }
  }

  #set(
    name: string,
    shown: string,
    inline: string | undefined,
    takeNext: () => string | undefined,
  ) {
    const spec = this.#specs[name];
    if (spec === undefined) {
      this.problems.push(`${shown}: unknown flag`);
      return;
    }
    if (spec.type === 'boolean') {
      if (inline !== undefined) this.problems.push(`${shown}: takes no value, got '${inline}'`);
      else this.#booleans.add(name);
      return;
    }
    const value = inline ?? takeNext();
    if (value === undefined) {
      this.problems.push(`${shown}: expected a value`);
      return;
    }
    this.#spelled.set(name, shown);
    const list = this.#values.get(name);
    if (list === undefined || spec.multiple !== true) this.#values.set(name, [value]);
    else list.push(value);
  }

  /** Records a problem (cross-flag conflicts, values checked by the caller). */
  problem(text: string): void {
    this.problems.push(text);
  }

  /** Whether the flag itself was given (the environment does not count). */
  given(name: string): boolean {
    return this.#booleans.has(name) || this.#values.has(name);
  }

  /** A boolean flag, or its environment variable set to `1` or `true`. */
  bool(name: string): boolean {
    if (this.#booleans.has(name)) return true;
    const envName = this.#specs[name]?.env;
    const e = envName === undefined ? undefined : this.#env[envName];
    return e === '1' || e === 'true';
  }

  /** The flag's (last) value, else a non-empty environment variable, else null. */
  sourced(name: string): Sourced | null {
    const v = this.#values.get(name)?.at(-1);
    if (v !== undefined) return { value: v, from: this.#spelled.get(name) ?? `--${name}` };
    const envName = this.#specs[name]?.env;
    const e = envName === undefined ? undefined : this.#env[envName];
    if (envName !== undefined && e !== undefined && e !== '') return { value: e, from: envName };
    return null;
  }

  string(name: string): string | null {
    return this.sourced(name)?.value ?? null;
  }

  /** Every value of a repeatable flag, comma-split and trimmed; else the environment's list. */
  list(name: string): string[] {
    const given = this.#values.get(name);
    const envName = this.#specs[name]?.env;
    const raw = given ?? [(envName === undefined ? undefined : this.#env[envName]) ?? ''];
    return raw
      .flatMap((s) => s.split(','))
      .map((s) => s.trim())
      .filter((s) => s !== '');
  }

  /** An integer >= `min` (default `def` when absent; on a bad value a problem and `def`). */
  int(name: string, def: number, min: number): number {
    const s = this.sourced(name);
    if (s === null) return def;
    const text = s.value.trim();
    const n = Number(text);
    const kind = min >= 1 ? 'a positive integer' : 'a non-negative integer';
    if (!/^\d+$/.test(text) || !Number.isSafeInteger(n)) {
      this.problems.push(`${s.from}: expected ${kind}, got '${s.value}'`);
      return def;
    }
    if (n < min) {
      this.problems.push(`${s.from}: expected an integer >= ${min}, got '${s.value}'`);
      return def;
    }
    return n;
  }

  /** A number in (`above`, `max`] (default `def` when absent; on a bad value a problem and `def`). */
  number(name: string, def: number, above: number, max: number): number {
    const s = this.sourced(name);
    if (s === null) return def;
    const n = s.value.trim() === '' ? NaN : Number(s.value);
    if (!(n > above && n <= max)) {
      this.problems.push(
        `${s.from}: expected a number greater than ${above} and at most ${max}, got '${s.value}'`,
      );
      return def;
    }
    return n;
  }

  /** A duration (`parseDurationMs`) of at least `minMs`, in ms. */
  durationMs(name: string, def: number, minMs: number): number {
    const s = this.sourced(name);
    if (s === null) return def;
    const ms = parseDurationMs(s.value);
    if (ms === null) {
      this.problems.push(
        `${s.from}: expected a duration such as 90s, 2m or 500ms (a bare number is ms), got '${s.value}'`,
      );
      return def;
    }
    if (ms < minMs) {
      this.problems.push(`${s.from}: expected at least ${minMs} ms, got '${s.value}'`);
      return def;
    }
    return ms;
  }

  /** One of `choices` (default `def` when absent; on a bad value a problem and `def`). */
  oneOf<C extends string>(name: string, choices: readonly C[], def: C): C {
    const s = this.sourced(name);
    if (s === null) return def;
    if ((choices as readonly string[]).includes(s.value)) return s.value as C;
    this.problems.push(`${s.from}: '${s.value}' is not one of ${choices.join(', ')}`);
    return def;
  }

  /** Throws every recorded problem as one ConfigError. */
  done(): void {
    if (this.problems.length > 0) throw new ConfigError(this.problems);
  }
}

/**
 * The start of every command's `run`: parses with `parse`; on a ConfigError prints it as
 * `podpulse <command>: …` (and where to find the flags) to stderr and returns 2; with `--help` prints `usage` and returns 0;
 * otherwise returns the config. Anything else `parse` throws propagates (a bug: exit 70).
 */
export function configOrExit<T extends { readonly help: boolean }>(
  command: string,
  usage: string,
  parse: () => T,
): T | number {
  let config: T;
  try {
    config = parse();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(
        `podpulse ${command}: ${err.message}\nRun 'podpulse ${command} --help' for the flags.\n`,
      );
      return 2;
    }
    throw err;
  }
  if (config.help) {
    process.stdout.write(usage);
    return 0;
  }
  return config;
}
