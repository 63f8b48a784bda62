/**
 * The narrow interface the reflector needs from the API: one paginated LIST call and one WATCH
 * stream for a single collection path. The HTTP implementation lives in http-lister-watcher.ts;
 * tests drive the reflector with a fake that has fault knobs.
 */
import type { KubeApiError } from './api-error.ts';

export type Query = Readonly<Record<string, string>>;

/** One page of a LIST: raw items, the list's resourceVersion and the continue token, if any. */
export interface ListPage {
  readonly items: readonly unknown[];
  readonly resourceVersion: string;
  readonly continue: string | null;
}

/** Receives one watch stream. Nothing is called after `done`, nor after the handle is closed. */
export interface WatchSink {
  /** The server accepted the watch (HTTP 200); events follow. */
  open(): void;
  /** One ADDED, MODIFIED, DELETED or BOOKMARK event with its raw object. */
  event(type: string, object: unknown): void;
  /**
   * The stream ended: null for an end without error (server timeout, dropped connection after a
   * successful start: resume from the last resourceVersion), else why (an HTTP error status, an
   * ERROR event such as 410 Gone, a malformed line, a failed connection).
   */
  done(error: KubeApiError | null): void;
}

export interface WatchHandle {
  /** Stops the stream; idempotent; the sink hears nothing more. */
  close(): void;
}

export interface ListerWatcher {
  /** One LIST page. Rejects with a KubeApiError (status 410 for an expired continue token). */
  list(query: Query, signal: AbortSignal): Promise<ListPage>;
  /** Opens a WATCH (the query carries watch=true and the rest). */
  watch(query: Query, sink: WatchSink): WatchHandle;
}
