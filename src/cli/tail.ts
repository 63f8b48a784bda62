/**
 * `podpulse tail`: one line per pod status transition, from a podpulse server (`--server`) or from
 * an in-process informer reading the kubeconfig, like `kubectl get pods -w` but only real
 * transitions (STATUS, READY or RESTARTS changed, pod created or deleted).
 *
 * Exit codes: 0 stopped by SIGINT/SIGTERM; 1 runtime failure; 2 bad usage (flags, selector);
 * 3 the server or cluster could not be reached at start.
 */
import { get as httpGet } from 'node:http';
import { get as httpsGet } from 'node:https';
import { pino } from 'pino';
import { PodpulseClient, type PodEvent } from '../client/index.ts';
import { PodpulseError } from '../errors.ts';
import { loadKubeConfig, type LoadedKubeConfig } from '../kube/index.ts';
import { createPodSource } from '../pipeline/index.ts';
import { compileFilter, opForFilter, type PodFilter } from '../protocol/filter.ts';
import { podRow } from '../status/index.ts';
import type { ChangedFields, ChangeType, PodView } from '../status/types.ts';
import { configOrExit, Flags, type FlagSpecs } from './flags.ts';

export const tailUsage = `Usage: podpulse tail [--server URL] [-n NS ... | -A] [-l SELECTOR] [--status S,...] [-o text|json]

Print one line per pod status transition as it happens:

  12:01:07  default/api-7d9f  Running → CrashLoopBackOff  1/2  5 (10s ago)

Where the data comes from:
  --server URL     a podpulse server (podpulse serve / npm start), e.g. http://127.0.0.1:8080
                   [PODPULSE_SERVER]
  (no --server)    the server at http://127.0.0.1:8080 when one answers there; otherwise an
                   in-process informer reading the kubeconfig (--kubeconfig, KUBECONFIG,
                   ~/.kube/config, in-cluster), like kubectl
  --kubeconfig PATH, --context NAME
                   use the in-process informer with this kubeconfig/context (no probing)

Flags:
  -n, --namespace NS       only pods in NS; repeatable or comma-separated (default: all)
  -A, --all-namespaces     all namespaces (the default)
  -l, --selector SELECTOR  label selector, Kubernetes syntax (app=api,tier!=db)
      --status S,...       only pods whose STATUS is one of these (e.g. CrashLoopBackOff,Error);
                           a pod entering the set prints its transition, one leaving prints it too
  -o, --output FORMAT      text (default) or json (one JSON object per line, NDJSON)
      --token TOKEN        bearer token for a server started with --token [PODPULSE_TOKEN]
      --timeout SECONDS    give up (exit 3) when nothing answers within this (default 10)
  -h, --help               show this help

Colour is used when stdout is a terminal and NO_COLOR is not set. Notices (connected,
reconnecting, resumed, resynced) go to stderr.

Exit status: 0 stopped by SIGINT/SIGTERM, 1 runtime failure, 2 bad usage (including a missing
or wrong --token), 3 server or cluster unreachable.
`;

export interface TailOptions {
  server: string | null;
  kubeconfig: string | null;
  context: string | null;
  namespaces: string[];
  selector: string | null;
  status: string[];
  output: 'text' | 'json';
  token: string | null;
  timeoutMs: number;
  help: boolean;
}

export const defaultServer = 'http://127.0.0.1:8080';

const tailFlags: FlagSpecs = {
  server: { type: 'string', env: 'PODPULSE_SERVER' },
  kubeconfig: { type: 'string' },
  context: { type: 'string' },
  namespace: { type: 'string', short: 'n', multiple: true },
  'all-namespaces': { type: 'boolean', short: 'A' },
  selector: { type: 'string', short: 'l' },
  status: { type: 'string', multiple: true },
  output: { type: 'string', short: 'o' },
  token: { type: 'string', env: 'PODPULSE_TOKEN' },
  timeout: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
};

