// Runs the built CLI (packages/cli/dist/main.js) as a user would, with no stdin and CI=true.
import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { REDIS_URL } from '../../../server/test/support/redis.js';

export const CLI = fileURLToPath(new URL('../../dist/main.js', import.meta.url));

export type Finished = { code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string };

export type LogLine = Record<string, unknown>;

export type Running = {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  /** Every complete stdout JSON log line whose event is `event`, in order. */
  events: (event: string) => LogLine[];
  /** Resolves with the first stdout JSON log line whose event is `event`. */
  waitForEvent: (event: string, timeoutMs?: number) => Promise<LogLine>;
  /** Resolves with the first stdout JSON log line whose event is `event` and that `where` accepts. */
  waitForMatchingEvent: (
    event: string,
    where: (line: LogLine) => boolean,
    timeoutMs?: number,
  ) => Promise<LogLine>;
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
    events: (event) => eventsIn(out, event),
    waitForEvent: (event, timeoutMs) => waitForMatchingEvent(event, () => true, timeoutMs),
    waitForMatchingEvent,
  };

  async function waitForMatchingEvent(
    event: string,
    where: (line: LogLine) => boolean,
    timeoutMs = 20_000,
  ): Promise<LogLine> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = eventsIn(out, event).find(where);
      if (found !== undefined) return found;
      if (child.exitCode !== null || Date.now() > deadline) {
        throw new Error(`no matching "${event}" log line; stdout:\n${out}\nstderr:\n${err}`);
      }
      await new Promise<void>((resolve) => {
        waiters.push(resolve);
        setTimeout(resolve, 200);
      });
    }
  }
}

/** Complete lines only: the last one may still be half written. */
function eventsIn(out: string, event: string): LogLine[] {
  const lines = out.split('\n').slice(0, -1);
  return lines
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as LogLine)
    .filter((line) => line.event === event);
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
