/**
 * `podpulse serve` (the default command, `npm start`): watch a cluster (or the built-in simulated
 * one) and serve live pod status over HTTP and WebSocket on one port.
 * Exit codes: 0 stopped by SIGINT/SIGTERM, 1 failed at runtime (e.g. port in use), 2 bad config.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { pino, type Logger } from 'pino';
import pretty from 'pino-pretty';
import pkg from '../../package.json' with { type: 'json' };
import { ConfigError } from '../errors.ts';
import { defaultKnobs, loadKubeConfig, type LoadedKubeConfig } from '../kube/index.ts';
import { createPodSource } from '../pipeline/index.ts';
import {
  createPodpulseServer,
  defaultServerOptions,
  hostnameOf,
  podFeedOf,
  staticToken,
} from '../server/index.ts';
import { realClock, ScaleDriver, startSim, type SimCluster } from '../sim/index.ts';
import { seededRandom } from '../sim/random.ts';
import { configOrExit, Flags, type FlagSpecs } from './flags.ts';

/** Most extra pods `--demo-pods` adds: the simulator holds them all in memory. */
export const maxDemoPods = 200_000;

export const serveUsage = `Usage: podpulse serve [flags]
       podpulse [flags]          (serve is the default command)

Watch pods (like kubectl does: --kubeconfig, KUBECONFIG, ~/.kube/config, in-cluster) and serve
their live kubectl STATUS: HTTP (/api/v1/pods, /healthz, /readyz, /metrics, the dashboard at /)
and WebSocket (protocol podpulse.v1, docs/protocol.md) on one port. With --demo, or when there is
no configuration at all (KUBECONFIG unset, no ~/.kube/config, not in a cluster), it starts the
built-in simulated cluster with a demo workload. A KUBECONFIG naming only missing files is an
error, as is a missing --kubeconfig.

Flags (environment variable in brackets):
      --listen HOST:PORT       address to serve on; port 0 picks a free one [PODPULSE_LISTEN]
                               (default 127.0.0.1:8080)
      --port-file PATH         write the bound port to PATH once listening
      --kubeconfig PATH        kubeconfig file (default: KUBECONFIG, ~/.kube/config, in-cluster)
      --context NAME           kubeconfig context [PODPULSE_CONTEXT]
  -n, --namespace NS           watch only NS; repeatable or comma-separated [PODPULSE_NAMESPACES]
  -A, --all-namespaces         watch every namespace (the default)
      --demo                   use the built-in simulated cluster [PODPULSE_DEMO=1]
      --kubeconfig-out PATH    demo: write a kubeconfig for the simulated cluster to PATH, for
                               kubectl [PODPULSE_KUBECONFIG_OUT]
      --demo-time-scale N      demo: run the simulated kubelet N times faster (default 1)
                               [PODPULSE_DEMO_TIME_SCALE]
      --demo-seed N            demo: seed of the simulated workload (default 1)
      --demo-pods N            demo: add N static Running pods (spread over namespaces
                               scale-0..scale-19) to see the dashboard at size, e.g. 20000
                               (default 0, at most ${maxDemoPods}) [PODPULSE_DEMO_PODS]
      --token TOKEN            require "Authorization: Bearer TOKEN" (or ?access_token=) on the
                               API and WebSocket; prefer the environment [PODPULSE_TOKEN]
      --allow-origin ORIGIN    also accept WebSocket upgrades from ORIGIN (same-origin and
                               non-browser clients always pass; * allows any); repeatable
                               [PODPULSE_ALLOW_ORIGIN, comma-separated]
      --allow-host HOST        without --token, also serve the API and WebSocket under Host HOST
                               (loopback names and the --listen address always pass; * allows
                               any); repeatable [PODPULSE_ALLOW_HOST, comma-separated]
      --web-dir DIR            dashboard files served at / (default: src/web/dist) [PODPULSE_WEB_DIR]
      --max-payload BYTES      largest client frame; larger ones close with 1009 (default ${defaultServerOptions.maxPayload})
      --max-subscriptions N    subscriptions per connection (default ${defaultServerOptions.maxSubscriptions})
      --replay-depth N         changes kept for resume (default ${defaultServerOptions.replayDepth})
      --snapshot-chunk N       pods per snapshot frame (default ${defaultServerOptions.snapshotChunk})
      --outbox-soft BYTES      per connection: coalesce once the socket holds this much (default ${defaultServerOptions.outboxSoftBytes})
      --outbox-hard BYTES      per connection: close with 1013 past this (default ${defaultServerOptions.outboxHardBytes})
      --heartbeat-ms MS        WebSocket ping interval; silent peers are cut (default ${defaultServerOptions.heartbeatMs})
      --stale-after DURATION   restart a watch silent this long; the source is 'stale' after
                               failing this long (e.g. 90s, 2m; a bare number is ms; default
                               ${defaultKnobs.staleAfterMs / 1000}s) [PODPULSE_STALE_AFTER]
      --ready-grace DURATION   /readyz stays 200 this long while a synced source reconnects
                               (default: --stale-after) [PODPULSE_READY_GRACE]
      --log-level LEVEL        fatal, error, warn, info, debug, trace, silent (default info)
                               [PODPULSE_LOG_LEVEL]
  -h, --help                   show this help

Logs are JSON lines on stdout (pretty on a terminal). Tokens are never logged.
Exit status: 0 stopped by SIGINT/SIGTERM, 1 runtime failure (port in use...), 2 bad configuration.
`;

