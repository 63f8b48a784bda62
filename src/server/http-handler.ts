/**
 * HTTP routes on the server's port: the pods API, health, readiness, metrics, and the web
 * dashboard's static files.
 */
import { createReadStream, statSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { podRow } from '../status/index.ts';
import type { PodView } from '../status/types.ts';
import { compileFilter, filterMatches } from '../protocol/filter.ts';
import type { Authenticator, HostGuard } from './auth.ts';
import type { Readiness } from './hub.ts';
import type { ServerMetrics } from './metrics.ts';

export interface HttpContext {
  views(): Iterable<PodView>;
  readiness(): Readiness;
  readonly metrics: ServerMetrics;
  /** Host/Origin guard of the data routes (`/api/*`). */
  readonly guard: HostGuard;
  readonly authenticate: Authenticator;
  /** Directory of the web dashboard; null or missing directory: `/` answers 404 with a hint. */
  readonly staticDir: string | null;
  now(): number;
}

const contentTypes: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.map': 'application/json',
  '.txt': 'text/plain; charset=utf-8',
};

function send(res: ServerResponse, status: number, type: string, body: string): void {
  res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' });
  res.end(body);
}

function json(res: ServerResponse, status: number, value: unknown): void {
  send(res, status, 'application/json', JSON.stringify(value));
}

function listPods(ctx: HttpContext, url: URL, res: ServerResponse): void {
  const namespaces = url.searchParams
    .getAll('namespace')
    .flatMap((n) => n.split(','))
    .filter(Boolean);
  const status = url.searchParams
    .getAll('status')
    .flatMap((s) => s.split(','))
    .filter(Boolean);
  const compiled = compileFilter({
    namespaces,
    labelSelector: url.searchParams.get('labelSelector'),
    status,
  });
  if (!compiled.ok) {
    json(res, 400, { error: { code: compiled.error.code, message: compiled.error.message } });
    return;
  }
  const filter = compiled.value;
  const now = ctx.now();
  const items: unknown[] = [];
  for (const view of ctx.views()) {
    if (!filter.all && !filterMatches(filter, view)) continue;
    items.push({ ...podRow(view, now), uid: view.uid, view });
  }
  json(res, 200, { items });
}

function serveStatic(ctx: HttpContext, path: string, res: ServerResponse): void {
  const hint =
    'podpulse: the web dashboard is not built into this server yet.\n' +
    'The live data is here: GET /api/v1/pods, WebSocket subprotocol podpulse.v1 on this port ' +
    '(docs/protocol.md), or run `bin/podpulse tail`.\n';
  if (ctx.staticDir === null) {
    send(res, 404, 'text/plain; charset=utf-8', hint);
    return;
  }
  // resolve() drops a trailing separator, which would otherwise fail the containment check below
  // for every file but the index (`serve` passes `…/web/dist/`).
  const root = resolve(ctx.staticDir);
  let file = normalize(join(root, decodeURIComponent(path)));
  if (file !== root && !file.startsWith(root + sep)) {
    send(res, 404, 'text/plain; charset=utf-8', 'not found\n');
    return;
  }
  try {
    if (statSync(file).isDirectory()) file = join(file, 'index.html');
    const size = statSync(file).size;
    res.writeHead(200, {
      'content-type': contentTypes[extname(file)] ?? 'application/octet-stream',
      'content-length': size,
    });
    createReadStream(file)
      .on('error', () => res.destroy())
      .pipe(res);
  } catch {
    if (path === '/' || path === '/index.html') send(res, 404, 'text/plain; charset=utf-8', hint);
    else send(res, 404, 'text/plain; charset=utf-8', 'not found\n');
  }
}

/** Builds the request listener. Never throws; unexpected failures answer 500. */
export function createHttpHandler(
  ctx: HttpContext,
): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const path = url.pathname;
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.setHeader('allow', 'GET, HEAD');
      send(res, 405, 'text/plain; charset=utf-8', 'method not allowed\n');
      return;
    }
    try {
      if (path === '/healthz') {
        send(res, 200, 'text/plain; charset=utf-8', 'ok\n');
        return;
      }
      if (path === '/readyz') {
        const r = ctx.readiness();
        if (r.ready)
          send(
            res,
            200,
            'text/plain; charset=utf-8',
            r.reason === 'source is synced' ? 'ready\n' : `ready: ${r.reason}\n`,
          );
        else send(res, 503, 'text/plain; charset=utf-8', `not ready: ${r.reason}\n`);
        return;
      }
      if (path === '/metrics') {
        ctx.metrics.registry.metrics().then(
          (text) => {
            send(res, 200, ctx.metrics.registry.contentType, text);
          },
          () => {
            send(res, 500, 'text/plain; charset=utf-8', 'metrics unavailable\n');
          },
        );
        return;
      }
      if (path.startsWith('/api/')) {
        const refused = ctx.guard.check(req);
        if (refused !== null) {
          json(res, 403, { error: refused });
          return;
        }
        const auth = ctx.authenticate(req);
        if (!auth.ok) {
          res.setHeader('www-authenticate', 'Bearer');
          json(res, 401, { error: { code: 'PP_ERR_UNAUTHORIZED', message: auth.message } });
          return;
        }
        if (path === '/api/v1/pods') {
          listPods(ctx, url, res);
          return;
        }
        json(res, 404, { error: { code: 'PP_ERR_INPUT', message: `no API route ${path}` } });
        return;
      }
      serveStatic(ctx, path, res);
    } catch {
      if (!res.headersSent) send(res, 500, 'text/plain; charset=utf-8', 'internal error\n');
      else res.destroy();
    }
  };
}
