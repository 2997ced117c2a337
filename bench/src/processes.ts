// Every process the bench starts goes through here, so a failure, Ctrl-C or timeout stops all of
// them. Each runs in its own process group (detached), so a service's cluster workers stop too.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';

export type ExitStatus = Readonly<{ code: number | null; signal: NodeJS.Signals | null }>;

/** Anything the bench must stop on its way out. */
export type Stoppable = Readonly<{ stop: (graceMs: number) => Promise<unknown> }>;

export type Started = Readonly<{
  name: string;
  pid: number;
  commandLine: string;
  exited: Promise<ExitStatus>;
  /** Resolves with the first line (stdout or stderr) that passes `test`. */
  waitForLine: (test: (line: string) => boolean, timeoutMs: number) => Promise<string>;
  /** The last lines of output, for error messages. */
  tail: () => string;
  /** SIGTERM to the leader, SIGKILL to its group after `graceMs`, then to whatever is left of it. */
  stop: (graceMs?: number) => Promise<void>;
}>;

export type StreamName = 'stdout' | 'stderr';

export type StartOptions = Readonly<{
  env?: Readonly<Record<string, string>>;
  cwd?: string;
  onLine?: (line: string, stream: StreamName) => void;
  /** False when the caller stops it on the way out itself (through trackForCleanup). */
  isStoppedOnExit?: boolean;
}>;

const tailLines = 40;
const running = new Set<Stoppable>();

/** Stops `stoppable` with every other process on the way out, until the returned function is called. */
export function trackForCleanup(stoppable: Stoppable): () => void {
  running.add(stoppable);
  return () => running.delete(stoppable);
}

/**
 * Starts `command args` with stdout and stderr read line by line (the last lines are kept for
 * error messages).
 */
export function startProcess(
  name: string,
  command: string,
  args: readonly string[],
  { env, cwd, onLine, isStoppedOnExit = true }: StartOptions = {},
): Started {
  const child = spawn(command, args, {
    cwd,
    env: { ...process.env, ...env },
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lastLines: string[] = [];
  const waiters = new Set<(line: string) => void>();
  const readLines = (stream: Readable, streamName: StreamName) =>
    createInterface({ input: stream }).on('line', (line) => {
      lastLines.push(line);
      if (lastLines.length > tailLines) lastLines.shift();
      onLine?.(line, streamName);
      for (const waiter of waiters) waiter(line);
    });
  readLines(child.stdout, 'stdout');
  readLines(child.stderr, 'stderr');
  const exited = once(child, 'exit').then(
    ([code, signal]): ExitStatus => ({
      code: code as number | null,
      signal: signal as NodeJS.Signals | null,
    }),
  );
  const spawnFailed = once(child, 'error').then(([error]) => {
    throw new Error(`${name}: cannot start ${command}: ${(error as Error).message}`);
  });
  spawnFailed.catch(() => undefined); // observed through waitForLine and exited
  let isRunning = true;
  const pid = child.pid ?? -1;
  const tail = () => lastLines.join('\n');

  const started: Started = {
    name,
    pid,
    commandLine: [command, ...args].join(' '),
    exited,
    tail,
    waitForLine: (test, timeoutMs) =>
      new Promise<string>((resolve, reject) => {
        const settle = (error?: Error) => {
          clearTimeout(timer);
          waiters.delete(waiter);
          if (error !== undefined) reject(error);
        };
        const timer = setTimeout(
          () =>
            settle(new Error(`${name}: no expected output within ${timeoutMs} ms; last lines:\n${tail()}`)),
          timeoutMs,
        );
        const waiter = (line: string) => {
          if (!test(line)) return;
          settle();
          resolve(line);
        };
        waiters.add(waiter);
        void exited.then(({ code, signal }) => {
          if (waiters.has(waiter))
            settle(
              new Error(`${name} exited (${code ?? signal}) before it was ready; last lines:\n${tail()}`),
            );
        });
        spawnFailed.catch((error: unknown) => settle(error as Error));
      }),
    async stop(graceMs = 15_000) {
      if (!isRunning) return;
      signalProcess(pid, 'SIGTERM'); // the leader stops its own workers gracefully
      const timer = setTimeout(() => signalProcess(-pid, 'SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
      // Workers of a cluster leave with their primary; anything left in the group goes now.
      signalProcess(-pid, 'SIGKILL');
    },
  };
  const untrack = isStoppedOnExit ? trackForCleanup(started) : () => undefined;
  void exited.then(() => {
    isRunning = false;
    untrack();
  });
  return started;
}

export type Finished = Readonly<{
  code: number | null;
  output: string;
  tail: string;
  commandLine: string;
  pid: number;
}>;

/** Runs a command to its end (killed after `timeoutMs`): its exit code, stdout and last lines. */
export async function runProcess(
  name: string,
  command: string,
  args: readonly string[],
  {
    env,
    cwd,
    timeoutMs,
    onStart,
  }: {
    env?: Readonly<Record<string, string>>;
    cwd?: string;
    timeoutMs: number;
    onStart?: (started: Started) => void;
  },
): Promise<Finished> {
  let stdout = '';
  const started = startProcess(name, command, args, {
    env,
    cwd,
    onLine: (line, streamName) => {
      if (streamName === 'stdout') stdout += `${line}\n`;
    },
  });
  onStart?.(started);
  const timer = setTimeout(() => signalProcess(-started.pid, 'SIGKILL'), timeoutMs);
  const { code, signal } = await started.exited;
  clearTimeout(timer);
  if (signal === 'SIGKILL')
    throw new Error(`${name} did not finish within ${timeoutMs} ms:\n${started.tail()}`);
  return { code, output: stdout, tail: started.tail(), commandLine: started.commandLine, pid: started.pid };
}

/** Stops everything still running, in parallel; used on the way out, success or not. */
export async function stopAllProcesses(): Promise<void> {
  await Promise.all([...running].map((stoppable) => stoppable.stop(5_000)));
}

/** A negative pid signals the process group. */
function signalProcess(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(pid, signal);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error; // ESRCH: already gone
  }
}
