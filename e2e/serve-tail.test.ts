/**
 * End to end: `podpulse serve --demo` with real kubectl against the simulated cluster, `podpulse
 * tail -o json` and a raw WebSocket client watching a crash-looping pod's life, then a server
 * restart that the clients ride out.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import type { ChangeMessage, ServerMessage } from '../src/protocol/messages.ts';

const run = promisify(execFile);
const bin = fileURLToPath(new URL('../bin/podpulse', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'podpulse-e2e-'));
const kubeconfig = join(dir, 'kubeconfig');
const children: ChildProcess[] = [];

afterAll(() => {
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

interface Proc {
  child: ChildProcess;
  out: () => string;
  err: () => string;
  exit: Promise<number | null>;
}

function start(args: string[]): Proc {
  const child = spawn(bin, args, { env: { ...process.env, NO_COLOR: '1' } });
  children.push(child);
  let out = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const exit = new Promise<number | null>((resolve) =>
    child.on('exit', (code) => {
      resolve(code);
    }),
  );
  return { child, out: () => out, err: () => err, exit };
}

async function until(cond: () => boolean, what: () => string, ms = 60_000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting: ${what()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function startServer(port: number): Promise<{ proc: Proc; port: number }> {
  const portFile = join(dir, `port-${Date.now()}`);
  const proc = start([
    'serve',
    '--demo',
    '--kubeconfig-out',
    kubeconfig,
    '--listen',
    `127.0.0.1:${port}`,
    '--port-file',
    portFile,
    '--demo-time-scale',
    '20',
    '--log-level',
    'warn',
  ]);
  await until(
    () => existsSync(portFile) && readFileSync(portFile, 'utf8').endsWith('\n'),
    proc.err,
  );
  return { proc, port: Number(readFileSync(portFile, 'utf8')) };
}

function kubectl(...args: string[]): Promise<{ stdout: string }> {
  return run('/usr/bin/kubectl', [
    '--kubeconfig',
    kubeconfig,
    '--cache-dir',
    join(dir, 'kube-cache'),
    ...args,
  ]);
}

/** A raw protocol client. */
class Raw {
  readonly messages: ServerMessage[] = [];
  readonly ws: WebSocket;
  closeCode: number | null = null;
  constructor(url: string) {
    this.ws = new WebSocket(url, 'podpulse.v1');
    this.ws.on('message', (d: Buffer) =>
      this.messages.push(JSON.parse(d.toString('utf8')) as ServerMessage),
    );
    this.ws.on('close', (code) => (this.closeCode = code));
    this.ws.on('error', () => {});
  }
  opened(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.ws.once('open', () => {
        resolve();
      });
      this.ws.once('error', reject);
    });
  }
  changes(): ChangeMessage[] {
    return this.messages.filter((m): m is ChangeMessage => m.type === 'change');
  }
}

interface Rec {
  type: string;
  name: string;
  from: string | null;
  to: string | null;
  status: string;
  restarts: string;
}

