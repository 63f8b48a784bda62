import http from 'node:http';
import https from 'node:https';
import { KubeConfig } from '@kubernetes/client-node';
import type { Cluster } from '@kubernetes/client-node';
import { KubeApiError, statusError } from './api-error.ts';
import { LineSplitter } from './line-splitter.ts';
import type { ListerWatcher, ListPage, Query, WatchHandle, WatchSink } from './lister-watcher.ts';

export interface HttpListerWatcherOptions {
  /** Deadline for one LIST page, headers and body. Default 60 s. */
  listTimeoutMs?: number;
  /** Largest LIST body or watch line accepted. Default 64 MiB. */
  maxBodyBytes?: number;
}

/**
 * client-node's `Watch` silently drops lines it cannot parse (an event lost without a trace) and
 * aborts streams quiet for 30 s; its generated list API returns `Date` objects. So the informer
 * speaks HTTP itself, with client-node's `KubeConfig.applyToHTTPSOptions` supplying TLS material,
 * proxies and credentials (tokens, client certificates, exec and OIDC plugins, refreshed per
 * request). A plain `http://` server (the simulator, `kubectl proxy`) gets headers only.
 */
export function httpListerWatcher(
  kc: KubeConfig,
  path: string,
  options: HttpListerWatcherOptions = {},
): ListerWatcher {
  const listTimeoutMs = options.listTimeoutMs ?? 60_000;
  const maxBody = options.maxBodyBytes ?? 64 * 1024 * 1024;
  const cluster = kc.getCurrentCluster();
  if (!cluster) throw new KubeApiError('kubeconfig has no current cluster', null, null);
  const plain = cluster.server.startsWith('http:');
  // client-node refuses to build an agent for http:// unless skipTLSVerify is set (there is no TLS
  // to verify); use a copy of the config that says so, for headers only.
  const auth = plain ? plainHttpCopy(kc, cluster) : kc;
  const base = cluster.server.replace(/\/+$/, '');

  async function request(query: Query, signal: AbortSignal): Promise<http.IncomingMessage> {
    const url = new URL(base + path);
    for (const [k, v] of Object.entries(query)) url.searchParams.set(k, v);
    const opts: https.RequestOptions = { method: 'GET', headers: { Accept: 'application/json' } };
    await auth.applyToHTTPSOptions(opts);
    if (plain) delete opts.agent;
    return new Promise((resolve, reject) => {
      const req = (plain ? http : https).request(url, { ...opts, signal }, resolve);
      req.on('error', reject);
      req.end();
    });
  }

  return {
    async list(query: Query, signal: AbortSignal): Promise<ListPage> {
      const timeout = AbortSignal.any([signal, AbortSignal.timeout(listTimeoutMs)]);
      let body: string;
      let status: number;
      try {
        const res = await request(query, timeout);
        status = res.statusCode ?? 0;
        body = await readBody(res, maxBody);
      } catch (err) {
        throw networkError('list', err);
      }
      let parsed: unknown;
      try {
        parsed = JSON.parse(body);
      } catch (err) {
        if (status !== 200) throw statusError(`list ${path}`, status, null);
        throw new KubeApiError(`list ${path}: response is not JSON`, null, null, err);
      }
      if (status !== 200) throw statusError(`list ${path}`, status, parsed);
      const o = parsed as {
        items?: unknown;
        metadata?: { resourceVersion?: unknown; continue?: unknown };
      };
      if (!Array.isArray(o.items)) {
        throw new KubeApiError(`list ${path}: response has no items array`, null, null);
      }
      const rv = o.metadata?.resourceVersion;
      const cont = o.metadata?.continue;
      return {
        items: o.items,
        resourceVersion: typeof rv === 'string' ? rv : '',
        continue: typeof cont === 'string' && cont !== '' ? cont : null,
      };
    },

    watch(query: Query, sink: WatchSink): WatchHandle {
      const controller = new AbortController();
      let finished = false;
      const finish = (error: KubeApiError | null): void => {
        if (finished) return;
        finished = true;
        controller.abort();
        sink.done(error);
      };
      request(query, controller.signal).then(
        (res) => {
          if (finished) {
            res.destroy();
            return;
          }
          if (res.statusCode !== 200) {
            const status = res.statusCode ?? 0;
            readBody(res, 1024 * 1024).then(
              (text) => {
                let parsed: unknown = null;
                try {
                  parsed = JSON.parse(text);
                } catch {
                  // a non-JSON error body: the status alone says enough
                }
                finish(statusError(`watch ${path}`, status, parsed));
              },
              () => {
                finish(statusError(`watch ${path}`, status, null));
              },
            );
            return;
          }
          sink.open();
          readLines(res, maxBody, {
            line(text) {
              if (finished) return false;
              let parsed: unknown;
              try {
                parsed = JSON.parse(text);
              } catch (err) {
                finish(
                  new KubeApiError(
                    `watch ${path}: malformed line: ${text.slice(0, 80)}`,
                    null,
                    'MalformedLine',
                    err,
                  ),
                );
                return false;
              }
              const ev = (typeof parsed === 'object' ? parsed : null) as {
                type?: unknown;
                object?: unknown;
              } | null;
              if (ev === null || typeof ev.type !== 'string') {
                finish(
                  new KubeApiError(
                    `watch ${path}: event without a type: ${text.slice(0, 80)}`,
                    null,
                    'MalformedLine',
                  ),
                );
                return false;
              }
              if (ev.type === 'ERROR') {
                finish(statusError(`watch ${path}`, null, ev.object));
                return false;
              }
              sink.event(ev.type, ev.object);
              return true;
            },
            end(err) {
              finish(err);
            },
          });
        },
        (err: unknown) => {
          finish(networkError('watch', err));
        },
      );
      return {
        close() {
          if (finished) return;
          finished = true;
          controller.abort();
        },
      };
    },
  };
}

