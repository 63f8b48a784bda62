import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { KubeConfig } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KubeApiError } from '../../src/kube/api-error.ts';
import { httpListerWatcher } from '../../src/kube/http-lister-watcher.ts';

let server: Server;
let kc: KubeConfig;
let handler: (req: IncomingMessage, res: ServerResponse, url: URL) => void;
const seen: { url: URL; auth: string | undefined }[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    seen.push({ url, auth: req.headers.authorization });
    handler(req, res, url);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [{ name: 'c', server: `http://127.0.0.1:${port}`, skipTLSVerify: false }],
    users: [{ name: 'u', token: 't0ken' }],
    contexts: [{ name: 'x', cluster: 'c', user: 'u' }],
    currentContext: 'x',
  });
});
afterAll(() => {
  server.closeAllConnections();
  server.close();
});

function watchAll(query: Record<string, string>) {
  const lw = httpListerWatcher(kc, '/api/v1/pods');
  const events: string[] = [];
  return new Promise<{ events: string[]; error: KubeApiError | null; opened: boolean }>(
    (resolve) => {
      let opened = false;
      lw.watch(query, {
        open: () => {
          opened = true;
        },
        event: (type, object) =>
          events.push(`${type} ${(object as { metadata: { name: string } }).metadata.name}`),
        done: (error) => {
          resolve({ events, error, opened });
        },
      });
    },
  );
}

describe('httpListerWatcher over loopback HTTP', () => {
  it('lists with the bearer token and query, and reads the continue token', async () => {
    handler = (_req, res) => {
      res.end(
        JSON.stringify({
          kind: 'PodList',
          metadata: { resourceVersion: '42', continue: 'next' },
          items: [{ metadata: { name: 'a' } }],
        }),
      );
    };
    const page = await httpListerWatcher(kc, '/api/v1/pods').list(
      { limit: '500', labelSelector: 'app=web' },
      new AbortController().signal,
    );
    expect(page).toEqual({
      items: [{ metadata: { name: 'a' } }],
      resourceVersion: '42',
      continue: 'next',
    });
    expect(seen.at(-1)?.auth).toBe('Bearer t0ken');
    expect(seen.at(-1)?.url.search).toBe('?limit=500&labelSelector=app%3Dweb');
  });

  it('turns an error Status into a KubeApiError that knows 410', async () => {
    handler = (_req, res) => {
      res.statusCode = 410;
      res.end(
        JSON.stringify({
          kind: 'Status',
          code: 410,
          reason: 'Expired',
          message: 'continue token expired',
        }),
      );
    };
    const err = (await httpListerWatcher(kc, '/api/v1/pods')
      .list({}, new AbortController().signal)
      .catch((e: unknown) => e)) as KubeApiError;
    expect(err).toMatchObject({
      code: 'PP_ERR_KUBE_API',
      status: 410,
      isGone: true,
      message: 'list /api/v1/pods failed: HTTP 410: Expired: continue token expired',
    });
  });

  it('streams events split across chunks, then ends cleanly', async () => {
    handler = (_req, res) => {
      res.write('{"type":"ADDED","object":{"metadata":{"name":"a"}}}\n{"type":"MODI');
      setTimeout(() => {
        res.end(
          'FIED","object":{"metadata":{"name":"a"}}}\n\n{"type":"DELETED","object":{"metadata":{"name":"a"}}}',
        );
      }, 5);
    };
    expect(await watchAll({ watch: 'true' })).toEqual({
      events: ['ADDED a', 'MODIFIED a', 'DELETED a'],
      error: null,
      opened: true,
    });
  });

  it('reassembles an event written in many small chunks, a multi-byte character split between two', async () => {
    const name = 'ä'.repeat(300);
    const bytes = Buffer.from(
      `{"type":"ADDED","object":{"metadata":{"name":"${name}"}}}\n{"type":"DELETED","object":{"metadata":{"name":"b"}}}\n`,
    );
    handler = (_req, res) => {
      res.flushHeaders();
      let at = 0;
      const next = () => {
        if (at >= bytes.length) {
          res.end();
          return;
        }
        res.write(bytes.subarray(at, at + 7)); // 7 is odd: splits two-byte characters
        at += 7;
        setImmediate(next);
      };
      next();
    };
    expect(await watchAll({ watch: 'true' })).toEqual({
      events: [`ADDED ${name}`, 'DELETED b'],
      error: null,
      opened: true,
    });
  });

  it('stops at a malformed line with an error, so the watch is restarted rather than silently lossy', async () => {
    handler = (_req, res) => {
      res.write('{"type":"ADDED","object":{"metadata":{"name":"a"}}}\n{"type":"MODIFIED","obj\n');
      res.write('{"type":"DELETED","object":{"metadata":{"name":"a"}}}\n');
    };
    const r = await watchAll({ watch: 'true' });
    expect(r.events).toEqual(['ADDED a']);
    expect(r.error).toMatchObject({ reason: 'MalformedLine' });
  });

  it('reports an ERROR event (410 Gone) and a rejected watch', async () => {
    handler = (_req, res) => {
      res.end(
        '{"type":"ERROR","object":{"kind":"Status","code":410,"reason":"Expired","message":"too old resource version: 1 (5)"}}\n',
      );
    };
    expect((await watchAll({ watch: 'true' })).error).toMatchObject({ status: 410, isGone: true });
    handler = (_req, res) => {
      res.statusCode = 422;
      res.end(
        '{"kind":"Status","code":422,"reason":"Invalid","message":"resourceVersionMatch is forbidden for watch"}',
      );
    };
    const r = await watchAll({ watch: 'true', sendInitialEvents: 'true' });
    expect(r).toMatchObject({ opened: false, error: { status: 422, reason: 'Invalid' } });
  });

  it('reports a refused connection as a network error', async () => {
    const dead = new KubeConfig();
    dead.loadFromOptions({
      clusters: [{ name: 'c', server: 'http://127.0.0.1:1', skipTLSVerify: false }],
      users: [{ name: 'u' }],
      contexts: [{ name: 'x', cluster: 'c', user: 'u' }],
      currentContext: 'x',
    });
    const err = (await httpListerWatcher(dead, '/api/v1/pods')
      .list({}, new AbortController().signal)
      .catch((e: unknown) => e)) as KubeApiError;
    expect(err).toMatchObject({ status: null, code: 'PP_ERR_KUBE_API' });
    expect(err.message).toMatch(/^list request failed: .*ECONNREFUSED/);
  });
});
