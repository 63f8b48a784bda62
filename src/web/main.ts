/**
 * web/ — the dashboard's entry point: the App (models, rendering, filters) fed by the client
 * library over this server's WebSocket. One subscription at a time, replaced when the filters
 * change; reconnects and resumes are the client's. `window.podpulse` exposes both for the e2e
 * test and the benchmark.
 */
import { PodpulseClient, type ClientSubscription } from '../client/index.ts';
import type { SourceInfo } from '../protocol/messages.ts';
import { App } from './app.ts';
import { connectionView } from './connection.ts';
import type { ViewState } from './view-state.ts';

// A token for a server started with --token can be given in the fragment (`#token=…`), which
// browsers never send to servers or put in Referer headers.
const token = new URLSearchParams(location.hash.slice(1)).get('token') ?? undefined;
const client = new PodpulseClient({
  url: location.origin,
  ...(token === undefined ? {} : { token }),
  reconnect: { initialDelayMs: 250, maxDelayMs: 5_000 },
});

let subscription: ClientSubscription | null = null;
let source: SourceInfo | null = null;

function subscribe(state: ViewState): void {
  subscription?.unsubscribe();
  const sub = client.subscribe({
    namespaces: state.namespaces.length > 0 ? state.namespaces : null,
    labelSelector: state.labelSelector === '' ? null : state.labelSelector,
    status: state.statuses.length > 0 ? state.statuses : null,
  });
  subscription = sub;
  sub.on('snapshot', ({ pods }) => {
    app.snapshot(pods.values());
  });
  sub.on('change', (e) => {
    app.change({ type: e.op, seq: e.seq, time: e.time, view: e.view, previous: e.previous });
  });
  sub.on('error', (m) => {
    app.subscriptionError(m.message);
  });
}

function showConnection(): void {
  const { state, detail } = connectionView(client.state, source);
  app.setConnection(state, detail);
}

const app = new App(subscribe);
client.on('state', showConnection);
client.on('source', (s) => {
  source = s;
  showConnection();
});
client.on('close', ({ retryInMs, attempt }) => {
  if (retryInMs !== null) {
    app.setConnection(
      'reconnecting',
      `connection lost; retry ${attempt} in ${(retryInMs / 1000).toFixed(1)} s, resuming without a reload`,
    );
  }
});
client.on('error', (m) => {
  app.setConnection(app.connection, `server: ${m.message}`);
});
subscribe(app.state);
showConnection();

(window as unknown as { podpulse: unknown }).podpulse = { app, client };