/** Parses tail's flags; every usage problem at once, as a ConfigError (exit 2). */
export function parseTailArgs(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
): TailOptions {
  const f = new Flags(argv, tailFlags, env);
  const output = f.oneOf('output', ['text', 'json'] as const, 'text');
  if (f.given('all-namespaces') && f.given('namespace'))
    f.problem('-A/--all-namespaces and -n/--namespace cannot be combined');
  const server = f.sourced('server');
  if (server !== null) {
    try {
      const u = new URL(server.value);
      if (!['http:', 'https:', 'ws:', 'wss:'].includes(u.protocol)) throw new Error('scheme');
    } catch {
      f.problem(`${server.from}: '${server.value}' is not an http(s):// or ws(s):// URL`);
    }
    if (f.given('kubeconfig') || f.given('context'))
      f.problem(`${server.from} cannot be combined with --kubeconfig/--context`);
  }
  const selector = f.sourced('selector');
  if (selector !== null) {
    const c = compileFilter({ labelSelector: selector.value });
    if (!c.ok) f.problem(`${selector.from}: ${c.error.message}`);
  }
  const timeoutS = f.number('timeout', 10, 0, 86_400);
  const options: TailOptions = {
    server: server?.value ?? null,
    kubeconfig: f.string('kubeconfig'),
    context: f.string('context'),
    namespaces: f.list('namespace'),
    selector: selector?.value ?? null,
    status: f.list('status'),
    output,
    token: f.string('token'),
    timeoutMs: timeoutS * 1000,
    help: f.bool('help'),
  };
  f.done();
  return options;
}

/** A transition as tail prints it. */
export interface Transition {
  op: ChangeType;
  view: PodView;
  previous: ChangedFields;
  /** When it was observed, epoch ms. */
  time: number;
}

/** Whether a change is a transition worth a line: created, deleted, or STATUS/READY/RESTARTS changed. */
export function isTransition(t: Transition): boolean {
  if (t.op !== 'MODIFIED') return true;
  const p = t.previous;
  return p.status !== undefined || p.ready !== undefined || p.restarts !== undefined;
}

const ansi = {
  reset: '\u001b[0m',
  dim: '\u001b[2m',
  bold: '\u001b[1m',
  red: '\u001b[31m',
  green: '\u001b[32m',
  yellow: '\u001b[33m',
};

const healthy = new Set(['Running', 'Completed', 'Succeeded']);
const pending =
  /^(Pending|ContainerCreating|PodInitializing|Terminating|Init:\d+\/\d+|SchedulingGated)$/;

function paint(status: string, color: boolean): string {
  if (!color) return status;
  const c = healthy.has(status) ? ansi.green : pending.test(status) ? ansi.yellow : ansi.red;
  return `${c}${status}${ansi.reset}`;
}

