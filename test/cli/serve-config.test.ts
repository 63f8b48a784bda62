import { describe, expect, it } from 'vitest';
import { parseServeConfig, serveUsage } from '../../src/cli/serve.ts';
import { ConfigError } from '../../src/errors.ts';

describe('serve config', () => {
  it('has documented defaults and is frozen', () => {
    const c = parseServeConfig([], {});
    expect(c).toMatchObject({
      host: '127.0.0.1',
      port: 8080,
      demo: false,
      namespaces: [],
      token: null,
      maxPayload: 65536,
      maxSubscriptions: 32,
      replayDepth: 10000,
      logLevel: 'info',
    });
    expect(Object.isFrozen(c)).toBe(true);
  });

  it('reads flags, and the environment where a flag is absent', () => {
    const c = parseServeConfig(
      ['--listen', '[::1]:0', '-n', 'a,b', '-n', 'c', '--allow-origin', 'https://x'],
      {
        PODPULSE_TOKEN: 'sufficiently-long',
        PODPULSE_DEMO: '1',
        PODPULSE_LISTEN: '0.0.0.0:1',
        PODPULSE_ALLOW_ORIGIN: 'https://ignored',
      },
    );
    expect(c).toMatchObject({
      host: '::1',
      port: 0,
      namespaces: ['a', 'b', 'c'],
      allowOrigins: ['https://x'],
      token: 'sufficiently-long',
      demo: true,
    });
    expect(parseServeConfig([], { PODPULSE_LISTEN: ':9000' })).toMatchObject({
      host: '0.0.0.0',
      port: 9000,
    });
  });

  it('lists every problem at once', () => {
    let err: unknown;
    try {
      parseServeConfig(
        [
          '--listen',
          'x:99999',
          '--demo',
          '--kubeconfig',
          'k',
          '--outbox-soft',
          '4096',
          '--outbox-hard',
          '2048',
        ],
        { PODPULSE_TOKEN: 'short', PODPULSE_LOG_LEVEL: 'loud' },
      );
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).problems).toEqual([
      "--listen: 'x:99999' is not HOST:PORT (e.g. 127.0.0.1:8080, 0.0.0.0:8080, [::1]:8080)",
      '--demo and --kubeconfig cannot be combined',
      "PODPULSE_LOG_LEVEL: 'loud' is not one of fatal, error, warn, info, debug, trace, silent",
      'PODPULSE_TOKEN: must be at least 8 characters',
      '--outbox-hard (2048) must be larger than --outbox-soft (4096)',
    ]);
  });

  function problems(argv: string[], env: Record<string, string> = {}): readonly string[] {
    try {
      parseServeConfig(argv, env);
    } catch (e) {
      if (e instanceof ConfigError) return e.problems;
      throw e;
    }
    return [];
  }

  it('reports unknown flags, missing and bad values together, in its own words', () => {
    expect(problems(['--listen', 'nope', '--max-payload', '-3', '--bogus'])).toEqual([
      '--bogus: unknown flag',
      "--listen: 'nope' is not HOST:PORT (e.g. 127.0.0.1:8080, 0.0.0.0:8080, [::1]:8080)",
      "--max-payload: expected a positive integer, got '-3'",
    ]);
    expect(
      problems(['-x', 'stray', '--demo=yes', '--max-payload=100', '--context', '--replay-depth']),
    ).toEqual([
      '-x: unknown flag',
      "unexpected argument 'stray'",
      "--demo: takes no value, got 'yes'",
      '--context: expected a value',
      '--replay-depth: expected a value',
      "--max-payload: expected an integer >= 256, got '100'",
    ]);
  });

  it('names the environment variable when the bad value came from there', () => {
    expect(problems([], { PODPULSE_LISTEN: 'nope', PODPULSE_DEMO_TIME_SCALE: '0' })).toEqual([
      "PODPULSE_LISTEN: 'nope' is not HOST:PORT (e.g. 127.0.0.1:8080, 0.0.0.0:8080, [::1]:8080)",
      "PODPULSE_DEMO_TIME_SCALE: expected a number greater than 0 and at most 1000, got '0'",
    ]);
  });

  it('reads --allow-host, --stale-after, --ready-grace and --demo-pods', () => {
    const defaults = parseServeConfig([], {});
    expect(defaults).toMatchObject({
      allowHosts: [],
      staleAfterMs: 120_000,
      readyGraceMs: 120_000,
      demoPods: 0,
    });
    expect(
      parseServeConfig(
        [
          '--allow-host',
          'pods.example',
          '--allow-host=10.0.0.7,*',
          '--stale-after',
          '90s',
          '--demo',
          '--demo-pods',
          '20000',
        ],
        {},
      ),
    ).toMatchObject({
      allowHosts: ['pods.example', '10.0.0.7', '*'],
      staleAfterMs: 90_000,
      readyGraceMs: 90_000, // follows --stale-after unless given
      demo: true,
      demoPods: 20_000,
    });
    expect(
      parseServeConfig(['--ready-grace', '500ms'], {
        PODPULSE_STALE_AFTER: '2m',
        PODPULSE_ALLOW_HOST: 'a.example, b.example',
        PODPULSE_DEMO_PODS: '5',
      }),
    ).toMatchObject({
      staleAfterMs: 120_000,
      readyGraceMs: 500,
      allowHosts: ['a.example', 'b.example'],
      demoPods: 5,
    });
    expect(parseServeConfig(['--ready-grace', '0'], {}).readyGraceMs).toBe(0);
    expect(
      problems([
        '--allow-host',
        'bad host',
        '--stale-after',
        '10x',
        '--ready-grace',
        '-1s',
        '--demo-pods',
        '999999',
        '--kubeconfig',
        'k',
      ]),
    ).toEqual([
      '--demo-pods: at most 200000, got 999999',
      '--demo-pods and --kubeconfig cannot be combined (demo pods need the demo cluster)',
      "--allow-host: 'bad host' is not a host name or address",
      "--stale-after: expected a duration such as 90s, 2m or 500ms (a bare number is ms), got '10x'",
      "--ready-grace: expected a duration such as 90s, 2m or 500ms (a bare number is ms), got '-1s'",
    ]);
    expect(problems(['--stale-after', '10ms'])).toEqual([
      "--stale-after: expected at least 1000 ms, got '10ms'",
    ]);
  });

  it('documents every flag it reads, and that bare podpulse is serve', () => {
    for (const flag of ['--allow-host', '--ready-grace', '--stale-after', '--demo-pods'])
      expect(serveUsage).toContain(flag);
    expect(serveUsage).toContain('serve is the default command');
  });
});
