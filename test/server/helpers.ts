import { BehaviorSubject, Subject } from 'rxjs';
import pino from 'pino';
import { WebSocket } from 'ws';
import type { ChangedFields, ChangeType, PodChange, PodView } from '../../src/status/types.ts';
import type { ServerMessage, SourceInfo } from '../../src/protocol/messages.ts';
import type { FeedStats, PodFeed } from '../../src/server/feed.ts';
import {
  createPodpulseServer,
  type PodpulseServer,
  type ServerOptions,
} from '../../src/server/server.ts';

export const silent = pino({ level: 'silent' });

/** A view with only what a case is about. */
export function view(name: string, over: Partial<PodView> = {}): PodView {
  return {
    uid: `uid-${name}`,
    namespace: 'default',
    name,
    phase: 'Running',
    ready: '1/1',
    status: 'Running',
    restarts: 0,
    lastRestartAt: null,
    createdAt: 1_700_000_000_000,
    deletedAt: null,
    ip: '10.0.0.1',
    node: 'node-1',
    nominatedNode: null,
    readinessGates: null,
    owner: null,
    labels: { app: name },
    containers: [],
    ...over,
  };
}

/** An in-memory PodFeed driven by the test: `apply` updates the map and emits, like the pipeline. */
export class FakeFeed implements PodFeed {
  readonly views = new Map<string, PodView>();
  readonly changes$ = new Subject<PodChange>();
  readonly state$ = new BehaviorSubject<SourceInfo>({ state: 'synced', since: 0, message: null });
  lastSeq = 0;
  stats(): FeedStats {
    return { events: this.lastSeq * 2, recomputes: this.lastSeq, watchRestarts: 1 };
  }
  snapshot(): Iterable<PodView> {
    return this.views.values();
  }
  /** Upserts (ADDED/MODIFIED, previous computed) or deletes a view and emits the change. */
  apply(type: ChangeType, v: PodView): PodChange {
    const before = this.views.get(v.uid);
    const previous: ChangedFields = {};
    if (type === 'MODIFIED' && before) {
      for (const k of Object.keys(v) as (keyof PodView)[]) {
        if (k === 'uid') continue;
        if (JSON.stringify(before[k]) !== JSON.stringify(v[k]))
          (previous as Record<string, unknown>)[k] = before[k];
      }
    }
    if (type === 'DELETED') this.views.delete(v.uid);
    else this.views.set(v.uid, v);
    const change: PodChange = { type, seq: ++this.lastSeq, time: Date.now(), view: v, previous };
    this.changes$.next(change);
    return change;
  }
}

export async function startServer(
  feed: PodFeed,
  opts: Partial<ServerOptions> = {},
): Promise<{ server: PodpulseServer; url: string; base: string }> {
  const server = createPodpulseServer({ feed, log: silent, heartbeatMs: 0, ...opts });
  const addr = await server.listen(0, '127.0.0.1');
  return { server, url: `ws://127.0.0.1:${addr.port}/ws`, base: `http://127.0.0.1:${addr.port}` };
}

/** A raw protocol client that records every message and can wait for one. */
export class TestClient {
  readonly ws: WebSocket;
  readonly messages: ServerMessage[] = [];
  /** Binary frames received: protocol v1 has none (they are not recorded as messages). */
  binaryFrames = 0;
  closeCode: number | null = null;
  #waiters: { pred: (m: ServerMessage) => boolean; resolve: (m: ServerMessage) => void }[] = [];
  #closeWaiters: ((code: number) => void)[] = [];

  constructor(url: string, opts: ConstructorParameters<typeof WebSocket>[2] = {}) {
    this.ws = new WebSocket(url, 'podpulse.v1', opts);
    this.ws.on('message', (data, isBinary) => {
      if (isBinary) {
        this.binaryFrames++;
        return;
      }
      const m = JSON.parse((data as Buffer).toString('utf8')) as ServerMessage;
      this.messages.push(m);
      this.#waiters = this.#waiters.filter((w) => {
        if (!w.pred(m)) return true;
        w.resolve(m);
        return false;
      });
    });
    this.ws.on('error', () => {});
    this.ws.on('close', (code) => {
      this.closeCode = code;
      for (const w of this.#closeWaiters) w(code);
    });
  }

  static async open(
    url: string,
    opts: ConstructorParameters<typeof WebSocket>[2] = {},
  ): Promise<TestClient> {
    const c = new TestClient(url, opts);
    await c.next((m) => m.type === 'hello');
    return c;
  }

  send(value: unknown): void {
    this.ws.send(typeof value === 'string' ? value : JSON.stringify(value));
  }

  /** Resolves with the first recorded-or-future message matching `pred`. */
  next<T extends ServerMessage = ServerMessage>(
    pred: (m: ServerMessage) => boolean,
    timeoutMs = 5000,
  ): Promise<T> {
    const seen = this.messages.find(pred);
    if (seen) return Promise.resolve(seen as T);
    return new Promise<T>((resolve, reject) => {
      const t = setTimeout(() => {
        reject(
          new Error(`timed out waiting; got ${JSON.stringify(this.messages.map((m) => m.type))}`),
        );
      }, timeoutMs);
      this.#waiters.push({
        pred,
        resolve: (m) => {
          clearTimeout(t);
          resolve(m as T);
        },
      });
    });
  }

  closed(): Promise<number> {
    if (this.closeCode !== null) return Promise.resolve(this.closeCode);
    return new Promise((resolve) => this.#closeWaiters.push(resolve));
  }

  /** A round trip: everything the server sent before the pong has arrived. */
  async sync(): Promise<void> {
    const id = `sync-${Math.random()}`;
    this.send({ type: 'ping', id });
    await this.next((m) => m.type === 'pong' && m.id === id);
  }

  of<T extends ServerMessage['type']>(type: T): Extract<ServerMessage, { type: T }>[] {
    return this.messages.filter((m) => m.type === type) as Extract<ServerMessage, { type: T }>[];
  }

  close(): void {
    this.ws.terminate();
  }
}
