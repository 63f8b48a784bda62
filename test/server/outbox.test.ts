import { describe, expect, it } from 'vitest';
import type { ChangeMessage } from '../../src/protocol/messages.ts';
import type { ChangedFields, ChangeType, PodView } from '../../src/status/types.ts';
import { ChangeFrames, encodeChange } from '../../src/server/change-frame.ts';
import { Outbox, type Recipient, type Sink } from '../../src/server/outbox.ts';
import type { EncodedChange } from '../../src/server/replay-buffer.ts';
import { view } from './helpers.ts';

/** A socket whose buffer the test fills and drains by hand. */
class FakeSink implements Sink {
  bufferedAmount = 0;
  readonly sent: string[] = [];
  readonly raw: (string | Buffer)[] = [];
  readonly #callbacks: (() => void)[] = [];
  send(data: string | Buffer, options: { binary: boolean }, cb: () => void): void {
    if (options.binary) throw new Error('every frame must be a text frame');
    this.raw.push(data);
    this.sent.push(typeof data === 'string' ? data : data.toString('utf8'));
    this.bufferedAmount += data.length;
    this.#callbacks.push(cb);
  }
  /** The peer reads everything, including what the callbacks write next. */
  drain(): void {
    while (this.#callbacks.length > 0) {
      this.bufferedAmount = 0;
      for (const cb of this.#callbacks.splice(0)) cb();
    }
  }
  changes(): ChangeMessage[] {
    return this.sent
      .map((s) => JSON.parse(s) as { type: string })
      .filter((m): m is ChangeMessage => m.type === 'change');
  }
}

let seq = 0;
function enc(type: ChangeType, v: PodView, previous: ChangedFields = {}): EncodedChange {
  const change = { type, seq: ++seq, time: 0, view: v, previous };
  return { change, body: encodeChange(change) };
}

const sub = (id: string): Recipient => ({ id, closed: false });

function setup(
  soft = 10,
  hard = 1_000_000,
): { sink: FakeSink; box: Outbox; overflowed: () => boolean; sentTimes: number[] } {
  seq = 0;
  const sink = new FakeSink();
  let over = false;
  const sentTimes: number[] = [];
  const box = new Outbox(sink, {
    epoch: 'e',
    lastSeq: () => seq,
    softBytes: soft,
    hardBytes: hard,
    onOverflow: () => (over = true),
    onSent: (t) => sentTimes.push(t),
  });
  return { sink, box, overflowed: () => over, sentTimes };
}

/** Pushes the (latest) change `e` the way the hub does. */
function push(
  box: Outbox,
  e: EncodedChange | ChangeFrames,
  subs: Recipient[],
  ops: ChangeType[],
): void {
  box.pushChange(e instanceof ChangeFrames ? e : new ChangeFrames(e, 'e'), subs, ops);
}

describe('Outbox byte accounting', () => {
  it('counts queued frames and changes in UTF-8 bytes, not UTF-16 code units', () => {
    const { sink, box } = setup(1);
    sink.bufferedAmount = 10; // lagging: everything queues
    const frame = '{"type":"source","message":"überlastet — 過負荷"}';
    box.pushFrame(frame);
    expect(box.queuedBytes).toBe(Buffer.byteLength(frame));
    expect(Buffer.byteLength(frame)).toBeGreaterThan(frame.length);
    const e = enc('ADDED', view('a', { labels: { team: 'ストレージ' } }));
    push(box, e, [sub('s')], ['ADDED']);
    expect(box.queuedBytes).toBe(Buffer.byteLength(frame) + Buffer.byteLength(e.body) + 96);
  });
});

describe('Outbox', () => {
  it('writes straight through while the socket keeps up', () => {
    const { sink, box } = setup(1_000_000);
    const s = sub('s');
    push(box, enc('ADDED', view('a')), [s], ['ADDED']);
    push(box, enc('ADDED', view('b')), [s], ['ADDED']);
    expect(sink.changes().map((m) => [m.view.name, m.cursor])).toEqual([
      ['a', 'e.1'],
      ['b', 'e.2'],
    ]);
    expect(box.queuedBytes).toBe(0);
  });

  it('coalesces a lagging pod: latest view, earliest previous values, one frame', () => {
    const { sink, box } = setup();
    const s = sub('s');
    box.pushFrame('{"type":"pong","id":null,"cursor":null}'); // fills the socket past soft
    push(
      box,
      enc('MODIFIED', view('a', { status: 'Error' }), { status: 'Running' }),
      [s],
      ['MODIFIED'],
    );
    push(
      box,
      enc('MODIFIED', view('b', { status: 'Error' }), { status: 'Running' }),
      [s],
      ['MODIFIED'],
    );
    push(
      box,
      enc('MODIFIED', view('a', { status: 'CrashLoopBackOff', restarts: 1 }), {
        status: 'Error',
        restarts: 0,
      }),
      [s],
      ['MODIFIED'],
    );
    expect(sink.changes()).toEqual([]);
    sink.drain();
    const got = sink.changes().map((m) => [m.view.name, m.seq, m.cursor, m.previous]);
    expect(got).toEqual([
      // a keeps its place (first seq 1) and carries seq 3; b (seq 2) is still queued: cursor 1
      ['a', 3, 'e.1', { status: 'Running', restarts: 0 }],
      ['b', 2, 'e.3', { status: 'Running' }],
    ]);
    expect(box.queuedBytes).toBe(0);
  });

  it('merges ops per subscription: ADDED then DELETED vanishes, left-then-reentered is MODIFIED', () => {
    const { sink, box } = setup();
    const x = sub('x');
    const y = sub('y');
    box.pushFrame('{"type":"pong","id":null,"cursor":null}');
    push(box, enc('MODIFIED', view('a', { status: 'Error' })), [x, y], ['ADDED', 'DELETED']);
    push(box, enc('MODIFIED', view('a', { status: 'Running' })), [x, y], ['DELETED', 'ADDED']);
    sink.drain();
    expect(sink.changes().map((m) => [m.ids, m.op])).toEqual([[['y'], 'MODIFIED']]);
  });

  it('does not fold a change into what was queued before seal()', () => {
    const { sink, box } = setup();
    const s = sub('s');
    box.pushFrame('{"type":"pong","id":null,"cursor":null}');
    push(box, enc('MODIFIED', view('a', { status: 'Error' })), [s], ['MODIFIED']);
    box.seal();
    push(box, enc('MODIFIED', view('a', { status: 'Running' })), [s], ['MODIFIED']);
    sink.drain();
    expect(sink.changes().map((m) => [m.view.status, m.cursor])).toEqual([
      ['Error', 'e.1'],
      ['Running', 'e.2'],
    ]);
  });

  it('skips closed subscriptions at send time', () => {
    const { sink, box } = setup();
    const s = { id: 's', closed: false };
    box.pushFrame('{"type":"pong","id":null,"cursor":null}');
    push(box, enc('ADDED', view('a')), [s], ['ADDED']);
    s.closed = true;
    sink.drain();
    expect(sink.changes()).toEqual([]);
  });

  it('gives up past the hard limit and drops its queue', () => {
    const { box, overflowed } = setup(10, 5000);
    const s = sub('s');
    box.pushFrame('{"type":"pong","id":null,"cursor":null}');
    for (let i = 0; i < 20 && !overflowed(); i++)
      push(box, enc('ADDED', view(`p${i}`)), [s], ['ADDED']);
    expect(overflowed()).toBe(true);
    expect(box.queuedBytes).toBe(0);
  });

  it('hands one encoded Buffer to every outbox sending the same ids and op, and observes once', () => {
    const a = setup(1_000_000);
    const b = setup(1_000_000);
    const c = setup(1_000_000);
    const change = enc('MODIFIED', view('p', { status: 'Error' }), { status: 'Running' });
    const frames = new ChangeFrames(change, 'e');
    push(a.box, frames, [sub('s1')], ['MODIFIED']);
    push(b.box, frames, [sub('s1')], ['MODIFIED']);
    push(c.box, frames, [sub('other')], ['MODIFIED']);
    const [fa] = a.sink.raw;
    expect(Buffer.isBuffer(fa)).toBe(true);
    expect(b.sink.raw[0]).toBe(fa); // the same object, encoded once
    expect(c.sink.raw[0]).not.toBe(fa);
    expect(JSON.parse(a.sink.sent[0] ?? '')).toMatchObject({
      ids: ['s1'],
      op: 'MODIFIED',
      cursor: 'e.1',
      seq: 1,
      previous: { status: 'Running' },
    });
    expect(c.sink.changes()[0]).toMatchObject({ ids: ['other'], cursor: 'e.1' });
    // Latency is observed for the first send of the change anywhere, not per connection.
    expect([a.sentTimes.length, b.sentTimes.length, c.sentTimes.length]).toEqual([1, 0, 0]);
  });
});
