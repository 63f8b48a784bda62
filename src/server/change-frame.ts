/**
 * Change frames, serialised once per change and shared by every subscriber.
 *
 * The JSON of a change (seq, time, view, previous) is built once when the change arrives; each
 * connection's frame is a short per-connection prefix (the subscription ids, the op relative to
 * their filters, the cursor) concatenated with that shared body. The alternative, one
 * `JSON.stringify` per subscriber, costs a full serialisation of the view per subscriber;
 * docs/protocol.md records the measurement.
 */
import type { ChangedFields, ChangeType, PodChange, PodView } from '../status/types.ts';

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

/** A complete change frame: per-connection prefix + shared body. */
export function changeFrame(
  ids: readonly string[],
  op: ChangeType,
  cursor: string,
  body: string,
): string {
  return `{"type":"change","ids":${JSON.stringify(ids)},"op":"${op}","cursor":"${cursor}",${body}`;
}
