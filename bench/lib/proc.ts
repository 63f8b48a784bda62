/**
 * Child processes for the benchmark: each role (API feeder, server under test, subscribers) runs in
 * its own Node process so its CPU and memory are its own. Parent and child talk over the IPC
 * channel with a tiny request/response protocol: `call(cmd, arg)` resolves with the child's answer.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

interface Request {
  id: number;
  cmd: string;
  arg: unknown;
}
interface Response {
  id: number;
  ok: boolean;
  value?: unknown;
  error?: string;
}

export interface Proc {
  readonly pid: number;
  call<T>(cmd: string, arg?: unknown, timeoutMs?: number): Promise<T>;
  /** Asks the child to exit (cmd `exit`), then kills it if it has not within 10 s. */
  close(): Promise<void>;
}

const here = fileURLToPath(new URL('..', import.meta.url));

/** Starts `bench/<file>` in a new Node process with `config` as its JSON argument. */
export async function startProc(
  file: string,
  config: unknown,
  execArgv: string[] = [],
): Promise<Proc> {
  const child: ChildProcess = fork(`${here}${file}`, [JSON.stringify(config)], {
    execPath: process.execPath,
    execArgv: ['--disable-warning=ExperimentalWarning', ...execArgv],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  let next = 1;
  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  let exited = false;
  const exit = new Promise<void>((resolve) => {
    child.once('exit', (code, signal) => {
      exited = true;
      for (const p of pending.values())
        p.reject(new Error(`${file} exited (code ${String(code)}, signal ${String(signal)})`));
      pending.clear();
      resolve();
    });
  });
  child.on('message', (m: Response) => {
    const p = pending.get(m.id);
    if (!p) return;
    pending.delete(m.id);
    if (m.ok) p.resolve(m.value);
    else p.reject(new Error(`${file}: ${m.error ?? 'failed'}`));
  });
  const call = <T>(cmd: string, arg?: unknown, timeoutMs = 600_000): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      if (exited) {
        reject(new Error(`${file} has exited`));
        return;
      }
      const id = next++;
      const timer = setTimeout(() => {
        pending.delete(id);
        reject(new Error(`${file}: ${cmd} timed out after ${timeoutMs} ms`));
      }, timeoutMs);
      pending.set(id, {
        resolve: (v) => {
          clearTimeout(timer);
          resolve(v as T);
        },
        reject: (e) => {
          clearTimeout(timer);
          reject(e);
        },
      });
      child.send({ id, cmd, arg } satisfies Request);
    });
  await call('ready', undefined, 900_000);
  return {
    pid: child.pid ?? 0,
    call,
    async close() {
      if (exited) return;
      child.send({ id: 0, cmd: 'exit', arg: null } satisfies Request);
      const t = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exit;
      clearTimeout(t);
    },
  };
}

type Handler = (arg: never) => unknown;

/**
 * In a child: answers the parent's calls with `handlers` (`ready` resolves once `init` has).
 * `exit` runs `onExit` then exits 0 (so `--cpu-prof` writes its profile).
 */
export function serveProc(
  init: Promise<unknown>,
  handlers: Record<string, Handler>,
  onExit: () => Promise<void> | void = () => undefined,
): void {
  process.on('message', (m: Request) => {
    const reply = (r: Omit<Response, 'id'>): void => {
      process.send?.({ id: m.id, ...r });
    };
    if (m.cmd === 'exit') {
      Promise.resolve(onExit())
        .catch(() => undefined)
        .finally(() => process.exit(0));
      return;
    }
    const run = async (): Promise<unknown> => {
      if (m.cmd === 'ready') return init;
      const h = handlers[m.cmd];
      if (!h) throw new Error(`unknown command ${m.cmd}`);
      return h(m.arg as never);
    };
    run().then(
      (value) => {
        reply({ ok: true, value });
      },
      (err: unknown) => {
        reply({
          ok: false,
          error: err instanceof Error ? (err.stack ?? err.message) : String(err),
        });
      },
    );
  });
  process.on('disconnect', () => process.exit(0));
}

/** Config passed by `startProc`; the child casts it to its own config type. */
export function procConfig(): unknown {
  return JSON.parse(process.argv[2] ?? '{}');
}

/** Wall-clock milliseconds with sub-millisecond resolution, comparable across processes. */
export function wallMs(): number {
  return performance.timeOrigin + performance.now();
}
