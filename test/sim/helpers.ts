/** Test helpers: plain HTTP against a running simulator, and a line-by-line watch reader. */
import type { SimCluster } from '../../src/sim/index.ts';

export interface Reply {
  status: number;
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any
  headers: Headers;
}

export async function call(
  sim: SimCluster,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<Reply> {
  const init: RequestInit = { method, headers: { ...headers } };
  if (body !== undefined) {
    init.body = typeof body === 'string' ? body : JSON.stringify(body);
    (init.headers as Record<string, string>)['content-type'] ??= 'application/json';
  }
  const res = await fetch(sim.url + path, init);
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // not JSON: keep the text
  }
  return { status: res.status, body: parsed, headers: res.headers };
}

export interface WatchEvent {
  type: string;
  object: any; // eslint-disable-line @typescript-eslint/no-explicit-any
}

/** Opens a watch and hands out events (or raw lines that are not JSON) one by one. */
export class WatchReader {
  readonly #abort = new AbortController();
  readonly #queue: (WatchEvent | string)[] = [];
  #waiters: (() => void)[] = [];
  ended = false;
  status = 0;

  static async open(
    sim: SimCluster,
    path: string,
    headers: Record<string, string> = {},
  ): Promise<WatchReader> {
    const w = new WatchReader();
    const res = await fetch(sim.url + path, { signal: w.#abort.signal, headers });
    w.status = res.status;
    void w.#pump(res);
    return w;
  }

  async #pump(res: Response): Promise<void> {
    const decoder = new TextDecoder();
    let buf = '';
    try {
      for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
        buf += decoder.decode(chunk, { stream: true });
        let i;
        while ((i = buf.indexOf('\n')) >= 0) {
          const line = buf.slice(0, i);
          buf = buf.slice(i + 1);
          if (line.trim() === '') continue;
          try {
            this.#queue.push(JSON.parse(line) as WatchEvent);
          } catch {
            this.#queue.push(line);
          }
          this.#wake();
        }
      }
    } catch {
      // aborted or broken: ended below
    }
    this.ended = true;
    this.#wake();
  }

  #wake(): void {
    const w = this.#waiters;
    this.#waiters = [];
    for (const f of w) f();
  }

  /** The next event; rejects after `ms` or when the stream has ended with nothing left. */
  async next(ms = 5000): Promise<WatchEvent> {
    const item = await this.nextRaw(ms);
    if (typeof item === 'string') throw new Error(`not JSON: ${item}`);
    return item;
  }

  async nextRaw(ms = 5000): Promise<WatchEvent | string> {
    const deadline = Date.now() + ms;
    for (;;) {
      const item = this.#queue.shift();
      if (item !== undefined) return item;
      if (this.ended) throw new Error('watch ended');
      const left = deadline - Date.now();
      if (left <= 0) throw new Error('timed out waiting for a watch event');
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        this.#waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  }

  /** Resolves once the server has ended the stream (all queued events are still readable). */
  async waitEnded(ms = 5000): Promise<void> {
    const deadline = Date.now() + ms;
    while (!this.ended) {
      if (Date.now() > deadline) throw new Error('watch did not end');
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, 50);
        this.#waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  }

  close(): void {
    this.#abort.abort();
  }
}

export function podBody(
  name: string,
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, labels: { app: 'web' }, ...(extra.metadata as object | undefined) },
    spec: {
      containers: [{ name: 'app', image: 'nginx:1.27' }],
      ...(extra.spec as object | undefined),
    },
  };
}
