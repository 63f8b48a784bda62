/**
 * `podpulse sim`: run the simulated cluster alone, optionally writing a kubeconfig for kubectl
 * and podpulse. Logs with pino (one line per event that matters); SIGINT/SIGTERM close it cleanly.
 * Exit codes: 0 after a clean shutdown, 2 bad usage.
 */
import { readFile } from 'node:fs/promises';
import { pino } from 'pino';
import { parse as parseYaml } from 'yaml';
import { ConfigError } from '../errors.ts';
import {
  parseAuthConfig,
  startSim,
  type SimAuthConfig,
  type SimOptions,
  type SimScenario,
} from '../sim/index.ts';
import { configOrExit } from './flags.ts';

const usage = `Usage: podpulse sim [flags]

Run a simulated Kubernetes API server with kubelet-like pod lives (see docs/sim.md).

Flags:
      --listen ADDR           host:port to listen on (default 127.0.0.1:0, any free port)
      --scenario NAME         demo | empty | scale (default demo)
      --pods N                pods to create in the scale scenario (default 1000)
      --rate N                scale scenario: events per second to generate (default 0, none)
      --status-share F        scale scenario: fraction of events that change status (default 0.5)
      --time-scale X          kubelet speed: 1 = real timing, 10 = ten times faster (default 1)
      --seed N                seed for every random choice (default 1)
      --nodes N               simulated nodes (default 3)
      --token T               require 'Authorization: Bearer T' on every request
      --users FILE            users and rules (YAML) for TokenReview/SubjectAccessReview
      --tls                   serve https with a self-signed certificate (needs openssl)
      --history N             watch events retained for resuming (default 10000)
      --kubeconfig-out PATH   write a kubeconfig for this cluster to PATH
      --log-level LEVEL       pino level (default info)
  -h, --help                  show this help
`;

interface Parsed {
  opts: SimOptions;
  kubeconfigOut: string | undefined;
  usersFile: string | undefined;
  rate: number;
  statusShare: number;
  logLevel: string;
  help: boolean;
}

