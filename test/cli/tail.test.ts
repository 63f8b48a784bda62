import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer as createNetServer, type AddressInfo, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/errors.ts';
import {
  formatTransition,
  isTransition,
  parseTailArgs,
  transitionRecord,
  type Transition,
} from '../../src/cli/tail.ts';
import { FakeFeed, startServer, view } from '../server/helpers.ts';

const bin = fileURLToPath(new URL('../../bin/podpulse', import.meta.url));
const t0 = new Date(2026, 0, 2, 12, 1, 7).getTime();

function tr(over: Partial<Transition>): Transition {
  return { op: 'MODIFIED', view: view('api-7d9f'), previous: {}, time: t0, ...over };
}

describe('tail: lines', () => {
  it.each([
    [
      'a status change with restarts',
      tr({
        view: view('api-7d9f', {
          status: 'CrashLoopBackOff',
          ready: '1/2',
          restarts: 5,
          lastRestartAt: t0 - 10_000,
        }),
        previous: { status: 'Running', restarts: 4 },
      }),
      '12:01:07  default/api-7d9f  Running → CrashLoopBackOff  1/2  5 (10s ago)',
    ],
    [
      'a readiness change',
      tr({ previous: { ready: '0/1' } }),
      '12:01:07  default/api-7d9f  Running  0/1 → 1/1  0',
    ],
    [
      'a new pod',
      tr({ op: 'ADDED', view: view('x', { status: 'Pending', ready: '0/1' }) }),
      '12:01:07  default/x  + Pending  0/1  0',
    ],
    [
      'a pod entering a status filter',
      tr({ op: 'ADDED', view: view('x', { status: 'Error' }), previous: { status: 'Running' } }),
      '12:01:07  default/x  Running → Error  1/1  0',
    ],
    [
      'a pod leaving a status filter',
      tr({ op: 'DELETED', previous: { status: 'Error' } }),
      '12:01:07  default/api-7d9f  Error → Running  1/1  0',
    ],
    [
      'a deleted pod',
      tr({ op: 'DELETED', view: view('x', { status: 'Terminating' }) }),
      '12:01:07  default/x  Terminating → deleted  1/1  0',
    ],
  ])('%s', (_name, t, line) => {
    expect(formatTransition(t, t0, false)).toBe(line);
  });

  it('colours statuses on request', () => {
    const line = formatTransition(
      tr({ view: view('a', { status: 'Error' }), previous: { status: 'Running' } }),
      t0,
      true,
    );
    expect(line).toContain('\u001b[32mRunning\u001b[0m → \u001b[31mError\u001b[0m');
  });

  it.each([
    ['IP only', { ip: null }, false],
    ['labels only', { labels: {} }, false],
    ['status', { status: 'Pending' }, true],
    ['restarts', { restarts: 1 }, true],
  ] as const)('a MODIFIED of %s is a transition: %s', (_n, previous, want) => {
    expect(isTransition(tr({ previous }))).toBe(want);
  });

  it('the JSON record', () => {
    const r = transitionRecord(
      tr({ view: view('a', { status: 'Error' }), previous: { status: 'Running' } }),
      t0,
    );
    expect(r).toMatchObject({
      time: new Date(t0).toISOString(),
      type: 'MODIFIED',
      namespace: 'default',
      name: 'a',
      uid: 'uid-a',
      from: 'Running',
      to: 'Error',
      ready: '1/1',
      restarts: '0',
    });
    expect(transitionRecord(tr({ op: 'DELETED' }), t0)).toMatchObject({
      from: 'Running',
      to: null,
    });
    expect(
      transitionRecord(tr({ op: 'DELETED', previous: { status: 'Error' } }), t0),
    ).toMatchObject({ from: 'Error', to: 'Running' });
    expect(transitionRecord(tr({ op: 'ADDED' }), t0)).toMatchObject({ from: null, to: 'Running' });
  });
});

