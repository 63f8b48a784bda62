/**
 * Change frames, serialised once per change and shared by every subscriber.
 *
 * The JSON of a change (seq, time, view, previous) is built once when the change arrives; a frame
 * is a short prefix (the subscription ids, the op relative to their filters, the cursor)
 * concatenated with that shared body. `ChangeFrames` goes one step further for the connections
 * that send a change as it arrives: it encodes each distinct frame (same ids, same op) to UTF-8
 * once and hands the same Buffer to every connection, so a change sent to ten thousand clients that
 * all call their subscription `s1` is encoded once, not ten thousand times. docs/protocol.md
 * records what this costs.
 */
import type { ChangedFields, ChangeType, PodChange, PodView } from '../status/types.ts';
import { formatCursor } from '../protocol/codec.ts';
import type { EncodedChange } from './replay-buffer.ts';

/** `"seq":…,"time":…,"view":{…},"previous":{…}}` — the tail of a change frame. */
export function encodeChangeBody(
  seq: number,
  time: number,
  view: PodView,
  previous: ChangedFields,
): string {
  return `"seq":${seq},"time":${time},"view":${JSON.stringify(view)},"previous":${JSON.stringify(previous)}}`;
}

/** The shared body of a pipeline change. */
export function encodeChange(change: PodChange): string {
  return encodeChangeBody(change.seq, change.time, change.view, change.previous);
}

/** A complete change frame: prefix + shared body. */
export function changeFrame(
  ids: readonly string[],
  op: ChangeType,
  cursor: string,
  body: string,
): string {
  return `{"type":"change","ids":${JSON.stringify(ids)},"op":"${op}","cursor":"${cursor}",${body}`;
}

/**
 * The frames of one change at the cursor of its own seq, built on first use per distinct
 * (ids, op) and shared: callers must not mutate the Buffers. The cache lives for one dispatch:
 * `endDispatch()` drops it, so a lagging outbox that still holds the change retains only the
 * encoded body and cursor (its catch-up frames are built, uncached, as it drains), never one
 * Buffer per connection the change went to.
 */
export class ChangeFrames {
  readonly encoded: EncodedChange;
  /** The cursor every frame of this object carries: `<epoch>.<change seq>`. */
  readonly cursor: string;
  readonly #single: Record<ChangeType, Map<string, Buffer> | null> = {
    ADDED: null,
    MODIFIED: null,
    DELETED: null,
  };
  #multi: Map<string, Buffer> | null = null;
  #sent = false;
  #cached = true;

  constructor(encoded: EncodedChange, epoch: string) {
    this.encoded = encoded;
    this.cursor = formatCursor(epoch, encoded.change.seq);
  }

  get seq(): number {
    return this.encoded.change.seq;
  }

  /** The UTF-8 frame for these subscription ids and op, encoded once per distinct pair. */
  frame(ids: readonly string[], op: ChangeType): Buffer {
    const only = ids[0];
    if (ids.length === 1 && only !== undefined) return this.frameFor(only, op);
    if (!this.#cached) return Buffer.from(changeFrame(ids, op, this.cursor, this.encoded.body));
    const map = (this.#multi ??= new Map<string, Buffer>());
    // The op never starts with '[', so op + JSON list is unambiguous.
    const key = op + JSON.stringify(ids);
    let buf = map.get(key);
    if (buf === undefined) {
      buf = Buffer.from(changeFrame(ids, op, this.cursor, this.encoded.body), 'utf8');
      map.set(key, buf);
    }
    return buf;
  }

  /** `frame([id], op)` without the array: the common case of one subscription per connection. */
  frameFor(id: string, op: ChangeType): Buffer {
    if (!this.#cached) return Buffer.from(changeFrame([id], op, this.cursor, this.encoded.body));
    const map = (this.#single[op] ??= new Map<string, Buffer>());
    let buf = map.get(id);
    if (buf === undefined) {
      buf = Buffer.from(changeFrame([id], op, this.cursor, this.encoded.body), 'utf8');
      map.set(id, buf);
    }
    return buf;
  }

  /** Ends the dispatch: drops the shared Buffers; later frames are built per call, uncached. */
  endDispatch(): void {
    this.#cached = false;
    this.#single.ADDED = null;
    this.#single.MODIFIED = null;
    this.#single.DELETED = null;
    this.#multi = null;
  }

  /** Buffers currently cached (tests: the cache must not outlive the dispatch). */
  get cachedFrames(): number {
    let n = this.#multi?.size ?? 0;
    for (const op of ['ADDED', 'MODIFIED', 'DELETED'] as const) n += this.#single[op]?.size ?? 0;
    return n;
  }

  /** True exactly once: for the first frame of this change written to any socket. */
  firstSend(): boolean {
    if (this.#sent) return false;
    this.#sent = true;
    return true;
  }
}