function clock(time: number): string {
  const d = new Date(time);
  const p = (n: number): string => String(n).padStart(2, '0');
  return `${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
}

/**
 * `12:01:07  default/api-7d9f  Running → CrashLoopBackOff  1/2  5 (10s ago)`. Created pods show
 * `+ Pending`, deleted ones `Terminating → deleted`. `now` renders "(10s ago)".
 */
export function formatTransition(t: Transition, now: number, color: boolean): string {
  const v = t.view;
  const row = podRow(v, now);
  const from = t.previous.status;
  let status: string;
  if (t.op === 'ADDED' && from === undefined) status = `+ ${paint(v.status, color)}`;
  else if (t.op === 'DELETED' && from === undefined)
    status = `${paint(v.status, color)} → ${color ? ansi.dim : ''}deleted${color ? ansi.reset : ''}`;
  else if (from !== undefined && from !== v.status)
    status = `${paint(from, color)} → ${paint(v.status, color)}`;
  else status = paint(v.status, color);
  const ready =
    t.previous.ready !== undefined && t.previous.ready !== v.ready
      ? `${t.previous.ready} → ${v.ready}`
      : v.ready;
  const time = color ? `${ansi.dim}${clock(t.time)}${ansi.reset}` : clock(t.time);
  const name = color
    ? `${ansi.bold}${v.namespace}/${v.name}${ansi.reset}`
    : `${v.namespace}/${v.name}`;
  return `${time}  ${name}  ${status}  ${ready}  ${row.restarts}`;
}

/** The NDJSON record of a transition (`-o json`); keys documented in docs/serve.md. */
export function transitionRecord(t: Transition, now: number): Record<string, unknown> {
  const v = t.view;
  const row = podRow(v, now);
  return {
    time: new Date(t.time).toISOString(),
    type: t.op,
    namespace: v.namespace,
    name: v.name,
    uid: v.uid,
    from:
      t.op === 'ADDED' && t.previous.status === undefined ? null : (t.previous.status ?? v.status),
    // DELETED with a previous status is a pod leaving a --status filter, not a deletion.
    to: t.op === 'DELETED' && t.previous.status === undefined ? null : v.status,
    status: v.status,
    ready: row.ready,
    restarts: row.restarts,
    previous: t.previous,
    view: v,
  };
}

type Printer = (t: Transition) => void;

function makePrinter(o: TailOptions): Printer {
  const color =
    o.output === 'text' &&
    process.stdout.isTTY &&
    (process.env['NO_COLOR'] === undefined || process.env['NO_COLOR'] === '');
  return (t) => {
    if (!isTransition(t)) return;
    const now = Date.now();
    const line =
      o.output === 'json'
        ? JSON.stringify(transitionRecord(t, now))
        : formatTransition(t, now, color);
    process.stdout.write(`${line}\n`);
  };
}

function notice(text: string): void {
  process.stderr.write(`podpulse tail: ${text}\n`);
}

/** How a tail run ends: `finish(code)` (the first call wins), or SIGINT/SIGTERM (exit 0). */
interface TailSession {
  readonly finish: (code: number) => void;
  /** The exit code; timers and signal handlers are already released when it resolves. */
  readonly done: Promise<number>;
}

/**
 * Starts a run: SIGINT/SIGTERM finish it with 0, and after `timeoutMs` `unreachable()` is asked
 * whether nothing has answered yet; when it returns a message, that is printed and the run
 * finishes with 3 (PP_ERR_UNREACHABLE).
 */
function startSession(timeoutMs: number, unreachable: () => string | null): TailSession {
  let finish = (_code: number): void => undefined;
  const ended = new Promise<number>((resolve) => {
    finish = resolve;
  });
  const onSignal = (): void => {
    finish(0);
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  const giveUp = setTimeout(() => {
    const why = unreachable();
    if (why === null) return;
    notice(why);
    finish(3);
  }, timeoutMs);
  const done = ended.then((code) => {
    clearTimeout(giveUp);
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    return code;
  });
  return { finish, done };
}

/** Whether a failed fetch or connect was refused outright (nothing listens there). */
function isRefused(err: unknown): boolean {
  const cause = (err as { cause?: unknown } | null)?.cause ?? err;
  const c = cause as { code?: unknown; errors?: unknown } | null;
  if (c?.code === 'ECONNREFUSED') return true;
  // Happy eyeballs (localhost: ::1 and 127.0.0.1) fails with one error per address.
  return (
    Array.isArray(c?.errors) &&
    c.errors.length > 0 &&
    c.errors.every((e: unknown) => (e as { code?: unknown } | null)?.code === 'ECONNREFUSED')
  );
}

async function probe(url: string, timeoutMs: number): Promise<boolean> {
  try {
    const res = await fetch(new URL('/healthz', url), { signal: AbortSignal.timeout(timeoutMs) });
    await res.body?.cancel();
    return res.ok;
  } catch {
    return false;
  }
}

/** The transitions a fresh snapshot implies, compared with what was known before a reset. */
function resyncTransitions(
  before: ReadonlyMap<string, PodView>,
  after: ReadonlyMap<string, PodView>,
  time: number,
): Transition[] {
  const out: Transition[] = [];
  for (const [uid, v] of after) {
    const old = before.get(uid);
    if (old === undefined) out.push({ op: 'ADDED', view: v, previous: {}, time });
    else if (old.status !== v.status || old.ready !== v.ready || old.restarts !== v.restarts)
      out.push({
        op: 'MODIFIED',
        view: v,
        previous: { status: old.status, ready: old.ready, restarts: old.restarts },
        time,
      });
  }
  for (const [uid, old] of before)
    if (!after.has(uid)) out.push({ op: 'DELETED', view: old, previous: {}, time });
  return out;
}

/**
 * The status of a GET, with node:http rather than fetch: fetch refuses "bad ports" (1, 6000,
 * 6666…) that the WebSocket connects to fine, and hides the connect error's code.
 */
function httpStatus(url: URL, headers: Record<string, string>, timeoutMs: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const get = url.protocol === 'https:' ? httpsGet : httpGet;
    const req = get(url, { headers, signal: AbortSignal.timeout(timeoutMs) }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
  });
}

/**
 * A cheap authenticated request before connecting: 'ok', 'unauthorized', 'refused' (nothing
 * listens there: no point waiting) or 'unreachable' (anything else; the WebSocket keeps trying).
 */
async function preflight(
  server: string,
  token: string | null,
  timeoutMs: number,
): Promise<'ok' | 'unauthorized' | 'refused' | 'unreachable'> {
  try {
    const url = new URL(
      '/api/v1/pods?namespace=podpulse-tail-preflight',
      server.replace(/^ws/, 'http'),
    );
    const status = await httpStatus(
      url,
      token === null ? {} : { authorization: `Bearer ${token}` },
      timeoutMs,
    );
    return status === 401 ? 'unauthorized' : 'ok';
  } catch (err) {
    return isRefused(err) ? 'refused' : 'unreachable';
  }
}

async function tailServer(o: TailOptions, server: string, print: Printer): Promise<number> {
  // A refused WebSocket upgrade looks like a network error to the client: ask HTTP first so a
  // missing or wrong token gets its own message, and a refused connection fails at once
  // (--timeout is for servers that do not answer, not for ports nobody listens on).
  const pre = await preflight(server, o.token, Math.min(o.timeoutMs, 3000));
  if (pre === 'unauthorized') {
    notice(
      `the server at ${server} requires a bearer token (PP_ERR_UNAUTHORIZED): pass --token or set PODPULSE_TOKEN`,
    );
    return 2;
  }
  if (pre === 'refused') {
    notice(
      `cannot reach the podpulse server at ${server} (PP_ERR_UNREACHABLE): connection refused; is 'podpulse serve' running there?`,
    );
    return 3;
  }
  const client = new PodpulseClient({
    url: server,
    ...(o.token === null ? {} : { token: o.token }),
    reconnect: { initialDelayMs: 250, maxDelayMs: 5000 },
  });
  const sub = client.subscribe({
    namespaces: o.namespaces,
    labelSelector: o.selector,
    status: o.status,
  });
  let known = new Map<string, PodView>();
  let everOpen = false;
  let outage = false;
  // Set by a reconnecting/stale source notice, so its recovery is announced too.
  let sourceTrouble = false;
  const { finish, done } = startSession(o.timeoutMs, () =>
    everOpen
      ? null
      : `cannot reach the podpulse server at ${server} (PP_ERR_UNREACHABLE): is 'podpulse serve' running there?`,
  );
  client.on('open', ({ hello, reconnected }) => {
    everOpen = true;
    if (reconnected) notice(`reconnected to ${server}; resuming`);
    else
      notice(`connected to ${server} (podpulse ${hello.server.version}); waiting for transitions`);
    outage = false;
  });
  client.on('close', ({ code, reason, retryInMs }) => {
    if (!everOpen) {
      if (code === 1002 || code === 1006) return; // keep trying until --timeout
    }
    if (retryInMs === null) {
      finish(1);
      return;
    }
    if (!outage && everOpen) {
      outage = true;
      notice(`connection lost (${code}${reason === '' ? '' : `: ${reason}`}); reconnecting`);
    }
  });
  client.on('source', (s) => {
    if (!everOpen) return;
    if (s.state !== 'synced') {
      sourceTrouble = true;
      notice(`the server's source is ${s.state}${s.message === null ? '' : `: ${s.message}`}`);
    } else if (sourceTrouble) {
      sourceTrouble = false;
      notice(`the server's source is synced again`);
    }
  });
  client.on('error', (e) => {
    notice(`server error ${e.code}: ${e.message}`);
  });
  sub.on('snapshot', ({ pods, reset }) => {
    if (reset) {
      const changes = resyncTransitions(known, pods, Date.now());
      notice(`resynced after a gap the server could not replay: ${changes.length} pods changed`);
      for (const t of changes) print(t);
    } else if (known.size === 0) {
      notice(`watching ${pods.size} pods`);
    }
    known = new Map(pods);
  });
  sub.on('change', (e: PodEvent) => {
    if (e.op === 'DELETED') known.delete(e.view.uid);
    else known.set(e.view.uid, e.view);
    print({ op: e.op, view: e.view, previous: e.previous, time: e.time });
  });
  sub.on('error', (e) => {
    notice(`the server refused the subscription: ${e.code}: ${e.message}`);
    finish(2);
  });
  const code = await done;
  client.close();
  return code;
}

