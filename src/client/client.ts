/**
 * The podpulse client: one WebSocket (protocol podpulse.v1) carrying any number of subscriptions,
 * each keeping the live set of its pods. Reconnects by itself with jittered exponential back-off
 * and resumes every subscription from its cursor; when the server cannot replay the gap it sends
 * a reset and a fresh snapshot, which replace the subscription's pods.
 *
 * Runs in browsers and Node >= 22 (the global `WebSocket`); no Node modules, no dependencies.
 */
import type { ChangedFields, ChangeType, PodView } from '../status/types.ts';
import { decodeServerMessage, parseCursor } from '../protocol/codec.ts';
import type { FilterSpec } from '../protocol/filter.ts';
import {
  SUBPROTOCOL,
  type ChangeMessage,
  type ErrorMessage,
  type HelloMessage,
  type ResetMessage,
  type ServerMessage,
  type SnapshotMessage,
  type SourceInfo,
} from '../protocol/messages.ts';
import { Emitter } from './emitter.ts';

/** The subset of the WHATWG WebSocket the client uses. */
export interface WebSocketLike {
  readonly readyState: number;
  onopen: ((ev: unknown) => void) | null;
  onmessage: ((ev: { data: unknown }) => void) | null;
  onclose: ((ev: { code: number; reason: string }) => void) | null;
  onerror: ((ev: unknown) => void) | null;
  send(data: string): void;
  close(code?: number, reason?: string): void;
}
export type WebSocketConstructor = new (
  url: string,
  protocols?: string | string[],
) => WebSocketLike;

export interface ClientOptions {
  /** `ws://host:port/ws`, or `http://host:port` (the `/ws` path is added). */
  url: string;
  /** Bearer token for a server started with `--token`; sent as `access_token` (browsers cannot set headers). */
  token?: string;
  /** Default: `globalThis.WebSocket`. */
  WebSocket?: WebSocketConstructor;
  /** Back-off between reconnects; `false` disables reconnecting. */
  reconnect?: { initialDelayMs?: number; maxDelayMs?: number } | false;
  /** Application-level ping interval; no frame for two intervals means the link is dead. Default 15000; 0 disables. */
  pingIntervalMs?: number;
  /** Jitter source in [0, 1); default Math.random. */
  random?: () => number;
}

export type ConnectionState = 'connecting' | 'open' | 'reconnecting' | 'closed';

export interface ClientEvents extends Record<string, unknown> {
  /** Connected and greeted; subscriptions are being (re)established. */
  open: { hello: HelloMessage; reconnected: boolean };
  /** The connection ended; `retryInMs` is null when no reconnect follows. */
  close: { code: number; reason: string; retryInMs: number | null; attempt: number };
  /** The server's source state (synced, stale, reconnecting, connecting). */
  source: SourceInfo;
  /** An error frame that does not belong to a subscription. */
  error: ErrorMessage;
  state: ConnectionState;
}

/** One change as a subscription sees it. */
export interface PodEvent {
  op: ChangeType;
  view: PodView;
  /** The subscription's view of the pod before this change (undefined when it had none). */
  before: PodView | undefined;
  previous: ChangedFields;
  seq: number;
  time: number;
}

export interface SubscriptionEvents extends Record<string, unknown> {
  /** The full set of pods after a (fresh or post-reset) snapshot. */
  snapshot: { pods: ReadonlyMap<string, PodView>; reset: boolean };
  change: PodEvent;
  /** The server could not replay a gap: local state is dropped, a snapshot follows. */
  reset: ResetMessage;
  /** A resume succeeded after a reconnect: missed changes follow as `change` events. */
  resumed: { cursor: string };
  /** The server refused the subscription (bad selector, limit...): it is closed. */
  error: ErrorMessage;
}

