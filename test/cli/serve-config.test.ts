import { describe, expect, it } from 'vitest';
import { parseServeConfig } from '../../src/cli/serve.ts';
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
      "--listen (PODPULSE_LISTEN): 'x:99999' is not HOST:PORT (e.g. 127.0.0.1:8080, 0.0.0.0:8080, [::1]:8080)",
      '--demo and --kubeconfig cannot be combined',
      "--log-level (PODPULSE_LOG_LEVEL): 'loud' is not one of fatal, error, warn, info, debug, trace, silent",
      '--token (PODPULSE_TOKEN): must be at least 8 characters',
      '--outbox-hard (2048) must be larger than --outbox-soft (4096)',
    ]);
  });
});
