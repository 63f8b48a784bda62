/**
 * The real kubectl (/usr/bin/kubectl) against the simulator: discovery, Table printing, create,
 * apply, patch of the status subresource, delete (which waits for removal), and get -w.
 */
import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSim, type SimCluster } from '../../src/sim/index.ts';

const run = promisify(execFile);
const kubectlPath = '/usr/bin/kubectl';

let sim: SimCluster;
let dir: string;
let base: string[];

async function kubectl(...args: string[]): Promise<string> {
  const { stdout } = await run(kubectlPath, [...base, ...args], { timeout: 20_000 });
  return stdout;
}

/** Rows of kubectl's table output as arrays of cells (split on runs of 2+ spaces). */
function table(out: string): string[][] {
  return out
    .trimEnd()
    .split('\n')
    .map((l) => l.trim().split(/\s{2,}/));
}

const manifest = (name: string, image = 'nginx:1.27', scenario = 'healthy'): string =>
  `apiVersion: v1\nkind: Pod\nmetadata:\n  name: ${name}\n  labels:\n    app: ${name}\n  annotations:\n    sim.podpulse.dev/scenario: ${scenario}\nspec:\n  containers:\n  - name: main\n    image: ${image}\n`;

async function until(cond: () => Promise<boolean>, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 50));
  }
}

beforeAll(async () => {
  sim = await startSim({ timeScale: 200, seed: 7 });
  dir = mkdtempSync(join(tmpdir(), 'podpulse-kubectl-'));
  const kc = join(dir, 'kubeconfig');
  await sim.writeKubeconfig(kc);
  base = ['--kubeconfig', kc, '--cache-dir', join(dir, 'cache')];
  sim.store.create('namespaces', { metadata: { name: 'team' } });
  for (const n of ['a', 'b']) {
    sim.store.create(
      'pods',
      {
        metadata: { name: `team-${n}`, labels: { app: 'team', tier: n } },
        spec: { containers: [{ name: 'c', image: 'busybox' }] },
      },
      'team',
    );
  }
  await until(() =>
    Promise.resolve(
      sim.store.pods('team').every((p) => (p.status as { phase?: string }).phase === 'Running'),
    ),
  );
});

afterAll(async () => {
  await sim.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('kubectl against the simulator', () => {
  it('get pods -n, -A, -l and -o wide print the server-side table', async () => {
    const ns = table(await kubectl('get', 'pods', '-n', 'team'));
    expect(ns[0]).toEqual(['NAME', 'READY', 'STATUS', 'RESTARTS', 'AGE']);
    expect(ns.slice(1).map((r) => r.slice(0, 4))).toEqual([
      ['team-a', '1/1', 'Running', '0'],
      ['team-b', '1/1', 'Running', '0'],
    ]);
    const all = table(await kubectl('get', 'pods', '-A'));
    expect(all[0]).toEqual(['NAMESPACE', 'NAME', 'READY', 'STATUS', 'RESTARTS', 'AGE']);
    expect(all.slice(1).map((r) => r[1])).toEqual(['team-a', 'team-b']);
    const sel = table(await kubectl('get', 'pods', '-n', 'team', '-l', 'tier in (b)'));
    expect(sel.slice(1).map((r) => r[0])).toEqual(['team-b']);
    const wide = table(await kubectl('get', 'pods', '-n', 'team', '-o', 'wide'));
    expect(wide[0]).toEqual([
      'NAME',
      'READY',
      'STATUS',
      'RESTARTS',
      'AGE',
      'IP',
      'NODE',
      'NOMINATED NODE',
      'READINESS GATES',
    ]);
    expect(wide[1]?.[5]).toMatch(/^10\.244\.\d+\.\d+$/);
    expect(wide[1]?.[6]).toMatch(/^sim-node-\d$/);
  });

  it('get pods -o json returns the objects', async () => {
    const list = JSON.parse(await kubectl('get', 'pods', '-n', 'team', '-o', 'json')) as {
      kind: string;
      items: { metadata: { name: string } }[];
    };
    expect(list.kind).toBe('List');
    expect(list.items.map((p) => p.metadata.name)).toEqual(['team-a', 'team-b']);
  });

  it('get nodes', async () => {
    const rows = table(await kubectl('get', 'nodes'));
    expect(rows[0]).toEqual(['NAME', 'STATUS', 'ROLES', 'AGE', 'VERSION']);
    expect(rows.slice(1).map((r) => [r[0], r[1], r[2], r[4]])).toEqual([
      ['sim-node-1', 'Ready', 'control-plane', 'v1.32.0'],
      ['sim-node-2', 'Ready', '<none>', 'v1.32.0'],
      ['sim-node-3', 'Ready', '<none>', 'v1.32.0'],
    ]);
  });

  it('create -f, apply -f (create and update), patch --subresource=status, delete', async () => {
    const f1 = join(dir, 'one.yaml');
    writeFileSync(f1, manifest('one'));
    expect(await kubectl('create', '-f', f1)).toBe('pod/one created\n');
    const f2 = join(dir, 'two.yaml');
    writeFileSync(f2, manifest('two'));
    expect(await kubectl('apply', '-f', f2)).toBe('pod/two created\n');
    writeFileSync(f2, manifest('two', 'nginx:1.28'));
    expect(await kubectl('apply', '-f', f2)).toBe('pod/two configured\n');
    expect(await kubectl('get', 'pod', 'two', '-o', 'jsonpath={.spec.containers[0].image}')).toBe(
      'nginx:1.28',
    );
    await until(
      async () =>
        (await kubectl('get', 'pod', 'one', '-o', 'jsonpath={.status.phase}')) === 'Running',
    );
    expect(
      await kubectl(
        'patch',
        'pod',
        'one',
        '--subresource=status',
        '--type=merge',
        '-p',
        '{"status":{"reason":"Evicted","phase":"Failed"}}',
      ),
    ).toBe('pod/one patched\n');
    expect(table(await kubectl('get', 'pod', 'one'))[1]?.[2]).toBe('Evicted');
    expect(await kubectl('delete', 'pod', 'two')).toBe('pod "two" deleted\n');
    expect(sim.store.pod('default', 'two')).toBeUndefined();
    await expect(kubectl('get', 'pod', 'two')).rejects.toThrow('pods "two" not found');
  });

  it('get pods -w prints the change of a crash-looping pod', async () => {
    const f = join(dir, 'crash.yaml');
    writeFileSync(f, manifest('crash', 'busybox', 'crashloop'));
    const child = spawn(kubectlPath, [...base, 'get', 'pods', '-w', '-l', 'app=crash']);
    let out = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
    });
    try {
      await new Promise((r) => setTimeout(r, 300));
      await kubectl('create', '-f', f);
      await until(
        () => Promise.resolve(/crash\s+0\/1\s+CrashLoopBackOff\s+[1-9]/.test(out)),
        15_000,
      );
    } finally {
      child.kill();
    }
    const statuses = table(out)
      .slice(1)
      .map((r) => r[2]);
    expect(statuses).toContain('Running');
    expect(statuses).toContain('Error');
    expect(statuses).toContain('CrashLoopBackOff');
  });
});