async function tailInformer(
  o: TailOptions,
  loaded: LoadedKubeConfig,
  print: Printer,
): Promise<number> {
  const filter: PodFilter = (() => {
    const f = compileFilter({ status: o.status });
    return f.ok ? f.value : { namespaces: null, selector: null, statuses: null, all: true };
  })();
  // Trouble is reported through state$ notices; the informer's own retry lines would be noise here.
  const logger = pino({ level: 'error' }, pino.destination(2));
  const source = createPodSource({
    kubeConfig: loaded.kubeConfig,
    ...(o.namespaces.length > 0 ? { namespaces: o.namespaces } : {}),
    ...(o.selector === null ? {} : { labelSelector: o.selector }),
    logger,
  });
  const started = Date.now();
  let synced = false;
  let lastState = 'connecting';
  const unreachable = `cannot reach the cluster at ${loaded.server} (context ${loaded.context}) (PP_ERR_UNREACHABLE)`;
  const { finish, done } = startSession(o.timeoutMs, () => (synced ? null : unreachable));
  const states = source.state$.subscribe((s) => {
    if (!synced && s.message !== null && /\bECONNREFUSED\b/.test(s.message)) {
      // Nothing listens at the API server's address: waiting out --timeout would not help.
      notice(`${unreachable}: connection refused`);
      finish(3);
    } else if (s.state === 'synced' && !synced) {
      synced = true;
      notice(`watching ${source.size} pods in ${loaded.context} (${loaded.server})`);
    } else if (synced && s.state !== lastState) {
      notice(
        s.state === 'synced'
          ? 'watch restored'
          : `cluster ${s.state}${s.message === null ? '' : `: ${s.message}`}`,
      );
    }
    lastState = s.state;
  });
  const changes = source.changes$.subscribe((c) => {
    if (!synced) return;
    // The first list arrives as ADDED changes; a pod created before tail started is not news.
    if (c.type === 'ADDED' && c.view.createdAt !== null && c.view.createdAt < started - 2000)
      return;
    const op = opForFilter(filter, c.type, c.view, c.previous);
    if (op !== null) print({ op, view: c.view, previous: c.previous, time: c.time });
  });
  const code = await done;
  states.unsubscribe();
  changes.unsubscribe();
  source.close();
  return code;
}

