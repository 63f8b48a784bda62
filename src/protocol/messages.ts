/**
 * Protocol v1 wire messages (WebSocket subprotocol `podpulse.v1`, one JSON object per text frame).
 * `docs/protocol.md` is the reference; `docs/schemas/*.json` hold a JSON Schema per message.
 *
 * Records use required keys with `null` for absent, so they round-trip through JSON exactly.
 */
import type { ChangedFields, ChangeType, PodView } from '../status/types.ts';
import type { ErrorCode } from '../errors.ts';

/** The WebSocket subprotocol a client must offer. */
export const SUBPROTOCOL = 'podpulse.v1';

// ── client → server ────────────────────────────────────────────────────────────────────────────

/** Open a subscription. `namespaces`/`labelSelector`/`status` absent or null mean "any". */
export interface SubscribeMessage {
  type: 'subscribe';
  /** Chosen by the client, unique among its active subscriptions (1–128 characters). */
  id: string;
  namespaces?: string[] | null;
  /** Kubernetes label selector syntax, e.g. `app=api,tier!=db`. */
  labelSelector?: string | null;
  /** Exact kubectl STATUS strings, e.g. `["CrashLoopBackOff","Error"]`. */
  status?: string[] | null;
  /** A cursor from an earlier change/snapshot of the same subscription: replay what was missed. */
  resume?: string | null;
}

export interface UnsubscribeMessage {
  type: 'unsubscribe';
  id: string;
}

export interface PingMessage {
  type: 'ping';
  /** Echoed in the pong. */
  id?: string | null;
}

export type ClientMessage = SubscribeMessage | UnsubscribeMessage | PingMessage;

// ── server → client ────────────────────────────────────────────────────────────────────────────

export type SourceStateName = 'connecting' | 'synced' | 'stale' | 'reconnecting';

/** Where the server's data comes from and how fresh it is. `since` is epoch ms. */
export interface SourceInfo {
  state: SourceStateName;
  since: number;
  message: string | null;
}

export interface ServerLimits {
  /** Largest frame the server accepts, in bytes (larger: closed with 1009). */
  maxPayload: number;
  maxSubscriptions: number;
  /** How many changes the replay buffer holds for resume. */
  replayDepth: number;
  /** Pods per snapshot frame. */
  snapshotChunk: number;
}

/** First frame on every connection. */
export interface HelloMessage {
  type: 'hello';
  protocol: typeof SUBPROTOCOL;
  server: { name: 'podpulse'; version: string };
  /** Identifies this server's life; cursors from another epoch cannot be resumed. */
  epoch: string;
  limits: ServerLimits;
  source: SourceInfo;
}

/**
 * One chunk of a subscription's initial (or post-reset) state. Chunks of one snapshot arrive in
 * order, nothing else for that subscription in between; the last has `final: true` and the cursor
 * the subscription continues from.
 */
export interface SnapshotMessage {
  type: 'snapshot';
  id: string;
  items: PodView[];
  final: boolean;
  /** Set on the final chunk only. */
  cursor: string | null;
  /** Set on the final chunk only: how many pods the whole snapshot held. */
  total: number | null;
}

/**
 * One pod's change, for the subscriptions listed in `ids`, all with the same `op`. `op` is relative
 * to each subscription's filter: a pod that enters the filter is ADDED, one that leaves is DELETED
 * (with its last view), whatever the pipeline's own change type. `seq` is the pipeline sequence
 * number of the (latest) change carried; `cursor` is where to resume after this frame.
 */
export interface ChangeMessage {
  type: 'change';
  ids: string[];
  op: ChangeType;
  cursor: string;
  seq: number;
  /** When the change was observed, epoch ms. */
  time: number;
  view: PodView;
  /** Previous values of the fields that changed (empty when nothing is known before). */
  previous: ChangedFields;
}

/** A resume succeeded: replayed changes (if any) follow, then live changes. */
export interface ResumedMessage {
  type: 'resumed';
  id: string;
  /** The cursor the client resumed from. */
  cursor: string;
}

/** Why a subscription's state is being replaced. */
export type ResetReason = 'cursor-expired' | 'cursor-epoch' | 'cursor-ahead';

/** The subscription cannot continue from what the client has: drop local state; a snapshot follows. */
export interface ResetMessage {
  type: 'reset';
  id: string;
  reason: ResetReason;
  message: string;
}

export interface ErrorMessage {
  type: 'error';
  code: ErrorCode;
  message: string;
  /** The id of the request this answers (subscribe/unsubscribe/ping id), null when unknown. */
  id: string | null;
}

export interface SourceMessage {
  type: 'source';
  source: SourceInfo;
}

export interface PongMessage {
  type: 'pong';
  id: string | null;
  /** The connection's cursor when its outbox is empty (every subscription is current up to it). */
  cursor: string | null;
}

export type ServerMessage =
  | HelloMessage
  | SnapshotMessage
  | ChangeMessage
  | ResumedMessage
  | ResetMessage
  | ErrorMessage
  | SourceMessage
  | PongMessage;

export type ServerMessageType = ServerMessage['type'];
export type ClientMessageType = ClientMessage['type'];
