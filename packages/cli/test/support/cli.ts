// Runs the built CLI (packages/cli/dist/main.js) as a user would, with no stdin and CI=true.
import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { REDIS_URL } from '../../../server/test/support/redis.js';

export const CLI = fileURLToPath(new URL('../../dist/main.js', import.meta.url));

export type Finished = { code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string };

export type Running = {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  /** Resolves with the first stdout JSON log line whose event is `event`. */
  waitForEvent: (event: string, timeoutMs?: number) => Promise<Record<string, unknown>>;
  finished: Promise<Finished>;
};

export function startCli(args: readonly string[], env: Record<string, string> = {}): Running {
  const child = spawn(process.execPath, [CLI, ...args], {
    env: { ...process.env, CI: 'true', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  const waiters: Array<() => void> = [];
  child.stdout!.on('data', (chunk: Buffer) => {
    out += chunk.toString();
    for (const wake of waiters.splice(0)) wake();
  });
  child.stderr!.on('data', (chunk: Buffer) => {
    err += chunk.toString();
  });
  const finished = new Promise<Finished>((resolve) => {
    child.on('close', (code, signal) => {
      for (const wake of waiters.splice(0)) wake();
      resolve({ code, signal, stdout: out, stderr: err });
    });
  });
  return {
    child,
    stdout: () => out,
    stderr: () => err,
    finished,
    async waitForEvent(event, timeoutMs = 20_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        for (const line of out.split('\n')) {
          if (!line.startsWith('{')) continue;
          const parsed = JSON.parse(line) as Record<string, unknown>;
          if (parsed.event === event) return parsed;
        }
        if (child.exitCode !== null || Date.now() > deadline) {
          throw new Error(`no "${event}" log line; stdout:\n${out}\nstderr:\n${err}`);
        }
        await new Promise<void>((resolve) => {
          waiters.push(resolve);
          setTimeout(resolve, 200);
        });
      }
    },
  };
}

export function runCli(args: readonly string[], env: Record<string, string> = {}): Promise<Finished> {
  return startCli(args, env).finished;
}

/** The flags that point a command at a test file's own database and Redis key prefix. */
export function storeFlags(stores: {
  readonly db: { url: string };
  readonly redis: { prefix: string };
}): string[] {
  return [
    '--database-url',
    stores.db.url,
    '--redis-url',
    REDIS_URL,
    '--redis-key-prefix',
    stores.redis.prefix,
  ];
}
