/**
 * Measure 4: initial sync of every pod from the simulator, podpulse (streaming list, and paged
 * LIST with limit=500) against real `kubectl get pods -A -o json --chunk-size=500` (a Go client
 * reading the same pages) from the same simulator process. podpulse's time is from informer start
 * to every pod cached and viewed; kubectl's is its whole run, output to /dev/null.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startProc, type Proc } from '../lib/proc.ts';
import { median } from '../lib/stats.ts';

export interface SyncResult {
  pods: number;
  podpulseStreamingMs: number;
  podpulseListMs: number;
  kubectlMs: number;
  error: string | null;
}

function kubectl(kubeconfig: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const p = spawn(
      '/usr/bin/kubectl',
      ['--kubeconfig', kubeconfig, 'get', 'pods', '-A', '-o', 'json', '--chunk-size=500'],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    let err = '';
    p.stderr.on('data', (d: Buffer) => (err += d.toString()));
    p.on('error', reject);
    p.on('exit', (code) => {
      if (code === 0) resolve(performance.now() - t0);
      else reject(new Error(`kubectl exited ${String(code)}: ${err.slice(0, 300)}`));
    });
  });
}

async function podpulseSync(api: string, pods: number, streamingList: boolean): Promise<number> {
  const server = await startProc(
    'server.ts',
    { mode: 'podpulse', api, expect: pods, streamingList },
    ['--max-old-space-size=8192'],
  );
  try {
    return (await server.call<{ syncMs: number }>('start')).syncMs;
  } finally {
    await server.close();
  }
}

export async function runSync(pods: number, repeats: number): Promise<SyncResult> {
  const res: SyncResult = {
    pods,
    podpulseStreamingMs: NaN,
    podpulseListMs: NaN,
    kubectlMs: NaN,
    error: null,
  };
  const dir = mkdtempSync(join(tmpdir(), 'podpulse-bench-sync-'));
  let sim: Proc | null = null;
  try {
    sim = await startProc('sim.ts', { pods, seed: 7 }, ['--max-old-space-size=8192']);
    const { url, kubeconfig } = await sim.call<{ url: string; kubeconfig: string }>('ready');
    const kc = join(dir, 'kubeconfig');
    writeFileSync(kc, kubeconfig, { mode: 0o600 });
    const k: number[] = [];
    const s: number[] = [];
    const l: number[] = [];
    for (let i = 0; i < repeats; i++) {
      k.push(await kubectl(kc));
      s.push(await podpulseSync(url, pods, true));
      l.push(await podpulseSync(url, pods, false));
    }
    res.kubectlMs = median(k);
    res.podpulseStreamingMs = median(s);
    res.podpulseListMs = median(l);
  } catch (err) {
    res.error = err instanceof Error ? err.message : String(err);
  } finally {
    await sim?.close();
    rmSync(dir, { recursive: true, force: true });
  }
  return res;
}
