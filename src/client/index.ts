/**
 * client/ — the podpulse client library for Node (>= 22) and browsers: connect, subscribe, typed
 * events, automatic reconnect with jittered back-off, resume by cursor, reset handling.
 * See docs/client.md.
 */
export { ClientSubscription, PodpulseClient } from './client.ts';
export type {
  ClientEvents,
  ClientOptions,
  ConnectionState,
  PodEvent,
  SubscriptionEvents,
  WebSocketConstructor,
  WebSocketLike,
} from './client.ts';
export { Emitter } from './emitter.ts';
