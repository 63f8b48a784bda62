/**
 * cli/ — the composition root and the only reader of argv and env.
 * `podpulse <command> [flags]`; each command lives in its own module, loaded on demand.
 */
import { PodpulseError } from '../errors.ts';

const commands: Record<
  string,
  { summary: string; load: () => Promise<{ run: (argv: string[]) => Promise<number> }> }
> = {
  serve: {
    summary: 'watch a cluster and serve live pod status over HTTP and WebSocket (default)',
    load: () => import('./serve.ts'),
  },
  tail: { summary: 'print pod status transitions as they happen', load: () => import('./tail.ts') },
  status: {
    summary: 'print the kubectl STATUS table for pods read from a file or stdin',
    load: () => import('./status.ts'),
  },
  sim: {
    summary: 'run the simulated cluster (a Kubernetes API for pods) alone',
    load: () => import('./sim.ts'),
  },
};

function usage(): string {
  const lines = Object.entries(commands).map(([name, c]) => `  ${name.padEnd(8)} ${c.summary}`);
  return (
    `Usage: podpulse [command] [flags]\n\n` +
    `Live Kubernetes pod status, exactly as kubectl get pods shows it, streamed as diffs.\n\n` +
    `Commands:\n${lines.join('\n')}\n\n` +
    `With no command, podpulse starts the server: 'podpulse' is 'podpulse serve', and\n` +
    `'podpulse --demo' is 'podpulse serve --demo'.\n\n` +
    `      --version  print podpulse's version\n` +
    `  -h, --help     show this help\n\n` +
    `Run 'podpulse <command> --help' for a command's flags.\n`
  );
}

async function main(argv: string[]): Promise<number> {
  const [first, ...rest] = argv;
  if (first === '--help' || first === '-h' || first === 'help') {
    process.stdout.write(usage());
    return 0;
  }
  if (first === '--version') {
    const pkg = (await import('../../package.json', { with: { type: 'json' } })).default;
    process.stdout.write(`podpulse ${pkg.version}\n`);
    return 0;
  }
  const name = first === undefined || first.startsWith('-') ? 'serve' : first;
  const args = name === first ? rest : argv;
  const command = commands[name];
  if (!command) {
    process.stderr.write(`podpulse: unknown command '${name}'\n\n${usage()}`);
    return 2;
  }
  const mod = await command.load();
  return mod.run(args);
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    if (err instanceof PodpulseError) {
      process.stderr.write(`podpulse: ${err.message}\n`);
      process.exitCode = 1;
    } else {
      process.stderr.write(
        `podpulse: internal error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
      );
      process.exitCode = 70;
    }
  },
);