export interface ServeConfig {
  readonly host: string;
  readonly port: number;
  readonly portFile: string | null;
  readonly kubeconfig: string | null;
  readonly context: string | null;
  readonly namespaces: readonly string[];
  readonly demo: boolean;
  readonly kubeconfigOut: string | null;
  readonly demoTimeScale: number;
  readonly demoSeed: number;
  /** Demo: extra static Running pods added to the demo workload (0: none). */
  readonly demoPods: number;
  readonly token: string | null;
  readonly allowOrigins: readonly string[];
  /** Host names accepted without a token besides loopback and the listen address (`*`: any). */
  readonly allowHosts: readonly string[];
  readonly webDir: string;
  readonly maxPayload: number;
  readonly maxSubscriptions: number;
  readonly replayDepth: number;
  readonly snapshotChunk: number;
  readonly outboxSoftBytes: number;
  readonly outboxHardBytes: number;
  readonly heartbeatMs: number;
  /** Informer watchdog: a watch silent this long is restarted; failing this long is `stale`. */
  readonly staleAfterMs: number;
  /** /readyz stays 200 this long while a synced source reconnects (default: staleAfterMs). */
  readonly readyGraceMs: number;
  readonly logLevel: string;
  readonly help: boolean;
}

const logLevels = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

const serveFlags: FlagSpecs = {
  listen: { type: 'string', env: 'PODPULSE_LISTEN' },
  'port-file': { type: 'string' },
  kubeconfig: { type: 'string' },
  context: { type: 'string', env: 'PODPULSE_CONTEXT' },
  namespace: { type: 'string', short: 'n', multiple: true, env: 'PODPULSE_NAMESPACES' },
  'all-namespaces': { type: 'boolean', short: 'A' },
  demo: { type: 'boolean', env: 'PODPULSE_DEMO' },
  'kubeconfig-out': { type: 'string', env: 'PODPULSE_KUBECONFIG_OUT' },
  'demo-time-scale': { type: 'string', env: 'PODPULSE_DEMO_TIME_SCALE' },
  'demo-seed': { type: 'string' },
  'demo-pods': { type: 'string', env: 'PODPULSE_DEMO_PODS' },
  token: { type: 'string', env: 'PODPULSE_TOKEN' },
  'allow-origin': { type: 'string', multiple: true, env: 'PODPULSE_ALLOW_ORIGIN' },
  'allow-host': { type: 'string', multiple: true, env: 'PODPULSE_ALLOW_HOST' },
  'web-dir': { type: 'string', env: 'PODPULSE_WEB_DIR' },
  'max-payload': { type: 'string' },
  'max-subscriptions': { type: 'string' },
  'replay-depth': { type: 'string' },
  'snapshot-chunk': { type: 'string' },
  'outbox-soft': { type: 'string' },
  'outbox-hard': { type: 'string' },
  'heartbeat-ms': { type: 'string' },
  'stale-after': { type: 'string', env: 'PODPULSE_STALE_AFTER' },
  'ready-grace': { type: 'string', env: 'PODPULSE_READY_GRACE' },
  'log-level': { type: 'string', env: 'PODPULSE_LOG_LEVEL' },
  help: { type: 'boolean', short: 'h' },
};