describe('serve + kubectl + tail + raw client', () => {
  it('follows a crash-looping pod from creation to deletion, then rides out a server restart', async () => {
    const first = await startServer(0);
    const base = `http://127.0.0.1:${first.port}`;
    expect((await fetch(`${base}/readyz`)).status).toBe(200);

    const tail = start(['tail', '--server', base, '-o', 'json', '-l', 'app=e2e-crash']);
    await until(() => tail.err().includes('watching 0 pods'), tail.err);
    const raw = new Raw(`ws://127.0.0.1:${first.port}/ws`);
    await raw.opened();
    raw.ws.send(JSON.stringify({ type: 'subscribe', id: 'crash', labelSelector: 'app=e2e-crash' }));
    await until(
      () => raw.messages.some((m) => m.type === 'snapshot' && m.final),
      () => JSON.stringify(raw.messages),
    );

    await kubectl(
      'run',
      'e2e-crasher',
      '--image=busybox:1.36',
      '--labels=app=e2e-crash',
      '--annotations=sim.podpulse.dev/scenario=crashloop',
      '--',
      'sh',
      '-c',
      'exit 1',
    );
    const records = (): Rec[] =>
      tail
        .out()
        .split('\n')
        .slice(0, -1) // only complete lines
        .filter(Boolean)
        .map((l) => JSON.parse(l) as Rec);
    const restarts = (r: Rec): number => Number(r.restarts.split(' ')[0]);
    await until(
      () => records().some((r) => r.to === 'CrashLoopBackOff' && restarts(r) >= 2),
      () => tail.out() + tail.err(),
    );
    const seen = records().map((r) => r.to);
    // The life kubectl would show, in order (each status at least once).
    const order = ['Pending', 'ContainerCreating', 'Running', 'Error', 'CrashLoopBackOff'];
    const firstIndex = order.map((s) => seen.indexOf(s));
    expect(firstIndex.every((i) => i >= 0)).toBe(true);
    expect([...firstIndex].sort((a, b) => a - b)).toEqual(firstIndex);
    const counts = records().map(restarts);
    expect(counts).toEqual([...counts].sort((a, b) => a - b));
    expect(Math.max(...counts)).toBeGreaterThanOrEqual(2);

    const get = await kubectl(
      'get',
      'pod',
      'e2e-crasher',
      '-o',
      'jsonpath={.status.containerStatuses[0].restartCount}',
    );
    expect(Number(get.stdout)).toBeGreaterThanOrEqual(2);

    await kubectl('delete', 'pod', 'e2e-crasher', '--wait=false');
    await until(
      () => records().some((r) => r.type === 'DELETED'),
      () => tail.out(),
    );
    expect(records().some((r) => r.to === 'Terminating')).toBe(true);
    await until(
      () => raw.changes().some((c) => c.op === 'DELETED'),
      () => JSON.stringify(raw.changes().map((c) => c.op)),
    );
    const rawStatuses = raw.changes().map((c) => c.view.status);
    expect(rawStatuses).toEqual(expect.arrayContaining(order));
    expect(rawStatuses).toContain('Terminating');

    // Same server: a reconnecting client resumes from its cursor.
    const cursor = raw.changes().at(-1)?.cursor ?? '';
    raw.ws.close();
    const again = new Raw(`ws://127.0.0.1:${first.port}/ws`);
    await again.opened();
    again.ws.send(
      JSON.stringify({
        type: 'subscribe',
        id: 'crash',
        labelSelector: 'app=e2e-crash',
        resume: cursor,
      }),
    );
    await until(
      () => again.messages.some((m) => m.type === 'resumed'),
      () => JSON.stringify(again.messages),
    );

    // Restart the server on the same port: clients see 1001, tail reconnects and resyncs.
    first.proc.child.kill('SIGTERM');
    expect(await first.proc.exit).toBe(0);
    await until(
      () => again.closeCode !== null,
      () => 'raw client not closed',
    );
    expect(again.closeCode).toBe(1001);
    await until(() => tail.err().includes('connection lost (1001'), tail.err);
    const second = await startServer(first.port);
    await until(() => tail.err().includes('reconnected'), tail.err);
    await until(() => tail.err().includes('resynced'), tail.err);
    const third = new Raw(`ws://127.0.0.1:${second.port}/ws`);
    await third.opened();
    third.ws.send(
      JSON.stringify({
        type: 'subscribe',
        id: 'crash',
        labelSelector: 'app=e2e-crash',
        resume: cursor,
      }),
    );
    await until(
      () => third.messages.some((m) => m.type === 'snapshot' && m.final),
      () => JSON.stringify(third.messages),
    );
    expect(third.messages.find((m) => m.type === 'reset')).toMatchObject({
      reason: 'cursor-epoch',
    });
    third.ws.close();

    tail.child.kill('SIGINT');
    expect(await tail.exit).toBe(0);
    second.proc.child.kill('SIGTERM');
    expect(await second.proc.exit).toBe(0);
  });

  it('serve reports every configuration problem at once and exits 2', async () => {
    const p = start([
      'serve',
      '--listen',
      'nope',
      '--max-payload',
      'big',
      '--demo-time-scale',
      '0',
    ]);
    expect(await p.exit).toBe(2);
    expect(p.err()).toBe(
      'podpulse serve: invalid configuration:\n' +
        "  - --listen: 'nope' is not HOST:PORT (e.g. 127.0.0.1:8080, 0.0.0.0:8080, [::1]:8080)\n" +
        "  - --demo-time-scale: expected a number greater than 0 and at most 1000, got '0'\n" +
        "  - --max-payload: expected a positive integer, got 'big'\n" +
        "Run 'podpulse serve --help' for the flags.\n",
    );
  });
});