describe('tail: flags', () => {
  it('parses kubectl-like flags', () => {
    expect(
      parseTailArgs(
        [
          '--server',
          'http://h:1',
          '-n',
          'a,b',
          '-n',
          'c',
          '-l',
          'app=x',
          '--status',
          'Error,CrashLoopBackOff',
          '-o',
          'json',
        ],
        {},
      ),
    ).toMatchObject({
      server: 'http://h:1',
      namespaces: ['a', 'b', 'c'],
      selector: 'app=x',
      status: ['Error', 'CrashLoopBackOff'],
      output: 'json',
    });
    expect(parseTailArgs([], { PODPULSE_SERVER: 'http://e:2' }).server).toBe('http://e:2');
  });

  it('reports every usage problem at once', () => {
    let err: unknown;
    try {
      parseTailArgs(['-o', 'yaml', '-A', '-n', 'x', '-l', 'app in (', '--server', 'ftp://x'], {});
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).problems).toEqual([
      "-o: 'yaml' is not one of text, json",
      '-A/--all-namespaces and -n/--namespace cannot be combined',
      "--server: 'ftp://x' is not an http(s):// or ws(s):// URL",
      expect.stringMatching(/^-l: .* in selector 'app in \('$/),
    ]);
  });

  it('reports unknown flags and missing values along with bad values', () => {
    let err: unknown;
    try {
      parseTailArgs(['--bogus', '--timeout', '-5', '--output=yaml', '-l'], {
        PODPULSE_SERVER: 'nope',
      });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).problems).toEqual([
      '--bogus: unknown flag',
      '-l: expected a value',
      "--output: 'yaml' is not one of text, json",
      "PODPULSE_SERVER: 'nope' is not an http(s):// or ws(s):// URL",
      "--timeout: expected a number greater than 0 and at most 86400, got '-5'",
    ]);
  });
});

interface Run {
  lines: () => string[];
  stderr: () => string;
  exit: Promise<number | null>;
  kill: (sig: NodeJS.Signals) => void;
}

function runTail(args: string[]): Run {
  const child = spawn(bin, ['tail', ...args], {
    env: { ...process.env, NO_COLOR: '1', HOME: '/nonexistent', KUBECONFIG: '' },
  });
  let out = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const exit = new Promise<number | null>((resolve) =>
    child.on('exit', (code) => {
      resolve(code);
    }),
  );
  cleanup.push(() => {
    child.kill('SIGKILL');
  });
  return {
    lines: () => out.split('\n').slice(0, -1), // only complete lines
    stderr: () => err,
    exit,
    kill: (s) => child.kill(s),
  };
}

async function until(cond: () => boolean, what: () => string): Promise<void> {
  for (let i = 0; i < 400; i++) {
    if (cond()) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`timed out: ${what()}`);
}

let cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const f of cleanup.reverse()) await f();
  cleanup = [];
});

/** A loopback port nothing listens on (bound, then closed). */
async function closedPort(): Promise<number> {
  const srv = createNetServer();
  await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', resolve));
  const { port } = srv.address() as AddressInfo;
  await new Promise<void>((resolve) =>
    srv.close(() => {
      resolve();
    }),
  );
  return port;
}

describe('tail: against a cluster', () => {
  it('fails at once when the API server refuses the connection', async () => {
    const port = await closedPort();
    const dir = mkdtempSync(join(tmpdir(), 'podpulse-tail-'));
    cleanup.push(() => {
      rmSync(dir, { recursive: true, force: true });
    });
    const kc = join(dir, 'kubeconfig');
    writeFileSync(
      kc,
      `current-context: x\ncontexts: [{name: x, context: {cluster: c, user: u}}]\nclusters: [{name: c, cluster: {server: 'http://127.0.0.1:${port}'}}]\nusers: [{name: u, user: {}}]\n`,
    );
    const tail = runTail(['--kubeconfig', kc, '--timeout', '600']);
    expect(await tail.exit).toBe(3);
    expect(tail.stderr()).toBe(
      `podpulse tail: cannot reach the cluster at http://127.0.0.1:${port} (context x) (PP_ERR_UNREACHABLE): connection refused\n`,
    );
  });
});

