/**
 * server/ — HTTP + WebSocket: subscriptions, filters, outbox with coalescing, replay buffer,
 * metrics. Sees the pipeline only through `PodFeed`.
 */
export { createPodpulseServer, defaultServerOptions } from './server.ts';
export type { PodpulseServer, ServerOptions } from './server.ts';
export type { FeedStats, PodFeed, Stream } from './feed.ts';
export { podFeedOf } from './feed.ts';
export { allowAll, createHostGuard, hostnameOf, isLoopbackHostname, staticToken } from './auth.ts';
export type { Authenticator, AuthResult, HostGuard } from './auth.ts';
export type { Readiness } from './hub.ts';
