import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const bin = fileURLToPath(new URL('../../bin/podpulse', import.meta.url));
const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
  version: string;
};

describe('podpulse (top level)', () => {
  it('--version prints the package version and exits 0', async () => {
    const { stdout, stderr } = await run(bin, ['--version']);
    expect(stdout).toBe(`podpulse ${pkg.version}\n`);
    expect(stderr).toBe('');
  });

  it('--help says that bare podpulse starts the server', async () => {
    const { stdout } = await run(bin, ['--help']);
    expect(stdout).toContain(
      "With no command, podpulse starts the server: 'podpulse' is 'podpulse serve'",
    );
    expect(stdout).toContain('--version');
  });

  it('lists every flag problem at once, in its own words, with exit 2', async () => {
    const err = await run(bin, [
      'serve',
      '--listen',
      'nope',
      '--max-payload',
      '-3',
      '--bogus',
    ]).then(
      () => null,
      (e: unknown) => e as { code: number; stderr: string; stdout: string },
    );
    expect(err?.code).toBe(2);
    expect(err?.stdout).toBe('');
    expect(err?.stderr).toBe(
      [
        'podpulse serve: invalid configuration:',
        '  - --bogus: unknown flag',
        "  - --listen: 'nope' is not HOST:PORT (e.g. 127.0.0.1:8080, 0.0.0.0:8080, [::1]:8080)",
        "  - --max-payload: expected a positive integer, got '-3'",
        "Run 'podpulse serve --help' for the flags.",
        '',
      ].join('\n'),
    );
  });

  it('refuses a KUBECONFIG naming a missing file instead of starting the demo', async () => {
    const err = await run(bin, ['serve', '--listen', '127.0.0.1:0'], {
      env: { ...process.env, KUBECONFIG: '/tmp/podpulse-missing.yaml' },
    }).then(
      () => null,
      (e: unknown) => e as { code: number; stderr: string },
    );
    expect(err?.code).toBe(2);
    expect(err?.stderr).toBe(
      "podpulse serve: invalid configuration:\n  - KUBECONFIG: file '/tmp/podpulse-missing.yaml' does not exist (unset KUBECONFIG to use ~/.kube/config)\n",
    );
  });
});
