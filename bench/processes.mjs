// Every process the bench starts goes through here, so a failure, Ctrl-C or timeout stops all of
// them. Each runs in its own process group (detached), so a service's cluster workers stop too.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';

/** @type {Set<Started>} */
const running = new Set();

/**
 * @typedef {{
 *   name: string, pid: number, commandLine: string,
 *   exited: Promise<{ code: number | null, signal: string | null }>,
 *   waitForLine: (test: (line: string) => boolean, timeoutMs: number) => Promise<string>,
 *   tail: () => string, stop: (graceMs?: number) => Promise<void>,
 * }} Started
 */

/**
 * Starts `command args` with stdout and stderr read line by line (the last lines are kept for
 * error messages). `onLine(line, 'stdout' | 'stderr')` sees every line.
 * @returns {Started}
 */
export function startProcess(name, command, args, { env, cwd, onLine } = {}) {
  const child = spawn(command, args, {
    cwd,
    env: { ...process.env, ...env },
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lastLines = [];
  const waiters = new Set();
  const readLines = (stream, streamName) =>
    createInterface({ input: stream }).on('line', (line) => {
      lastLines.push(line);
      if (lastLines.length > 40) lastLines.shift();
      onLine?.(line, streamName);
      for (const waiter of waiters) waiter(line);
    });
  readLines(child.stdout, 'stdout');
  readLines(child.stderr, 'stderr');
  const exited = once(child, 'exit').then(([code, signal]) => {
    running.delete(started);
    return { code, signal };
  });
  const spawnFailed = once(child, 'error').then(([error]) => {
    throw new Error(`${name}: cannot start ${command}: ${error.message}`);
  });
  spawnFailed.catch(() => {});

  /** @type {Started} */
  const started = {
    name,
    pid: child.pid ?? -1,
    commandLine: [command, ...args].join(' '),
    exited,
    tail: () => lastLines.join('\n'),
    waitForLine(test, timeoutMs) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          waiters.delete(waiter);
          reject(
            new Error(`${name}: no expected output within ${timeoutMs} ms; last lines:\n${started.tail()}`),
          );
        }, timeoutMs);
        const waiter = (line) => {
          if (!test(line)) return;
          clearTimeout(timer);
          waiters.delete(waiter);
          resolve(line);
        };
        waiters.add(waiter);
        exited.then(({ code, signal }) => {
          if (!waiters.has(waiter)) return;
          clearTimeout(timer);
          waiters.delete(waiter);
          reject(
            new Error(
              `${name} exited (${code ?? signal}) before it was ready; last lines:\n${started.tail()}`,
            ),
          );
        });
        spawnFailed.catch(reject);
      });
    },
    async stop(graceMs = 15_000) {
      if (!running.has(started)) return;
      signalProcess(started.pid, 'SIGTERM'); // the leader stops its own workers gracefully
      const timer = setTimeout(() => signalGroup(started.pid, 'SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
      // Workers of a cluster leave with their primary; anything left in the group goes now.
      signalGroup(started.pid, 'SIGKILL');
    },
  };
  running.add(started);
  return started;
}

/** Runs a command to its end (killed after `timeoutMs`): its exit code, stdout and last lines. */
export async function runProcess(name, command, args, { env, cwd, timeoutMs, onStart } = {}) {
  let stdout = '';
  const started = startProcess(name, command, args, {
    env,
    cwd,
    onLine: (line, streamName) => {
      if (streamName === 'stdout') stdout += `${line}\n`;
    },
  });
  onStart?.(started);
  const timer = setTimeout(() => signalGroup(started.pid, 'SIGKILL'), timeoutMs);
  const { code, signal } = await started.exited;
  clearTimeout(timer);
  if (signal === 'SIGKILL')
    throw new Error(`${name} did not finish within ${timeoutMs} ms:\n${started.tail()}`);
  return { code, output: stdout, tail: started.tail(), commandLine: started.commandLine, pid: started.pid };
}

/** Stops everything still running, in parallel; used on the way out, success or not. */
export async function stopAllProcesses() {
  await Promise.all([...running].map((started) => started.stop(5_000)));
}

function signalGroup(pid, signal) {
  signalProcess(-pid, signal);
}

function signalProcess(pid, signal) {
  try {
    process.kill(pid, signal);
  } catch (error) {
    if (error.code !== 'ESRCH') throw error; // already gone
  }
}
