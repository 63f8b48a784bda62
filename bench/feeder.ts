/**
 * The feeder: a minimal Kubernetes API for pods that replays the recorded workload
 * (bench/lib/workload.ts) as fast as the client reads it, so throughput runs measure the client
 * and not the API server. LIST pages with `limit`/`continue` (or one unpaged body, as client-node's
 * `listPodForAllNamespaces` asks), WATCH held open (a BOOKMARK every 5 s keeps it alive) until the
 * parent calls `go`, which writes the next unsent slice of a burst, then its sentinels, to every
 * open watch in one write. Streaming lists
 * (`sendInitialEvents`) are refused with 422, as older API servers do, so informers page.
 */
import { createServer, type ServerResponse } from 'node:http';
import { readFileSync } from 'node:fs';
import { procConfig, serveProc, wallMs } from './lib/proc.ts';
import { NAMESPACES } from './lib/workload.ts';

interface Config {
  items: string;
  bursts: Record<string, string>;
  listRv: number;
}

const cfg = procConfig() as Config;

function lines(path: string): Buffer[] {
  const buf = readFileSync(path);
  const out: Buffer[] = [];
  let start = 0;
  for (;;) {
    const nl = buf.indexOf(10, start);
    if (nl < 0) break;
    out.push(buf.subarray(start, nl + 1));
    start = nl + 1;
  }
  return out;
}

const items = lines(cfg.items).map((b) => b.subarray(0, b.length - 1));
const bursts = new Map<string, Buffer[]>();
for (const [name, path] of Object.entries(cfg.bursts)) bursts.set(name, lines(path));
let rv = cfg.listRv;
let gos = 0;
const cursors = new Map<string, number>();
const watches = new Set<ServerResponse>();

function status(res: ServerResponse, code: number, reason: string, message: string): void {
  res.writeHead(code, { 'content-type': 'application/json' });
  res.end(
    JSON.stringify({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message,
      reason,
      code,
    }),
  );
}

function list(res: ServerResponse, q: URLSearchParams): void {
  const limit = Number(q.get('limit') ?? '0');
  const from = Number(q.get('continue') ?? '0');
  const to = limit > 0 ? Math.min(items.length, from + limit) : items.length;
  const cont = to < items.length ? String(to) : undefined;
  res.writeHead(200, { 'content-type': 'application/json' });
  res.write(
    `{"kind":"PodList","apiVersion":"v1","metadata":{"resourceVersion":"${cfg.listRv}"${cont === undefined ? '' : `,"continue":"${cont}"`}},"items":[`,
  );
  // Written in slices so a 400 MB unpaged body never becomes one string.
  const comma = Buffer.from(',');
  let i = from;
  const pump = (): void => {
    while (i < to) {
      const chunk: Buffer[] = [];
      const end = Math.min(to, i + 256);
      for (; i < end; i++) {
        if (chunk.length > 0 || i > from) chunk.push(comma);
        chunk.push(items[i] as Buffer);
      }
      if (!res.write(Buffer.concat(chunk))) {
        res.once('drain', pump);
        return;
      }
    }
    res.end(']}');
  };
  pump();
}

const server = createServer((req, res) => {
  const url = new URL(req.url ?? '/', 'http://x');
  const q = url.searchParams;
  if (url.pathname !== '/api/v1/pods') {
    status(res, 404, 'NotFound', `the feeder serves /api/v1/pods only, not ${url.pathname}`);
    return;
  }
  if (q.get('watch') !== 'true' && q.get('watch') !== '1') {
    list(res, q);
    return;
  }
  if (q.get('sendInitialEvents') === 'true') {
    status(res, 422, 'Invalid', 'resourceVersionMatch is forbidden for watch');
    return;
  }
  res.writeHead(200, { 'content-type': 'application/json', 'transfer-encoding': 'chunked' });
  res.flushHeaders();
  watches.add(res);
  res.on('close', () => watches.delete(res));
});

const bookmarks = setInterval(() => {
  const line = `{"type":"BOOKMARK","object":{"kind":"Pod","apiVersion":"v1","metadata":{"resourceVersion":"${rv}"}}}\n`;
  for (const w of watches) w.write(line);
}, 5000);

const init = new Promise<{ url: string }>((resolve) => {
  server.listen(0, '127.0.0.1', () => {
    const a = server.address();
    resolve({ url: `http://127.0.0.1:${typeof a === 'object' && a !== null ? a.port : 0}` });
  });
});

serveProc(
  init,
  {
    /** Writes the first `count` events of `burst` and its sentinel to every open watch. */
    go: (arg: { burst: string; count?: number }) => {
      const b = bursts.get(arg.burst);
      if (!b) throw new Error(`no burst ${arg.burst}`);
      const k = NAMESPACES;
      // Each go sends the next unsent slice: a replayed event would restore a state the pod
      // already had, and no longer be a change.
      const from = cursors.get(arg.burst) ?? 0;
      const n = Math.min(arg.count ?? b.length - k - from, b.length - k - from);
      cursors.set(arg.burst, from + n);
      // The sentinels must be real changes every time, however often a burst is replayed.
      gos++;
      const sentinels = b
        .slice(b.length - k)
        .map((l) =>
          Buffer.from(
            l.toString('latin1').replace(/"restartCount":\d+/, `"restartCount":${1000 + gos}`),
            'latin1',
          ),
        );
      const chosen = [...b.slice(from, from + n), ...sentinels];
      // Replays may repeat a burst: renumber its resourceVersions to follow the last one sent.
      const text = Buffer.concat(chosen)
        .toString('latin1')
        .replace(/"resourceVersion":"\d+"/g, () => `"resourceVersion":"${++rv}"`);
      const body = Buffer.from(text, 'latin1');
      const startedAt = wallMs();
      for (const w of watches) w.write(body);
      return { startedAt, events: chosen.length, bytes: body.length, watches: watches.size };
    },
    watches: () => watches.size,
  },
  () => {
    clearInterval(bookmarks);
    for (const w of watches) w.destroy();
    server.close();
  },
);
