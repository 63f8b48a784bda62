import { describe, expect, it } from 'vitest';
import type { ChangeMessage } from '../../src/protocol/messages.ts';
import type { ChangedFields, ChangeType, PodView } from '../../src/status/types.ts';
import { encodeChange } from '../../src/server/change-frame.ts';
import { Outbox, type Recipient, type Sink } from '../../src/server/outbox.ts';
import type { EncodedChange } from '../../src/server/replay-buffer.ts';
import { view } from './helpers.ts';

/** A socket whose buffer the test fills and drains by hand. */
class FakeSink implements Sink {
  bufferedAmount = 0;
  readonly sent: string[] = [];
  readonly #callbacks: (() => void)[] = [];
  send(data: string, cb: () => void): void {
    this.sent.push(data);
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
): { sink: FakeSink; box: Outbox; overflowed: () => boolean } {
  seq = 0;
  const sink = new FakeSink();
  let over = false;
  const box = new Outbox(
    sink,
    { epoch: 'e', softBytes: soft, hardBytes: hard, onOverflow: () => (over = true) },
    0,
  );
  return { sink, box, overflowed: () => over };
}

function push(box: Outbox, e: EncodedChange, subs: Recipient[], ops: ChangeType[]): void {
  box.noteSeq(e.change.seq);
  box.pushChange(e, subs, ops);
}

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
});
