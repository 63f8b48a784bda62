/**
 * The acceptance check: `kubectl get pods -A -o json | podpulse status -f -` prints what
 * `kubectl get pods -A` printed, against the simulated cluster with a demo workload driven through
 * a frozen clock (so AGE and "(… ago)" agree). The simulator's Table is rendered server-side, so
 * this checks the CLI path (document reading, row order, NAMESPACE column, tabwriter layout)
 * against kubectl's own printing of the same pods.
 */
import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock, startSim, type SimCluster } from '../../src/sim/index.ts';

const run = promisify(execFile);
const podpulse = new URL('../../bin/podpulse', import.meta.url).pathname;

let sim: SimCluster;
let clock: ManualClock;
let dir: string;
let base: string[];

async function kubectl(...args: string[]): Promise<string> {
  const { stdout } = await run('/usr/bin/kubectl', [...base, ...args], {
    timeout: 20_000,
    maxBuffer: 16 << 20,
  });
  return stdout;
}

function status(input: string, ...args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(podpulse, ['status', '-f', '-', ...args], { stdio: 'pipe' });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code === 0) resolve(out);
      else reject(new Error(`podpulse status exited ${String(code)}: ${err}`));
    });
    child.stdin.end(input);
  });
}

beforeAll(async () => {
  clock = new ManualClock(Date.UTC(2026, 10, 24, 12, 0, 0));
  sim = await startSim({ scenario: 'demo', clock, seed: 3 });
  // Let the demo's pods live a few minutes of simulated time: crash loops, image pulls, inits.
  for (let i = 0; i < 400; i++) clock.advance(500);
  dir = mkdtempSync(join(tmpdir(), 'podpulse-status-kubectl-'));
  const kc = join(dir, 'kubeconfig');
  await sim.writeKubeconfig(kc);
  base = ['--kubeconfig', kc, '--cache-dir', join(dir, 'cache')];
});

afterAll(async () => {
  await sim.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('podpulse status against kubectl on the same cluster', () => {
  const now = (): string => new Date(clock.now()).toISOString();

  it('prints what kubectl get pods -A printed', async () => {
    const json = await kubectl('get', 'pods', '-A', '-o', 'json');
    const printed = await kubectl('get', 'pods', '-A');
    const statuses = new Set(
      printed
        .split('\n')
        .slice(1)
        .map((l) => l.split(/\s{2,}/)[3]),
    );
    // The comparison is only worth something if the demo produced varied statuses.
    expect(statuses.size).toBeGreaterThanOrEqual(4);
    expect(await status(json, '--now', now())).toBe(printed);
  });

  it('prints what kubectl get pods -A -o wide printed', async () => {
    const json = await kubectl('get', 'pods', '-A', '-o', 'json');
    expect(await status(json, '-o', 'wide', '--now', now())).toBe(
      await kubectl('get', 'pods', '-A', '-o', 'wide'),
    );
  });

  it('prints what kubectl get pods -n printed, from YAML', async () => {
    const yaml = await kubectl('get', 'pods', '-n', 'shop', '-o', 'yaml');
    expect(await status(yaml, '--now', now())).toBe(await kubectl('get', 'pods', '-n', 'shop'));
  });
});