function plainHttpCopy(kc: KubeConfig, cluster: Cluster): KubeConfig {
  const copy = new KubeConfig();
  copy.loadFromOptions({
    clusters: kc
      .getClusters()
      .map((c) => (c.name === cluster.name ? { ...c, skipTLSVerify: true } : c)),
    users: kc.getUsers(),
    contexts: kc.getContexts(),
    currentContext: kc.getCurrentContext(),
  });
  return copy;
}

function networkError(what: string, err: unknown): KubeApiError {
  if (err instanceof KubeApiError) return err;
  const msg = err instanceof Error ? err.message : String(err);
  return new KubeApiError(`${what} request failed: ${msg}`, null, null, err);
}

function readBody(res: http.IncomingMessage, max: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    res.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > max) {
        res.destroy(new Error(`response larger than ${max} bytes`));
        return;
      }
      chunks.push(chunk);
    });
    res.on('end', () => {
      resolve(Buffer.concat(chunks).toString('utf8'));
    });
    res.on('error', reject);
    res.on('aborted', () => {
      reject(new Error('response aborted'));
    });
  });
}

/**
 * Calls `line` once per line of the response (see LineSplitter: each character is scanned once).
 * `line` returns false to stop. `end` is called once: null when the stream ended or was cut after
 * its start (the caller resumes from its last resourceVersion), an error for an oversized line.
 */
function readLines(
  res: http.IncomingMessage,
  maxLine: number,
  handlers: { line(text: string): boolean; end(err: KubeApiError | null): void },
): void {
  const splitter = new LineSplitter(maxLine);
  let stopped = false;
  const stop = (err: KubeApiError | null): void => {
    if (stopped) return;
    stopped = true;
    res.destroy();
    handlers.end(err);
  };
  const line = (text: string): boolean => handlers.line(text);
  res.setEncoding('utf8');
  res.on('data', (chunk: string) => {
    if (stopped) return;
    const result = splitter.push(chunk, line);
    if (result === 'stopped') stop(null);
    else if (result === 'tooLong') {
      stop(new KubeApiError(`watch line longer than ${maxLine} bytes`, null, 'MalformedLine'));
    }
  });
  res.on('end', () => {
    if (stopped) return;
    const rest = splitter.takeRest();
    if (rest.trim() !== '') handlers.line(rest);
    stop(null);
  });
  res.on('error', () => {
    stop(null);
  });
  res.on('close', () => {
    stop(null);
  });
}
