/**
 * `podpulse status`: the `kubectl get pods` table for pods read from files or stdin.
 * Exit codes: 0 printed, 1 bad input (unreadable file, not JSON/YAML, not pods), 2 bad usage.
 */
import { readFile } from 'node:fs/promises';
import { PodpulseError } from '../errors.ts';
import { parseInstant } from '../status/instant.ts';
import { readPodDocument } from '../status/pod-document.ts';
import { podRow } from '../status/pod-row.ts';
import { podView } from '../status/pod-view.ts';
import { podTable } from '../status/table.ts';
import type { PodRow } from '../status/types.ts';

const usage = `Usage: podpulse status -f FILE [-f FILE ...] [-A] [-o wide|json] [--now RFC3339]

Print the STATUS table kubectl would print for the pods in FILE: a Pod, a PodList or a List,
in JSON or YAML (as 'kubectl get pods -o json|yaml' writes it). Rows are in input order.

Flags:
  -f, --filename FILE    read pods from FILE; '-' reads stdin; repeatable
  -A, --all-namespaces   show the NAMESPACE column (shown anyway when pods span namespaces)
  -o, --output FORMAT    wide: add IP, NODE, NOMINATED NODE, READINESS GATES
                         json: a JSON array of rows with the keys namespace, name, ready,
                         status, restarts, age, ip, node, nominatedNode, readinessGates
      --now TIME         evaluate AGE and "(… ago)" at TIME (RFC 3339), default: now
  -h, --help             show this help

Exit status: 0 printed, 1 bad input, 2 bad usage.
`;

interface Options {
  files: string[];
  allNamespaces: boolean;
  output: 'table' | 'wide' | 'json';
  now: number;
  help: boolean;
}

function usageError(message: string): PodpulseError {
  return new PodpulseError('PP_ERR_CONFIG', `${message} (see 'podpulse status --help')`);
}

/** Parses kubectl-style flags: `-f x`, `-f=x`, `-fx`, `--filename x`, `--filename=x`. */
export function parseStatusArgs(argv: readonly string[], clock: () => number): Options {
  const o: Options = { files: [], allNamespaces: false, output: 'table', now: NaN, help: false };
  let nowText: string | null = null;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    const takeValue = (flag: string, inline: string | null): string => {
      if (inline !== null) return inline;
      const next = argv[i + 1];
      if (next === undefined) throw usageError(`flag ${flag} needs a value`);
      i++;
      return next;
    };
    const eq = arg.indexOf('=');
    const long = arg.startsWith('--');
    const name = long && eq > 0 ? arg.slice(0, eq) : long ? arg : arg.slice(0, 2);
    const inline = long
      ? eq > 0
        ? arg.slice(eq + 1)
        : null
      : arg.length > 2
        ? arg.slice(2).replace(/^=/, '')
        : null;
    switch (name) {
      case '-f':
      case '--filename':
        o.files.push(takeValue(name, inline));
        break;
      case '-A':
      case '--all-namespaces':
        if (inline !== null) throw usageError(`unknown flag '${arg}'`);
        o.allNamespaces = true;
        break;
      case '-o':
      case '--output': {
        const format = takeValue(name, inline);
        if (format !== 'wide' && format !== 'json') {
          throw usageError(`unsupported output format '${format}' for ${name}: use wide or json`);
        }
        o.output = format;
        break;
      }
      case '--now':
        nowText = takeValue(name, inline);
        break;
      case '-h':
      case '--help':
        o.help = true;
        break;
      default:
        if (arg.startsWith('-') && arg !== '-') throw usageError(`unknown flag '${arg}'`);
        throw usageError(`unexpected argument '${arg}': name files with -f`);
    }
  }
  if (o.help) return o;
  if (o.files.length === 0) throw usageError("missing -f FILE ('-f -' reads stdin)");
  if (nowText === null) {
    o.now = clock();
  } else {
    const now = parseInstant(nowText);
    if (now === null) {
      throw usageError(
        `bad --now '${nowText}': expected an RFC 3339 time such as 2024-06-01T12:00:00Z`,
      );
    }
    o.now = now;
  }
  return o;
}

async function readSource(file: string): Promise<string> {
  if (file === '-') {
    const chunks: Buffer[] = [];
    for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks).toString('utf8');
  }
  try {
    return await readFile(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const reason =
      code === 'ENOENT'
        ? 'no such file'
        : code === 'EISDIR'
          ? 'is a directory'
          : code === 'EACCES'
            ? 'permission denied'
            : err instanceof Error
              ? err.message
              : String(err);
    throw new PodpulseError('PP_ERR_INPUT', `${file}: cannot read: ${reason}`, { cause: err });
  }
}

/** Renders rows as the `-o json` contract: a JSON array, two-space indented, newline-terminated. */
export function rowsJson(rows: readonly PodRow[]): string {
  return `${JSON.stringify(rows, null, 2)}\n`;
}

export async function run(argv: string[]): Promise<number> {
  // `podpulse status ... | head` closes the pipe early: that is not an error.
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code !== 'EPIPE') process.stderr.write(`podpulse: stdout: ${err.message}\n`);
  });
  try {
    const options = parseStatusArgs(argv, Date.now);
    if (options.help) {
      process.stdout.write(usage);
      return 0;
    }
    const rows: PodRow[] = [];
    for (const file of options.files) {
      const source = file === '-' ? 'stdin' : file;
      const result = readPodDocument(await readSource(file), source);
      if (!result.ok) throw result.error;
      for (const pod of result.value) rows.push(podRow(podView(pod), options.now));
    }
    if (options.output === 'json') {
      process.stdout.write(rowsJson(rows));
      return 0;
    }
    if (rows.length === 0) {
      process.stderr.write('No resources found\n');
      return 0;
    }
    const namespaces = new Set(rows.map((r) => r.namespace));
    process.stdout.write(
      podTable(rows, {
        wide: options.output === 'wide',
        withNamespace: options.allNamespaces || namespaces.size > 1,
      }),
    );
    return 0;
  } catch (err) {
    if (err instanceof PodpulseError) {
      process.stderr.write(`podpulse: ${err.message}\n`);
      return err.code === 'PP_ERR_CONFIG' ? 2 : 1;
    }
    throw err;
  }
}
