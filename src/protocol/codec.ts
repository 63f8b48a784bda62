/**
 * Decoding of client frames into typed messages, and cursors. Pure; never throws on input:
 * every problem is a `WireError` value whose message names the offending field.
 */
import type { ErrorCode } from '../errors.ts';
import type { ClientMessage, ServerMessage } from './messages.ts';

/** A problem with one client frame, answered by an error frame. */
export interface WireError {
  code: ErrorCode;
  message: string;
  /** The request id, when the frame had a usable one. */
  id: string | null;
}

export type Decoded<T> = { ok: true; value: T } | { ok: false; error: WireError };

/** Bounds on fields of client messages, so a frame under `maxPayload` cannot allocate much more. */
export const fieldLimits = {
  idLength: 128,
  namespaces: 256,
  namespaceLength: 253,
  selectorLength: 4096,
  statuses: 64,
  statusLength: 128,
  cursorLength: 64,
} as const;

function fail(code: ErrorCode, message: string, id: string | null): Decoded<never> {
  return { ok: false, error: { code, message, id } };
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function stringList(
  v: unknown,
  field: string,
  maxItems: number,
  maxLength: number,
): string[] | null | string {
  if (v === undefined || v === null) return null;
  if (!Array.isArray(v)) return `"${field}" must be an array of strings`;
  if (v.length > maxItems) return `"${field}" has ${v.length} entries; at most ${maxItems} allowed`;
  for (let i = 0; i < v.length; i++) {
    const s: unknown = v[i];
    if (typeof s !== 'string' || s.length === 0 || s.length > maxLength)
      return `"${field}[${i}]" must be a non-empty string of at most ${maxLength} characters`;
  }
  return v as string[];
}

function requestId(v: unknown): string | null {
  return typeof v === 'string' && v.length > 0 && v.length <= fieldLimits.idLength ? v : null;
}

/**
 * Parses one text frame from a client. Accepts exactly the messages of `docs/protocol.md`;
 * unknown extra fields are ignored (forward compatibility), wrong-typed known fields are not.
 */
export function decodeClientMessage(text: string): Decoded<ClientMessage> {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    const why = err instanceof Error ? err.message : 'parse error';
    return fail('PP_ERR_WIRE_JSON', `frame is not valid JSON: ${why}`, null);
  }
  if (!isObject(raw)) return fail('PP_ERR_WIRE_JSON', 'frame must be a JSON object', null);
  const id = requestId(raw.id);
  const type = raw.type;
  if (typeof type !== 'string') return fail('PP_ERR_WIRE_TYPE', 'message has no "type" string', id);
  switch (type) {
    case 'ping': {
      if (raw.id !== undefined && raw.id !== null && id === null)
        return fail('PP_ERR_WIRE_FIELD', badId(), null);
      return { ok: true, value: { type: 'ping', id } };
    }
    case 'unsubscribe':
      if (id === null) return fail('PP_ERR_WIRE_FIELD', badId(), null);
      return { ok: true, value: { type: 'unsubscribe', id } };
    case 'subscribe': {
      if (id === null) return fail('PP_ERR_WIRE_FIELD', badId(), null);
      const namespaces = stringList(
        raw.namespaces,
        'namespaces',
        fieldLimits.namespaces,
        fieldLimits.namespaceLength,
      );
      if (typeof namespaces === 'string') return fail('PP_ERR_WIRE_FIELD', namespaces, id);
      const status = stringList(
        raw.status,
        'status',
        fieldLimits.statuses,
        fieldLimits.statusLength,
      );
      if (typeof status === 'string') return fail('PP_ERR_WIRE_FIELD', status, id);
      const sel = raw.labelSelector;
      if (sel !== undefined && sel !== null) {
        if (typeof sel !== 'string' || sel.length > fieldLimits.selectorLength)
          return fail(
            'PP_ERR_WIRE_FIELD',
            `"labelSelector" must be a string of at most ${fieldLimits.selectorLength} characters`,
            id,
          );
      }
      const resume = raw.resume;
      if (resume !== undefined && resume !== null) {
        if (typeof resume !== 'string' || parseCursor(resume) === null)
          return fail(
            'PP_ERR_WIRE_FIELD',
            `"resume" must be a cursor string from this protocol ("<epoch>.<seq>")`,
            id,
          );
      }
      return {
        ok: true,
        value: {
          type: 'subscribe',
          id,
          namespaces,
          labelSelector: typeof sel === 'string' ? sel : null,
          status,
          resume: typeof resume === 'string' ? resume : null,
        },
      };
    }
    default:
      return fail(
        'PP_ERR_WIRE_TYPE',
        `unknown message type ${JSON.stringify(type.slice(0, 64))}; expected subscribe, unsubscribe or ping`,
        id,
      );
  }
}

function badId(): string {
  return `"id" must be a non-empty string of at most ${fieldLimits.idLength} characters`;
}

/** A position in one server life's change stream. */
export interface Cursor {
  /** The server life (`hello.epoch`). */
  epoch: string;
  /** The pipeline sequence number: every change with seq <= this one has been delivered. */
  seq: number;
}

const cursorPattern = /^([a-z0-9]{1,32})\.(0|[1-9][0-9]{0,15})$/;

/** `epoch.seq`, e.g. `m3k9x2.1042`. */
export function formatCursor(epoch: string, seq: number): string {
  return `${epoch}.${seq}`;
}

/** Parses a cursor, or null when it is not one. */
export function parseCursor(text: string): Cursor | null {
  if (text.length > fieldLimits.cursorLength) return null;
  const m = cursorPattern.exec(text);
  if (!m) return null;
  const seq = Number(m[2]);
  if (!Number.isSafeInteger(seq)) return null;
  return { epoch: m[1] ?? '', seq };
}

const serverTypes = new Set([
  'hello',
  'snapshot',
  'change',
  'resumed',
  'reset',
  'error',
  'source',
  'pong',
]);

/**
 * Parses a server frame (client side). Trusts the server for the shape of known messages; returns
 * null for anything that is not JSON or has an unknown type, which a client should ignore.
 */
export function decodeServerMessage(text: string): ServerMessage | null {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return null;
  }
  if (!isObject(raw) || typeof raw.type !== 'string' || !serverTypes.has(raw.type)) return null;
  return raw as unknown as ServerMessage;
}
