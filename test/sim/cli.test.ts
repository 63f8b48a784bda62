import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const bin = new URL('../../bin/podpulse', import.meta.url).pathname;

describe('podpulse sim', () => {
  it('reports every bad flag at once and exits 2', () => {
    const r = spawnSync(bin, ['sim', '--scenario', 'nope', '--time-scale', '0', '--frob'], {
      encoding: 'utf8',
    });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("--scenario: expected demo, empty or scale, got 'nope'");
    expect(r.stderr).toContain('--time-scale: must be > 0');
    expect(r.stderr).toContain("unknown flag '--frob'");
  });

  it('serves, writes a kubeconfig, and exits 0 on SIGTERM', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'podpulse-sim-cli-'));
    const kc = join(dir, 'kubeconfig');
    const child = spawn(bin, [
      'sim',
      '--scenario',
      'empty',
      '--listen',
      '127.0.0.1:0',
      '--kubeconfig-out',
      kc,
      '--log-level',
      'warn',
    ]);
    try {
      const url = await new Promise<string>((resolve, reject) => {
        let out = '';
        child.stdout.on('data', (d: Buffer) => {
          out += d.toString();
          const m = /serving (http:\/\/[\d.:]+)/.exec(out);
          if (m?.[1] !== undefined) resolve(m[1]);
        });
        child.on('exit', () => {
          reject(new Error(`exited early: ${out}`));
        });
      });
      expect(readFileSync(kc, 'utf8')).toContain(`server: ${url}`);
      const nodes = (await (await fetch(`${url}/api/v1/nodes`)).json()) as { items: unknown[] };
      expect(nodes.items).toHaveLength(3);
      const code = new Promise<number | null>((resolve) => child.on('exit', resolve));
      child.kill('SIGTERM');
      expect(await code).toBe(0);
    } finally {
      child.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
