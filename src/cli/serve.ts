/**
 * `podpulse serve` (the default command, `npm start`): watch a cluster (or the built-in simulated
 * one) and serve live pod status over HTTP and WebSocket on one port.
 * Exit codes: 0 stopped by SIGINT/SIGTERM, 1 failed at runtime (e.g. port in use), 2 bad config.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { pino, type Logger } from 'pino';
import pretty from 'pino-pretty';
import pkg from '../../package.json' with { type: 'json' };
import { ConfigError } from '../errors.ts';
import { loadKubeConfig, type LoadedKubeConfig } from '../kube/index.ts';
import { createPodSource } from '../pipeline/index.ts';
import {
  createPodpulseServer,
  defaultServerOptions,
  podFeedOf,
  staticToken,
} from '../server/index.ts';
import { startSim, type SimCluster } from '../sim/index.ts';

export const serveUsage = `Usage: podpulse serve [flags]

Watch pods (like kubectl does: --kubeconfig, KUBECONFIG, ~/.kube/config, in-cluster) and serve
their live kubectl STATUS: HTTP (/api/v1/pods, /healthz, /readyz, /metrics, the dashboard at /)
and WebSocket (protocol podpulse.v1, docs/protocol.md) on one port. With --demo, or when no
kubeconfig is found, it starts the built-in simulated cluster with a demo workload.

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
      --token TOKEN            require "Authorization: Bearer TOKEN" (or ?access_token=) on the
                               API and WebSocket; prefer the environment [PODPULSE_TOKEN]
      --allow-origin ORIGIN    also accept WebSocket upgrades from ORIGIN (same-origin and
                               non-browser clients always pass; * allows any); repeatable
                               [PODPULSE_ALLOW_ORIGIN, comma-separated]
      --web-dir DIR            dashboard files served at / (default: src/web/dist) [PODPULSE_WEB_DIR]
      --max-payload BYTES      largest client frame; larger ones close with 1009 (default ${defaultServerOptions.maxPayload})
      --max-subscriptions N    subscriptions per connection (default ${defaultServerOptions.maxSubscriptions})
      --replay-depth N         changes kept for resume (default ${defaultServerOptions.replayDepth})
      --snapshot-chunk N       pods per snapshot frame (default ${defaultServerOptions.snapshotChunk})
      --outbox-soft BYTES      per connection: coalesce once the socket holds this much (default ${defaultServerOptions.outboxSoftBytes})
      --outbox-hard BYTES      per connection: close with 1013 past this (default ${defaultServerOptions.outboxHardBytes})
      --heartbeat-ms MS        WebSocket ping interval; silent peers are cut (default ${defaultServerOptions.heartbeatMs})
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
  readonly token: string | null;
  readonly allowOrigins: readonly string[];
  readonly webDir: string;
  readonly maxPayload: number;
  readonly maxSubscriptions: number;
  readonly replayDepth: number;
  readonly snapshotChunk: number;
  readonly outboxSoftBytes: number;
  readonly outboxHardBytes: number;
  readonly heartbeatMs: number;
  readonly logLevel: string;
  readonly help: boolean;
}

const logLevels = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

/**
 * Reads flags and environment into a frozen config. Every problem is collected and thrown at once
 * as a ConfigError.
 */
