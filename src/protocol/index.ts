/**
 * protocol/ — pure, runs in browsers too: label selectors, wire messages and codecs.
 * Each concept lives in its own file; this index re-exports the public surface.
 */
export {
  everything,
  formatLabelSelector,
  labelKeyProblem,
  labelValueProblem,
  matchesLabels,
  parseLabelSelector,
} from './label-selector.ts';
export type { LabelSelector, Requirement, SelectorOperator } from './label-selector.ts';
export { SUBPROTOCOL } from './messages.ts';
export type {
  ChangeMessage,
  ClientMessage,
  ClientMessageType,
  ErrorMessage,
  HelloMessage,
  PingMessage,
  PongMessage,
  ResetMessage,
  ResetReason,
  ResumedMessage,
  ServerLimits,
  ServerMessage,
  ServerMessageType,
  SnapshotMessage,
  SourceInfo,
  SourceMessage,
  SourceStateName,
  SubscribeMessage,
  UnsubscribeMessage,
} from './messages.ts';
export {
  decodeClientMessage,
  decodeServerMessage,
  fieldLimits,
  formatCursor,
  parseCursor,
} from './codec.ts';
export type { Cursor, Decoded, WireError } from './codec.ts';
export {
  compileFilter,
  filterAcceptedBefore,
  filterAccepts,
  filterMatches,
  matchAll,
  opForFilter,
} from './filter.ts';
export type { FilterSpec, PodFilter } from './filter.ts';