/** A subscription: its pods (uid → view) are kept current; `on()` to observe. */
export class ClientSubscription extends Emitter<SubscriptionEvents> {
  readonly id: string;
  readonly filter: Readonly<FilterSpec>;
  readonly #pods = new Map<string, PodView>();
  #incoming: Map<string, PodView> | null = null;
  #cursor: string | null = null;
  #live = false;
  #closed = false;
  #resetPending = false;
  readonly #client: PodpulseClient;

  constructor(client: PodpulseClient, id: string, filter: FilterSpec) {
    super();
    this.#client = client;
    this.id = id;
    this.filter = Object.freeze({ ...filter });
  }

  /** The pods currently matching, by uid. Do not mutate. */
  get pods(): ReadonlyMap<string, PodView> {
    return this.#pods;
  }

  /** Where a reconnect resumes from (null before the first snapshot). */
  get cursor(): string | null {
    return this.#cursor;
  }

  /** True once the snapshot (or resume) arrived on the current connection. */
  get live(): boolean {
    return this.#live;
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** Stops the subscription (server side too). Idempotent. */
  unsubscribe(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#client.remove(this);
    this.clear();
  }

  /** @internal the subscribe message for the current connection. */
  request(): Record<string, unknown> {
    this.#live = false;
    this.#incoming = null;
    return {
      type: 'subscribe',
      id: this.id,
      namespaces: this.filter.namespaces ?? null,
      labelSelector: this.filter.labelSelector ?? null,
      status: this.filter.status ?? null,
      resume: this.#cursor,
    };
  }

  #advance(cursor: string | null): void {
    if (cursor === null) return;
    const next = parseCursor(cursor);
    const cur = this.#cursor === null ? null : parseCursor(this.#cursor);
    if (next === null) return;
    if (cur === null || cur.epoch !== next.epoch || next.seq > cur.seq) this.#cursor = cursor;
  }