export async function run(argv: string[]): Promise<number> {
  const o = configOrExit('tail', tailUsage, () => parseTailArgs(argv, process.env));
  if (typeof o === 'number') return o;
  // `podpulse tail | head`: a closed stdout ends tail quietly, like other Unix tools.
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(0);
    throw err;
  });
  const print = makePrinter(o);
  if (o.server !== null) return tailServer(o, o.server, print);
  if (o.kubeconfig === null && o.context === null && (await probe(defaultServer, 1000))) {
    return tailServer(o, defaultServer, print);
  }
  let loaded: LoadedKubeConfig | null;
  try {
    loaded = loadKubeConfig({
      ...(o.kubeconfig === null ? {} : { kubeconfig: o.kubeconfig }),
      ...(o.context === null ? {} : { context: o.context }),
      env: process.env,
    });
  } catch (err) {
    if (err instanceof PodpulseError) {
      process.stderr.write(`podpulse tail: ${err.message}\n`);
      return 2;
    }
    throw err;
  }
  if (loaded === null) {
    notice(
      `no podpulse server at ${defaultServer} and no kubeconfig found (PP_ERR_UNREACHABLE).\n` +
        `  Start a server in another terminal with 'npm start' (or 'podpulse serve'), or pass --server URL or --kubeconfig PATH.`,
    );
    return 3;
  }
  return tailInformer(o, loaded, print);
}
