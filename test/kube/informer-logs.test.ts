/**
 * What the informer tells an operator: one line per full list (with its cause), one warn when an
 * outage starts (not one per retry), one info when it ends, nothing per event. Logs are captured
 * from a real pino logger at debug level.
 */
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { KubeApiError } from '../../src/kube/api-error.ts';
import { Informer } from '../../src/kube/informer.ts';
import { podResource } from '../../src/kube/pod-informer.ts';
import type { ReflectorKnobs } from '../../src/kube/reflector.ts';
import type { Pod } from '../../src/status/types.ts';
import { FakeListerWatcher } from './fake-lister-watcher.ts';

interface Line {
  level: number;
  msg: string;
  [field: string]: unknown;
}

const levelName: Record<number, string> = { 20: 'debug', 30: 'info', 40: 'warn', 50: 'error' };

function setup(knobs: Partial<ReflectorKnobs> = {}) {
  const lines: Line[] = [];
  const logger = pino(
    { level: 'debug' },
    {
      write: (s: string) => {
        lines.push(JSON.parse(s) as Line);
      },
    },
  );
  const fake = new FakeListerWatcher();
  const informer = new Informer<Pod>({
    resource: podResource,
    listerWatcher: () => fake,
    logger,
    random: () => 0,
    knobs: { streamingList: false, staleAfterMs: 60_000, minWatchMs: 1000, ...knobs },
  });
  /** Lines at info and above since the last call, as `level msg`. */
  let seen = 0;
  const told = (): string[] => {
    const out = lines
      .slice(seen)
      .filter((l) => l.level >= 30)
      .map((l) => `${levelName[l.level] ?? String(l.level)} ${l.msg}`);
    seen = lines.length;
    return out;
  };
  return { fake, informer, lines, told };
}

const unavailable = () => new KubeApiError('service unavailable', 503, 'ServiceUnavailable');

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('informer logs', () => {
  it('says once that it synced, with the cause, and nothing per event', async () => {
    const { fake, informer, lines, told } = setup();
    fake.put('a');
    informer.start();
    await vi.advanceTimersByTimeAsync(0);
    expect(told()).toEqual(['info synced (initial list)']);
    expect(lines.at(-1)).toMatchObject({ informer: 'pods', cause: 'initial', objects: 1 });
    const before = lines.length;
    for (let i = 0; i < 50; i++) fake.put(`p${i % 5}`, { phase: i % 2 ? 'Running' : 'Pending' });
    fake.remove('a');
    await vi.advanceTimersByTimeAsync(10_000);
    expect(lines.length).toBe(before); // not even at debug
    informer.close();
  });

  it('says once that it relisted after a 410, naming the cause', async () => {
    const { fake, informer, lines, told } = setup();
    fake.put('a');
    informer.start();
    await vi.advanceTimersByTimeAsync(2000); // the watch has proved healthy
    told();
    fake.silently(() => {
      fake.put('b');
    });
    fake.compact();
    fake.endWatches(); // the re-watch from the old resourceVersion gets 410 Gone
    await vi.advanceTimersByTimeAsync(0);
    expect(told()).toEqual(['info relisted after 410 Gone (resourceVersion expired)']);
    expect(lines.find((l) => l.msg.startsWith('relisted'))).toMatchObject({
      cause: '410 Gone (resourceVersion expired)',
      objects: 2,
      changes: 1,
    });
    informer.close();
  });

  it('warns once when watches start failing, not per retry, and says when they recover', async () => {
    const { fake, informer, lines, told } = setup();
    informer.start();
    await vi.advanceTimersByTimeAsync(0);
    told();
    fake.watchFailures = [unavailable(), unavailable(), unavailable(), unavailable()];
    fake.endWatches(unavailable());
    // Back-off 1+2+4+8+16 s, then a watch that stays open minWatchMs (1 s): recovered at 32 s.
    await vi.advanceTimersByTimeAsync(60_000);
    expect(told()).toEqual([
      'warn watch failed; retrying with back-off',
      'info watch recovered after 5 failures, 32.0s',
    ]);
    expect(lines.filter((l) => l.msg === 'watch failed; retrying with back-off')).toHaveLength(5);
    expect(lines.find((l) => l.msg.startsWith('watch recovered'))).toMatchObject({
      failures: 5,
      ms: 32_000,
    });
    // The next outage is news again.
    fake.endWatches(unavailable());
    await vi.advanceTimersByTimeAsync(10_000);
    expect(told()).toEqual([
      'warn watch failed; retrying with back-off',
      'info watch recovered after 1 failure, 2.0s',
    ]);
    informer.close();
  });

  it('counts list failures before the first sync in the same streak', async () => {
    const { fake, informer, told } = setup();
    fake.listFailures = [unavailable(), unavailable()];
    informer.start();
    await vi.advanceTimersByTimeAsync(10_000);
    expect(told()).toEqual([
      'warn list failed; retrying with back-off',
      'info synced (initial list)',
      'info watch recovered after 2 failures, 4.0s',
    ]);
    informer.close();
  });

  it('after the watchdog, only an event proves recovery, not a watch that stays open', async () => {
    const { fake, informer, told } = setup({ staleAfterMs: 5000 });
    informer.start();
    await vi.advanceTimersByTimeAsync(0);
    told();
    await vi.advanceTimersByTimeAsync(10_500); // silent twice over: two watchdog restarts
    expect(told()).toEqual(['warn watch silent too long; restarting it']);
    fake.put('a');
    await vi.advanceTimersByTimeAsync(0);
    expect(told()).toEqual(['info watch recovered after 2 failures, 5.5s']);
    informer.close();
  });
});