  /** @internal */
  handle(msg: ServerMessage): void {
    if (this.#closed) return;
    switch (msg.type) {
      case 'snapshot':
        this.#snapshot(msg);
        return;
      case 'change':
        this.#change(msg);
        return;
      case 'reset':
        this.#resetPending = true;
        this.#pods.clear();
        this.#cursor = null;
        this.#live = false;
        this.emit('reset', msg);
        return;
      case 'resumed':
        this.#live = true;
        this.emit('resumed', { cursor: msg.cursor });
        return;
      case 'error':
        this.#closed = true;
        this.#client.remove(this, false);
        this.emit('error', msg);
        return;
      case 'hello':
      case 'pong':
      case 'source':
        return;
    }
  }

  /** @internal an idle cursor from a pong: everything up to it has been received. */
  idle(cursor: string): void {
    if (this.#live) this.#advance(cursor);
  }

  #snapshot(msg: SnapshotMessage): void {
    this.#incoming ??= new Map();
    for (const v of msg.items) this.#incoming.set(v.uid, v);
    if (!msg.final) return;
    const reset = this.#resetPending || this.#cursor !== null;
    this.#pods.clear();
    for (const [uid, v] of this.#incoming) this.#pods.set(uid, v);
    this.#incoming = null;
    this.#resetPending = false;
    this.#cursor = msg.cursor;
    this.#live = true;
    this.emit('snapshot', { pods: this.#pods, reset });
  }

  #change(msg: ChangeMessage): void {
    const before = this.#pods.get(msg.view.uid);
    // Upsert/delete semantics make a replayed change harmless (see docs/protocol.md, resume).
    if (msg.op === 'DELETED') {
      this.#pods.delete(msg.view.uid);
    } else {
      this.#pods.set(msg.view.uid, msg.view);
    }
    this.#advance(msg.cursor);
    this.emit('change', {
      op: msg.op,
      view: msg.view,
      before,
      previous: msg.previous,
      seq: msg.seq,
      time: msg.time,
    });
  }
}

function wsUrl(url: string, token: string | undefined): string {
  const u = new URL(url);
  if (u.protocol === 'http:') u.protocol = 'ws:';
  else if (u.protocol === 'https:') u.protocol = 'wss:';
  if (u.pathname === '' || u.pathname === '/') u.pathname = '/ws';
  if (token !== undefined) u.searchParams.set('access_token', token);
  return u.toString();
}

/**
 * Connects on construction. Guarantees per subscription: changes are delivered in the server's
 * order; after a reconnect the subscription either resumes (missed changes are replayed) or is
 * reset (a `reset` then a `snapshot` with `reset: true`), so `pods` converges to the server's view.
 */
export class PodpulseClient extends Emitter<ClientEvents> {
  readonly #opts: ClientOptions;
  readonly #url: string;
  readonly #WS: WebSocketConstructor;
  readonly #subs = new Map<string, ClientSubscription>();
  #ws: WebSocketLike | null = null;
  #state: ConnectionState = 'connecting';
  #attempt = 0;
  #everOpen = false;
  #nextId = 1;
  #retryTimer: ReturnType<typeof setTimeout> | null = null;
  #pingTimer: ReturnType<typeof setInterval> | null = null;
  #lastFrameAt = 0;
  #hello: HelloMessage | null = null;

  constructor(opts: ClientOptions) {
    super();
    this.#opts = opts;
    this.#url = wsUrl(opts.url, opts.token);
    const WS =
      opts.WebSocket ?? (globalThis as unknown as { WebSocket?: WebSocketConstructor }).WebSocket;
    if (WS === undefined)
      throw new Error('PodpulseClient: no WebSocket implementation (Node >= 22 or a browser)');
    this.#WS = WS;
    this.#open();
  }

  get state(): ConnectionState {
    return this.#state;
  }

  /** The server's greeting on the current connection, null while not connected. */
  get hello(): HelloMessage | null {
    return this.#hello;
  }

  /** Opens a subscription; it is (re)sent on every connection until `unsubscribe()`. */
  subscribe(filter: FilterSpec = {}, id = `s${this.#nextId++}`): ClientSubscription {
    if (this.#subs.has(id)) throw new Error(`PodpulseClient: subscription id '${id}' is in use`);
    const sub = new ClientSubscription(this, id, filter);
    this.#subs.set(id, sub);
    if (this.#state === 'open') this.#send(sub.request());
    return sub;
  }

  /** @internal */
  remove(sub: ClientSubscription, tellServer = true): void {
    if (this.#subs.get(sub.id) !== sub) return;
    this.#subs.delete(sub.id);
    if (tellServer && this.#state === 'open') this.#send({ type: 'unsubscribe', id: sub.id });
  }

  /** Closes for good (no reconnect). Idempotent. */
  close(): void {
    if (this.#state === 'closed') return;
    this.#setState('closed');
    this.#stopTimers();
    const ws = this.#ws;
    this.#ws = null;
    if (ws !== null) {
      try {
        ws.close(1000, 'client closed');
      } catch {
        // already closing
      }
    }
  }

  #setState(s: ConnectionState): void {
    if (this.#state === s) return;
    this.#state = s;
    this.emit('state', s);
  }

  #stopTimers(): void {
    if (this.#retryTimer !== null) clearTimeout(this.#retryTimer);
    if (this.#pingTimer !== null) clearInterval(this.#pingTimer);
    this.#retryTimer = null;
    this.#pingTimer = null;
  }

  #send(msg: Record<string, unknown>): void {
    const ws = this.#ws;
    if (ws === null || ws.readyState !== 1) return;
    try {
      ws.send(JSON.stringify(msg));
    } catch {
      // the close handler reconnects
    }
  }

  #open(): void {
    let ws: WebSocketLike;
    try {
      ws = new this.#WS(this.#url, [SUBPROTOCOL]);
    } catch (err) {
      const dead = ws0();
      this.#ws = dead;
      this.#closed(dead, 1006, err instanceof Error ? err.message : String(err));
      return;
    }
    this.#ws = ws;
    ws.onmessage = (ev) => {
      if (this.#ws !== ws) return;
      this.#lastFrameAt = Date.now();
      if (typeof ev.data !== 'string') return;
      const msg = decodeServerMessage(ev.data);
      if (msg !== null) this.#dispatch(msg);
    };
    ws.onclose = (ev) => {
      this.#closed(ws, ev.code, ev.reason);
    };
    ws.onerror = () => {
      // onclose follows with the details
    };
  }

  #dispatch(msg: ServerMessage): void {
    switch (msg.type) {
      case 'hello': {
        this.#hello = msg;
        const reconnected = this.#everOpen;
        this.#everOpen = true;
        this.#attempt = 0;
        this.#setState('open');
        this.#startPing();
        this.emit('open', { hello: msg, reconnected });
        this.emit('source', msg.source);
        for (const sub of this.#subs.values()) this.#send(sub.request());
        return;
      }
      case 'source':
        this.emit('source', msg.source);
        return;
      case 'pong':
        if (msg.cursor !== null) for (const sub of this.#subs.values()) sub.idle(msg.cursor);
        return;
      case 'error': {
        const sub = msg.id === null ? undefined : this.#subs.get(msg.id);
        if (sub !== undefined) sub.handle(msg);
        else this.emit('error', msg);
        return;
      }
      case 'change':
        for (const id of msg.ids) this.#subs.get(id)?.handle(msg);
        return;
      case 'snapshot':
      case 'reset':
      case 'resumed':
        this.#subs.get(msg.id)?.handle(msg);
        return;
    }
  }

  #startPing(): void {
    const every = this.#opts.pingIntervalMs ?? 15_000;
    if (every <= 0) return;
    if (this.#pingTimer !== null) clearInterval(this.#pingTimer);
    this.#lastFrameAt = Date.now();
    this.#pingTimer = setInterval(() => {
      const ws = this.#ws;
      if (ws === null) return;
      if (Date.now() - this.#lastFrameAt > 2 * every) {
        // Silent for two intervals: treat the link as dead.
        try {
          ws.close(4000, 'no frames from server');
        } catch {
          // ignore
        }
        this.#closed(ws, 1006, 'no frames from server');
        return;
      }
      this.#send({ type: 'ping' });
    }, every);
  }

  #closed(ws: WebSocketLike, code: number, reason: string): void {
    // Only the current socket's end counts (a socket given up on by the ping check closes later).
    if (this.#ws !== ws) return;
    this.#ws = null;
    ws.onmessage = null;
    ws.onclose = null;
    ws.onerror = null;
    this.#hello = null;
    if (this.#pingTimer !== null) clearInterval(this.#pingTimer);
    this.#pingTimer = null;
    if (this.#state === 'closed') return;
    const r = this.#opts.reconnect;
    if (r === false) {
      this.#setState('closed');
      this.emit('close', { code, reason, retryInMs: null, attempt: this.#attempt });
      return;
    }
    this.#attempt++;
    const initial = r?.initialDelayMs ?? 250;
    const max = r?.maxDelayMs ?? 10_000;
    const base = Math.min(max, initial * 2 ** Math.min(this.#attempt - 1, 20));
    const random = this.#opts.random ?? Math.random;
    const delay = Math.round(base / 2 + (base / 2) * random());
    this.#setState('reconnecting');
    this.emit('close', { code, reason, retryInMs: delay, attempt: this.#attempt });
    this.#retryTimer = setTimeout(() => {
      this.#retryTimer = null;
      if (this.#state === 'reconnecting') this.#open();
    }, delay);
  }
}

/** A placeholder socket for a constructor that threw. */
function ws0(): WebSocketLike {
  return {
    readyState: 3,
    onopen: null,
    onmessage: null,
    onclose: null,
    onerror: null,
    send: () => undefined,
    close: () => undefined,
  };
}
