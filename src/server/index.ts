/**
 * server/ — HTTP + WebSocket: subscriptions, filters, outbox with coalescing, replay buffer,
 * metrics. Sees the pipeline only through `PodFeed`.
 */
export { createPodpulseServer, defaultServerOptions } from './server.ts';
export type { PodpulseServer, ServerOptions } from './server.ts';
export type { FeedStats, PodFeed, Stream } from './feed.ts';
export { allowAll, originAllowed, staticToken } from './auth.ts';
export type { Authenticator, AuthResult } from './auth.ts';