export function parseServeConfig(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
): ServeConfig {
  const problems: string[] = [];
  let values: Record<string, string | boolean | string[] | undefined> = {};
  try {
    values = parseArgs({
      args: [...argv],
      allowPositionals: false,
      strict: true,
      options: {
        listen: { type: 'string' },
        'port-file': { type: 'string' },
        kubeconfig: { type: 'string' },
        context: { type: 'string' },
        namespace: { type: 'string', short: 'n', multiple: true },
        'all-namespaces': { type: 'boolean', short: 'A' },
        demo: { type: 'boolean' },
        'kubeconfig-out': { type: 'string' },
        'demo-time-scale': { type: 'string' },
        'demo-seed': { type: 'string' },
        token: { type: 'string' },
        'allow-origin': { type: 'string', multiple: true },
        'web-dir': { type: 'string' },
        'max-payload': { type: 'string' },
        'max-subscriptions': { type: 'string' },
        'replay-depth': { type: 'string' },
        'snapshot-chunk': { type: 'string' },
        'outbox-soft': { type: 'string' },
        'outbox-hard': { type: 'string' },
        'heartbeat-ms': { type: 'string' },
        'log-level': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }).values;
  } catch (err) {
    throw new ConfigError([
      `${err instanceof Error ? err.message : String(err)} (see 'podpulse serve --help')`,
    ]);
  }
  const str = (flag: string, envName: string | null): string | null => {
    const v = values[flag];
    if (typeof v === 'string') return v;
    if (envName !== null) {
      const e = env[envName];
      if (e !== undefined && e !== '') return e;
    }
    return null;
  };
  const list = (flag: string, envName: string): string[] => {
    const v = values[flag];
    const raw = Array.isArray(v) ? v : (env[envName] ?? '').split(',');
    return raw
      .flatMap((s) => s.split(','))
      .map((s) => s.trim())
      .filter((s) => s !== '');
  };
  const int = (flag: string, envName: string | null, def: number, min: number): number => {
    const text = str(flag, envName);
    if (text === null) return def;
    const n = Number(text);
    if (!/^\d+$/.test(text.trim()) || !Number.isSafeInteger(n) || n < min) {
      problems.push(
        `--${flag}${envName === null ? '' : ` (${envName})`}: '${text}' is not an integer >= ${min}`,
      );
      return def;
    }
    return n;
  };

  const listen = str('listen', 'PODPULSE_LISTEN') ?? '127.0.0.1:8080';
  let host = '127.0.0.1';
  let port = 8080;
  const m = /^(?:\[([^\]]+)\]|([^:]*)):(\d{1,5})$/.exec(listen);
  if (m === null || Number(m[3]) > 65535) {
    problems.push(
      `--listen (PODPULSE_LISTEN): '${listen}' is not HOST:PORT (e.g. 127.0.0.1:8080, 0.0.0.0:8080, [::1]:8080)`,
    );
  } else {
    host = m[1] ?? (m[2] === '' ? '0.0.0.0' : (m[2] ?? '127.0.0.1'));
    port = Number(m[3]);
  }
  const demoEnv = env['PODPULSE_DEMO'];
  const demo = values['demo'] === true || demoEnv === '1' || demoEnv === 'true';
  const kubeconfig = str('kubeconfig', null);
  const namespaces = list('namespace', 'PODPULSE_NAMESPACES');
  if (values['all-namespaces'] === true && Array.isArray(values['namespace']))
    problems.push('-A/--all-namespaces and -n/--namespace cannot be combined');
  const kubeconfigOut = str('kubeconfig-out', 'PODPULSE_KUBECONFIG_OUT');
  if (demo && kubeconfig !== null) problems.push('--demo and --kubeconfig cannot be combined');
  const scaleText = str('demo-time-scale', 'PODPULSE_DEMO_TIME_SCALE');
  let demoTimeScale = 1;
  if (scaleText !== null) {
    demoTimeScale = Number(scaleText);
    if (!(demoTimeScale > 0 && demoTimeScale <= 1000)) {
      problems.push(
        `--demo-time-scale (PODPULSE_DEMO_TIME_SCALE): '${scaleText}' is not a number in (0, 1000]`,
      );
      demoTimeScale = 1;
    }
  }
  const logLevel = str('log-level', 'PODPULSE_LOG_LEVEL') ?? 'info';
  if (!logLevels.includes(logLevel))
    problems.push(
      `--log-level (PODPULSE_LOG_LEVEL): '${logLevel}' is not one of ${logLevels.join(', ')}`,
    );
  const token = str('token', 'PODPULSE_TOKEN');
  if (token !== null && token.length < 8)
    problems.push('--token (PODPULSE_TOKEN): must be at least 8 characters');
  const outboxSoftBytes = int('outbox-soft', null, defaultServerOptions.outboxSoftBytes, 1024);
  const outboxHardBytes = int('outbox-hard', null, defaultServerOptions.outboxHardBytes, 1024);
  if (outboxHardBytes <= outboxSoftBytes)
    problems.push(
      `--outbox-hard (${outboxHardBytes}) must be larger than --outbox-soft (${outboxSoftBytes})`,
    );

  const config: ServeConfig = {
    host,
    port,
    portFile: str('port-file', null),
    kubeconfig,
    context: str('context', 'PODPULSE_CONTEXT'),
    namespaces,
    demo,
    kubeconfigOut,
    demoTimeScale,
    demoSeed: int('demo-seed', null, 1, 0),
    token,
    allowOrigins: list('allow-origin', 'PODPULSE_ALLOW_ORIGIN'),
    webDir:
      str('web-dir', 'PODPULSE_WEB_DIR') ?? fileURLToPath(new URL('../web/dist/', import.meta.url)),
    maxPayload: int('max-payload', null, defaultServerOptions.maxPayload, 256),
    maxSubscriptions: int('max-subscriptions', null, defaultServerOptions.maxSubscriptions, 1),
    replayDepth: int('replay-depth', null, defaultServerOptions.replayDepth, 1),
    snapshotChunk: int('snapshot-chunk', null, defaultServerOptions.snapshotChunk, 1),
    outboxSoftBytes,
    outboxHardBytes,
    heartbeatMs: int('heartbeat-ms', null, defaultServerOptions.heartbeatMs, 0),
    logLevel,
    help: values['help'] === true,
  };
  if (problems.length > 0) throw new ConfigError(problems);
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

export async function run(argv: string[]): Promise<number> {
  let config: ServeConfig;
  try {
    config = parseServeConfig(argv, process.env);
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`podpulse serve: ${err.message}\n`);
      return 2;
    }
    throw err;
  }
  if (config.help) {
    process.stdout.write(serveUsage);
    return 0;
  }
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