function parseArgs(argv: string[]): Parsed {
  const problems: string[] = [];
  const out: Parsed = {
    opts: { scenario: 'demo' },
    kubeconfigOut: undefined,
    usersFile: undefined,
    rate: 0,
    statusShare: 0.5,
    logLevel: 'info',
    help: false,
  };
  const num = (
    flag: string,
    v: string | undefined,
    min: number,
    integer: boolean,
  ): number | undefined => {
    const n = Number(v);
    if (
      v === undefined ||
      v === '' ||
      !Number.isFinite(n) ||
      n < min ||
      (integer && !Number.isInteger(n))
    ) {
      problems.push(
        `${flag}: expected ${integer ? 'an integer' : 'a number'} >= ${min}, got '${v ?? ''}'`,
      );
      return undefined;
    }
    return n;
  };
  for (let i = 0; i < argv.length; i++) {
    const raw = argv[i] ?? '';
    const eq = raw.indexOf('=');
    const flag = raw.startsWith('--') && eq > 0 ? raw.slice(0, eq) : raw;
    const value = (): string | undefined =>
      raw.startsWith('--') && eq > 0 ? raw.slice(eq + 1) : argv[++i];
    switch (flag) {
      case '-h':
      case '--help':
        out.help = true;
        break;
      case '--listen': {
        const v = value() ?? '';
        const m = /^(\[[^\]]+\]|[^:]*):(\d+)$/.exec(v);
        if (m === null || Number(m[2]) > 65535) {
          problems.push(`--listen: expected host:port, got '${v}'`);
        } else {
          const host = (m[1] ?? '').replace(/^\[|\]$/g, '');
          if (host !== '') out.opts.host = host;
          out.opts.port = Number(m[2]);
        }
        break;
      }
      case '--scenario': {
        const v = value();
        if (v === 'demo' || v === 'empty' || v === 'scale')
          out.opts.scenario = v satisfies SimScenario;
        else problems.push(`--scenario: expected demo, empty or scale, got '${v ?? ''}'`);
        break;
      }
      case '--pods': {
        const n = num(flag, value(), 0, true);
        if (n !== undefined) out.opts.pods = n;
        break;
      }
      case '--rate': {
        const n = num(flag, value(), 0, false);
        if (n !== undefined) out.rate = n;
        break;
      }
      case '--status-share': {
        const n = num(flag, value(), 0, false);
        if (n !== undefined) {
          if (n > 1) problems.push(`--status-share: expected a number between 0 and 1, got '${n}'`);
          else out.statusShare = n;
        }
        break;
      }
      case '--time-scale': {
        const n = num(flag, value(), 0, false);
        if (n !== undefined && n <= 0) problems.push(`--time-scale: must be > 0`);
        else if (n !== undefined) out.opts.timeScale = n;
        break;
      }
      case '--seed': {
        const n = num(flag, value(), 0, true);
        if (n !== undefined) out.opts.seed = n;
        break;
      }
      case '--nodes': {
        const n = num(flag, value(), 1, true);
        if (n !== undefined) out.opts.nodes = n;
        break;
      }
      case '--history': {
        const n = num(flag, value(), 1, true);
        if (n !== undefined) out.opts.historyLimit = n;
        break;
      }
      case '--token': {
        const v = value();
        if (v === undefined || v === '') problems.push('--token: expected a value');
        else out.opts.token = v;
        break;
      }
      case '--users':
        out.usersFile = value();
        if (out.usersFile === undefined) problems.push('--users: expected a file');
        break;
      case '--tls':
        out.opts.tls = true;
        break;
      case '--kubeconfig-out':
        out.kubeconfigOut = value();
        if (out.kubeconfigOut === undefined) problems.push('--kubeconfig-out: expected a path');
        break;
      case '--log-level':
        out.logLevel = value() ?? 'info';
        break;
      default:
        problems.push(`unknown flag '${raw}'`);
    }
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return out;
}

export async function run(argv: string[]): Promise<number> {
  const parsed = configOrExit('sim', usage, () => parseArgs(argv));
  if (typeof parsed === 'number') return parsed;
  const logger = pino({ level: parsed.logLevel, base: { component: 'sim' } });
  let auth: SimAuthConfig | undefined;
  if (parsed.usersFile !== undefined) {
    try {
      auth = parseAuthConfig(parseYaml(await readFile(parsed.usersFile, 'utf8')));
    } catch (err) {
      throw new ConfigError([
        `--users ${parsed.usersFile}: ${err instanceof Error ? err.message : String(err)}`,
      ]);
    }
  }
  const sim = await startSim({ ...parsed.opts, logger, ...(auth === undefined ? {} : { auth }) });
  if (parsed.kubeconfigOut !== undefined) {
    await sim.writeKubeconfig(parsed.kubeconfigOut);
    logger.info({ path: parsed.kubeconfigOut }, 'sim: kubeconfig written');
  }
  if (sim.scale !== undefined && parsed.rate > 0)
    sim.scale.start({ eventsPerSecond: parsed.rate, statusShare: parsed.statusShare });
  process.stdout.write(
    `podpulse sim: serving ${sim.url}${parsed.kubeconfigOut === undefined ? '' : ` (kubeconfig: ${parsed.kubeconfigOut})`}\n`,
  );
  await new Promise<void>((resolve) => {
    const stop = (signal: string): void => {
      logger.info({ signal }, 'sim: shutting down');
      process.off('SIGINT', onInt);
      process.off('SIGTERM', onTerm);
      sim.close().then(resolve, (err: unknown) => {
        logger.error({ err }, 'sim: close failed');
        resolve();
      });
    };
    const onInt = (): void => {
      stop('SIGINT');
    };
    const onTerm = (): void => {
      stop('SIGTERM');
    };
    process.on('SIGINT', onInt);
    process.on('SIGTERM', onTerm);
  });
  return 0;
}
