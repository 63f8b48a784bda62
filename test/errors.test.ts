import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ConfigError, errorCodes, PodpulseError } from '../src/errors.ts';

describe('error catalog', () => {
  const doc = readFileSync(new URL('../docs/errors.md', import.meta.url), 'utf8');
  const documented = new Set([...doc.matchAll(/^\| `(PP_ERR_[A-Z_]+)` \|/gm)].map((m) => m[1]));

  it('documents every code in docs/errors.md, and nothing else', () => {
    expect([...documented].sort()).toEqual(Object.keys(errorCodes).sort());
  });

  it('ConfigError lists every problem in its message', () => {
    const err = new ConfigError([
      '--listen: not host:port',
      'PODPULSE_MAX_SUBSCRIPTIONS: not a number',
    ]);
    expect(err).toBeInstanceOf(PodpulseError);
    expect(err.code).toBe('PP_ERR_CONFIG');
    expect(err.message).toBe(
      'invalid configuration:\n  - --listen: not host:port\n  - PODPULSE_MAX_SUBSCRIPTIONS: not a number',
    );
  });
});