/**
 * Reads flags and environment into a frozen config. Every problem (unknown flags, missing and bad
 * values, conflicts) is collected and thrown at once as a ConfigError.
 */
export function parseServeConfig(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
): ServeConfig {
  const f = new Flags(argv, serveFlags, env);
  const listen = f.sourced('listen') ?? { value: '127.0.0.1:8080', from: '--listen' };
  let host = '127.0.0.1';
  let port = 8080;
  const m = /^(?:\[([^\]]+)\]|([^:]*)):(\d{1,5})$/.exec(listen.value);
  if (m === null || Number(m[3]) > 65535) {
    f.problem(
      `${listen.from}: '${listen.value}' is not HOST:PORT (e.g. 127.0.0.1:8080, 0.0.0.0:8080, [::1]:8080)`,
    );
  } else {
    host = m[1] ?? (m[2] === '' ? '0.0.0.0' : (m[2] ?? '127.0.0.1'));
    port = Number(m[3]);
  }
  const demo = f.bool('demo');
  const kubeconfig = f.string('kubeconfig');
  const namespaces = f.list('namespace');
  if (f.given('all-namespaces') && f.given('namespace'))
    f.problem('-A/--all-namespaces and -n/--namespace cannot be combined');
  if (demo && kubeconfig !== null) f.problem('--demo and --kubeconfig cannot be combined');
  const demoPods = f.int('demo-pods', 0, 0);
  if (demoPods > maxDemoPods) f.problem(`--demo-pods: at most ${maxDemoPods}, got ${demoPods}`);
  if (demoPods > 0 && kubeconfig !== null)
    f.problem('--demo-pods and --kubeconfig cannot be combined (demo pods need the demo cluster)');
  const logLevel = f.oneOf('log-level', logLevels, 'info');
  const token = f.sourced('token');
  if (token !== null && token.value.length < 8)
    f.problem(`${token.from}: must be at least 8 characters`);
  const allowHosts = f.list('allow-host');
  for (const h of allowHosts)
    if (h !== '*' && hostnameOf(h) === null)
      f.problem(`--allow-host: '${h}' is not a host name or address`);
  const outboxSoftBytes = f.int('outbox-soft', defaultServerOptions.outboxSoftBytes, 1024);
  const outboxHardBytes = f.int('outbox-hard', defaultServerOptions.outboxHardBytes, 1024);
  if (outboxHardBytes <= outboxSoftBytes)
    f.problem(
      `--outbox-hard (${outboxHardBytes}) must be larger than --outbox-soft (${outboxSoftBytes})`,
    );
  const staleAfterMs = f.durationMs('stale-after', defaultKnobs.staleAfterMs, 1000);

  const config: ServeConfig = {
    host,
    port,
    portFile: f.string('port-file'),
    kubeconfig,
    context: f.string('context'),
    namespaces,
    demo,
    kubeconfigOut: f.string('kubeconfig-out'),
    demoTimeScale: f.number('demo-time-scale', 1, 0, 1000),
    demoSeed: f.int('demo-seed', 1, 0),
    demoPods,
    token: token?.value ?? null,
    allowOrigins: f.list('allow-origin'),
    allowHosts,
    webDir: f.string('web-dir') ?? fileURLToPath(new URL('../web/dist/', import.meta.url)),
    maxPayload: f.int('max-payload', defaultServerOptions.maxPayload, 256),
    maxSubscriptions: f.int('max-subscriptions', defaultServerOptions.maxSubscriptions, 1),
    replayDepth: f.int('replay-depth', defaultServerOptions.replayDepth, 1),
    snapshotChunk: f.int('snapshot-chunk', defaultServerOptions.snapshotChunk, 1),
    outboxSoftBytes,
    outboxHardBytes,
    heartbeatMs: f.int('heartbeat-ms', defaultServerOptions.heartbeatMs, 0),
    staleAfterMs,
    // The grace a reconnecting source stays ready for matches the informer's staleness limit.
    readyGraceMs: f.durationMs('ready-grace', staleAfterMs, 0),
    logLevel,
    help: f.bool('help'),
  };
  f.done();
  return Object.freeze(config);
}

