import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const bin = fileURLToPath(new URL('../../bin/podpulse', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'podpulse-serve-run-'));
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

/** GET with a chosen Host header (fetch does not let one set it). */
function get(port: number, path: string, host: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, headers: { host } }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (body += d));
      res.on('end', () => {
        resolve({ status: res.statusCode ?? 0, body });
      });
    });
    req.on('error', reject);
    req.end();
  });
}

describe('podpulse serve (process)', () => {
  it('--demo-pods adds pods to the demo cluster; --allow-host accepts that Host', async () => {
    const portFile = join(dir, 'port');
    const child = spawn(bin, [
      'serve',
      '--demo',
      '--demo-pods',
      '300',
      '--allow-host',
      'pods.example',
      '--stale-after',
      '90s',
      '--listen',
      '127.0.0.1:0',
      '--port-file',
      portFile,
      '--log-level',
      'warn',
    ]);
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    try {
      for (
        let i = 0;
        !(existsSync(portFile) && readFileSync(portFile, 'utf8').endsWith('\n'));
        i++
      ) {
        if (i > 400) throw new Error(`serve did not start: ${err}`);
        await new Promise((r) => setTimeout(r, 25));
      }
      const port = Number(readFileSync(portFile, 'utf8'));
      let pods: { namespace: string }[] = [];
      for (let i = 0; pods.filter((p) => p.namespace.startsWith('scale-')).length < 300; i++) {
        if (i > 400) throw new Error(`only ${pods.length} pods`);
        const res = await get(port, '/api/v1/pods', 'pods.example:80');
        expect(res.status).toBe(200);
        pods = (JSON.parse(res.body) as { items: { namespace: string }[] }).items;
        await new Promise((r) => setTimeout(r, 25));
      }
      expect(pods.filter((p) => p.namespace.startsWith('scale-'))).toHaveLength(300);
      expect((await get(port, '/api/v1/pods', 'evil.example')).status).toBe(403);
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
    } finally {
      child.kill('SIGKILL');
    }
  });
});
