/**
 * web/ — the dashboard's entry point: builds the page's App and connects it to the server's
 * WebSocket through the client library. `window.podpulse` exposes the App for the e2e test and
 * the benchmark.
 */
import { App } from './app.ts';

const app = new App(() => {
  /* resubscribe: wired to the client library in live.ts */
});
(window as unknown as { podpulse: { app: App } }).podpulse = { app };