function makeLogger(level: string): Logger {
  const opts = {
    level,
    base: { name: 'podpulse' },
    redact: {
      paths: ['token', '*.token', 'headers.authorization', '*.headers.authorization'],
      censor: '[redacted]',
    },
  };
  if (process.stdout.isTTY)
    return pino(opts, pretty({ colorize: process.env['NO_COLOR'] === undefined, sync: true }));
  return pino(opts);
}

/**
 * `--demo-pods`: adds `n` static Running pods (namespaces scale-0…scale-19, names scale-<i>) to
 * the demo cluster with the simulator's scale driver, so the dashboard can be seen at size. The
 * kubelet leaves them alone; the demo workload keeps running beside them.
 */
function addDemoPods(sim: SimCluster, n: number, seed: number): void {
  const driver = new ScaleDriver({
    store: sim.store,
    clock: realClock,
    random: seededRandom(seed),
    nodes: 3,
  });
  driver.populate(n);
}

export async function run(argv: string[]): Promise<number> {
  const config = configOrExit('serve', serveUsage, () => parseServeConfig(argv, process.env));
  if (typeof config === 'number') return config;
  const log = makeLogger(config.logLevel);
  const cleanups: (() => Promise<void> | void)[] = [];
  const cleanup = async (): Promise<void> => {
    for (const f of cleanups.splice(0).reverse()) {
      try {
        await f();
      } catch (err) {
        log.warn({ err }, 'cleanup step failed');
      }
    }
  };

  let loaded: LoadedKubeConfig | null = null;
  try {
    if (!config.demo) {
      loaded = loadKubeConfig({
        ...(config.kubeconfig === null ? {} : { kubeconfig: config.kubeconfig }),
        ...(config.context === null ? {} : { context: config.context }),
        env: process.env,
      });
    }
    if (loaded !== null && config.demoPods > 0)
      throw new ConfigError([
        `--demo-pods: needs the demo cluster, but a kubeconfig was found (${loaded.source}); add --demo`,
      ]);
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`podpulse serve: ${err.message}\n`);
      return 2;
    }
    throw err;
  }

  try {
    let sim: SimCluster | null = null;
    if (loaded === null) {
      sim = await startSim({
        scenario: 'demo',
        timeScale: config.demoTimeScale,
        seed: config.demoSeed,
        // The demo announces itself in one line below; the simulator's own chatter only from warn up.
        logger: log.child(
          { component: 'sim' },
          { level: config.logLevel === 'info' ? 'warn' : config.logLevel },
        ),
      });
      const theSim = sim;
      cleanups.push(() => theSim.close());
      if (config.demoPods > 0) addDemoPods(sim, config.demoPods, config.demoSeed);
      const dir = mkdtempSync(join(tmpdir(), 'podpulse-demo-'));
      cleanups.push(() => {
        rmSync(dir, { recursive: true, force: true });
      });
      const file = join(dir, 'kubeconfig');
      writeFileSync(file, sim.kubeconfig(), { mode: 0o600 });
      if (config.kubeconfigOut !== null) await sim.writeKubeconfig(config.kubeconfigOut);
      loaded = loadKubeConfig({ kubeconfig: file, env: {} });
      if (loaded === null) throw new Error('could not load the simulated cluster kubeconfig');
      log.info(
        {
          reason: config.demo
            ? '--demo'
            : 'no kubeconfig found (KUBECONFIG, ~/.kube/config, in-cluster)',
          simulator: sim.url,
          kubeconfigOut: config.kubeconfigOut,
          timeScale: config.demoTimeScale,
          ...(config.demoPods > 0 ? { extraPods: config.demoPods } : {}),
        },
        config.kubeconfigOut === null
          ? 'demo mode: watching the built-in simulated cluster with a demo workload'
          : `demo mode: watching the built-in simulated cluster with a demo workload; kubectl --kubeconfig ${config.kubeconfigOut} get pods`,
      );
    } else {
      log.info(
        {
          kubeconfig: loaded.source,
          context: loaded.context,
          server: loaded.server,
          namespaces: config.namespaces,
        },
        'watching cluster',
      );
    }

    const source = createPodSource({
      kubeConfig: loaded.kubeConfig,
      ...(config.namespaces.length > 0 ? { namespaces: config.namespaces } : {}),
      logger: log.child({ component: 'pipeline' }),
      knobs: { staleAfterMs: config.staleAfterMs },
    });
    cleanups.push(() => {
      source.close();
    });
    const server = createPodpulseServer({
      feed: podFeedOf(source),
      log: log.child({ component: 'server' }),
      version: pkg.version,
      ...(config.token === null ? {} : { authenticate: staticToken(config.token) }),
      allowOrigins: config.allowOrigins,
      allowHosts: config.allowHosts,
      readyGraceMs: config.readyGraceMs,
      maxPayload: config.maxPayload,
      maxSubscriptions: config.maxSubscriptions,
      replayDepth: config.replayDepth,
      snapshotChunk: config.snapshotChunk,
      outboxSoftBytes: config.outboxSoftBytes,
      outboxHardBytes: config.outboxHardBytes,
      heartbeatMs: config.heartbeatMs,
      staticDir: config.webDir,
    });
    cleanups.push(() => server.close());
    const addr = await server.listen(config.port, config.host);
    const shownHost = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;
    const url = `http://${shownHost}:${addr.port}`;
    if (config.portFile !== null) writeFileSync(config.portFile, `${addr.port}\n`);
    log.info(
      {
        url,
        websocket: `${url.replace(/^http/, 'ws')}/ws`,
        auth: config.token === null ? 'none' : 'bearer token',
      },
      `listening: open ${url} (or run: podpulse tail --server ${url})`,
    );

    const signal = await new Promise<NodeJS.Signals>((resolve) => {
      process.once('SIGINT', () => {
        resolve('SIGINT');
      });
      process.once('SIGTERM', () => {
        resolve('SIGTERM');
      });
    });
    log.info({ signal }, 'shutting down: closing connections (1001)');
    const force = setTimeout(() => {
      log.error('shutdown took longer than 10 s; exiting anyway');
      process.exit(1);
    }, 9_000);
    force.unref();
    await cleanup();
    clearTimeout(force);
    log.info('stopped');
    return 0;
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    if (e.code === 'EADDRINUSE' || e.code === 'EACCES' || e.code === 'EADDRNOTAVAIL') {
      log.error({ code: e.code }, `cannot listen on ${config.host}:${config.port}: ${e.message}`);
      process.stderr.write(
        `podpulse serve: cannot listen on ${config.host}:${config.port}: ${e.code} (use --listen)\n`,
      );
    } else {
      log.error({ err }, 'serve failed');
    }
    await cleanup();
    return 1;
  }
}