describe('tail: against a server', () => {
  it('prints NDJSON transitions only, and exits 0 on SIGINT', async () => {
    const feed = new FakeFeed();
    feed.apply('ADDED', view('old'));
    const { server, base } = await startServer(feed);
    cleanup.push(() => server.close());
    const tail = runTail(['--server', base, '-o', 'json', '--status', 'Error,CrashLoopBackOff']);
    await until(() => tail.stderr().includes('watching 0 pods'), tail.stderr);
    feed.apply('MODIFIED', view('old', { status: 'Error' }));
    feed.apply('MODIFIED', view('old', { status: 'Error', ip: '10.9.9.9' }));
    feed.apply('MODIFIED', view('old', { status: 'CrashLoopBackOff', restarts: 1 }));
    feed.apply('MODIFIED', view('old', { status: 'Running', restarts: 1 }));
    await until(() => tail.lines().length >= 3, tail.stderr);
    const got = tail
      .lines()
      .map((l) => JSON.parse(l) as { type: string; from: string; to: string | null });
    expect(got.map((r) => [r.type, r.from, r.to])).toEqual([
      ['ADDED', 'Running', 'Error'],
      ['MODIFIED', 'Error', 'CrashLoopBackOff'],
      ['DELETED', 'CrashLoopBackOff', 'Running'], // left the --status filter
    ]);
    tail.kill('SIGINT');
    expect(await tail.exit).toBe(0);
  });

  it('says so and exits 3 when the server does not answer within --timeout', async () => {
    // Accepts connections and never answers: only --timeout ends the wait.
    const sockets = new Set<Socket>();
    const hang = createNetServer((sock) => {
      sockets.add(sock);
    });
    await new Promise<void>((resolve) => hang.listen(0, '127.0.0.1', resolve));
    cleanup.push(
      () =>
        new Promise<void>((resolve) => {
          for (const sock of sockets) sock.destroy();
          hang.close(() => {
            resolve();
          });
        }),
    );
    const base = `http://127.0.0.1:${(hang.address() as AddressInfo).port}`;
    const tail = runTail(['--server', base, '--timeout', '1']);
    expect(await tail.exit).toBe(3);
    expect(tail.stderr()).toBe(
      `podpulse tail: cannot reach the podpulse server at ${base} (PP_ERR_UNREACHABLE): is 'podpulse serve' running there?\n`,
    );
  });

  it('fails at once when the connection is refused, without waiting out --timeout', async () => {
    const base = `http://127.0.0.1:${await closedPort()}`;
    // A --timeout longer than this test may run: only failing fast passes.
    const tail = runTail(['--server', base, '--timeout', '600']);
    expect(await tail.exit).toBe(3);
    expect(tail.stderr()).toBe(
      `podpulse tail: cannot reach the podpulse server at ${base} (PP_ERR_UNREACHABLE): connection refused; is 'podpulse serve' running there?\n`,
    );
  });

  it("says when the server's source is synced again after trouble, not on the first sync", async () => {
    const feed = new FakeFeed();
    const { server, base } = await startServer(feed);
    cleanup.push(() => server.close());
    const tail = runTail(['--server', base]);
    await until(() => tail.stderr().includes('watching 0 pods'), tail.stderr);
    feed.state$.next({ state: 'reconnecting', since: 1, message: 'watch failed: boom' });
    await until(() => tail.stderr().includes('reconnecting'), tail.stderr);
    feed.state$.next({ state: 'synced', since: 2, message: null });
    await until(() => tail.stderr().includes('synced again'), tail.stderr);
    tail.kill('SIGINT');
    expect(await tail.exit).toBe(0);
    expect(tail.stderr().split('\n').slice(1)).toEqual([
      'podpulse tail: watching 0 pods',
      "podpulse tail: the server's source is reconnecting: watch failed: boom",
      "podpulse tail: the server's source is synced again",
      '',
    ]);
  });

  it('exits 2 with a clear message when the server wants a token', async () => {
    const { staticToken } = await import('../../src/server/auth.ts');
    const { server, base } = await startServer(new FakeFeed(), {
      authenticate: staticToken('right-token'),
    });
    cleanup.push(() => server.close());
    const tail = runTail(['--server', base, '--token', 'wrong-token']);
    expect(await tail.exit).toBe(2);
    expect(tail.stderr()).toBe(
      `podpulse tail: the server at ${base} requires a bearer token (PP_ERR_UNAUTHORIZED): pass --token or set PODPULSE_TOKEN\n`,
    );
    const ok = runTail(['--server', base, '--token', 'right-token']);
    await until(() => ok.stderr().includes('watching 0 pods'), ok.stderr);
    ok.kill('SIGTERM');
    expect(await ok.exit).toBe(0);
  });

  it('exits 2 on a bad selector, naming it', async () => {
    const tail = runTail(['-l', 'a in (']);
    expect(await tail.exit).toBe(2);
    expect(tail.stderr()).toMatch(
      /^podpulse tail: invalid configuration:\n {2}- -l: .*'a in \('\nRun 'podpulse tail --help' for the flags\.\n$/,
    );
  });
});
