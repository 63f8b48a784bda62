import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { FakeFeed, startServer, TestClient, view } from './helpers.ts';

let cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const f of cleanup.reverse()) await f();
  cleanup = [];
});

const validish = fc.oneof(
  fc.record(
    {
      type: fc.constantFrom('subscribe', 'unsubscribe', 'ping', 'subscribe '),
      id: fc.oneof(fc.string(), fc.integer(), fc.constant(null)),
      namespaces: fc.oneof(fc.array(fc.string()), fc.string(), fc.constant(null)),
      labelSelector: fc.oneof(
        fc.string(),
        fc.constantFrom('app in (a,b)', 'a!=b,c', 'x==', '!k', 'k notin ()', 'a>1'),
        fc.integer(),
      ),
      status: fc.oneof(fc.array(fc.string()), fc.constant({})),
      resume: fc.oneof(fc.string(), fc.constantFrom('f.1', 'f.0', 'x.99999999999999999')),
    },
    { requiredKeys: [] },
  ),
  fc.jsonValue(),
);

/** Valid-looking frames, mutated: truncated, characters flipped, or plain random text. */
const frame = fc.oneof(
  validish.map((v) => JSON.stringify(v)),
  fc
    .tuple(validish, fc.nat(), fc.nat(), fc.string({ minLength: 1, maxLength: 1 }))
    .map(([v, cut, at, c]) => {
      const s = JSON.stringify(v);
      const t = s.slice(0, cut % (s.length + 1));
      const i = at % (t.length + 1);
      return t.slice(0, i) + c + t.slice(i + 1);
    }),
  fc.string({ maxLength: 300 }),
  fc.uint8Array({ maxLength: 64 }),
);

describe('fuzz', () => {
  it('thousands of random and mutated frames never disturb a well-behaved client', async () => {
    const feed = new FakeFeed();
    const { server, url } = await startServer(feed, { maxPayload: 4096, epoch: 'f' });
    cleanup.push(() => server.close());
    const good = await TestClient.open(url);
    cleanup.push(() => {
      good.close();
    });
    good.send({ type: 'subscribe', id: 'g', namespaces: ['default'] });
    await good.sync();
    let fuzzer = await TestClient.open(url);
    cleanup.push(() => {
      fuzzer.close();
    });
    const frames = fc.sample(frame, { numRuns: 3000, seed: 42 });
    let sent = 0;
    for (const f of frames) {
      if (fuzzer.closeCode !== null) {
        fuzzer = await TestClient.open(url);
      }
      if (typeof f === 'string') fuzzer.ws.send(f);
      else fuzzer.ws.send(f, { binary: true });
      sent++;
      if (sent % 100 === 0) {
        feed.apply('ADDED', view(`p${sent}`));
        await new Promise((r) => setImmediate(r));
      }
    }
    await fuzzer.sync();
    await good.sync();
    const seqs = good.of('change').map((m) => m.seq);
    expect(seqs).toEqual(Array.from({ length: 30 }, (_, i) => i + 1));
    expect(fuzzer.of('error').length).toBeGreaterThan(1000);
    expect(fuzzer.closeCode).toBeNull();
  });
});
