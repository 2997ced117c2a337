// The one launcher of the service as a child process, used by `flashsale run` (so faults can kill
// it) and by the bench: `flashsale serve` with the given flags, its output kept in a log file, its
// address read from its `listening` line. It runs in a process group of its own (a terminal's
// Ctrl-C reaches the caller, not the service): stopping it signals the whole group, workers
// included, and waits until the group is empty.
import { type ChildProcess, spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { gcNodeFlags } from './gc-flags.js';

/** The built `flashsale` command; from src/ (tests) and dist/ alike, as the package lays them out. */
export const cliMainPath = fileURLToPath(new URL('../../dist/main.js', import.meta.url));

const START_TIMEOUT_MS = 60_000;
const GROUP_POLL_MS = 50;

export type ServiceLaunch = {
  /** `flashsale serve` flags, e.g. `serveArgsOf(config)`; later ones win. */
  serveArgs: readonly string[];
  /** Node's own flags, before the script (e.g. `--cpu-prof`), after gcNodeFlags (so they win). */
  nodeArgs?: readonly string[];
  /** The service's stdout and stderr are appended here; without one they are not kept. */
  logPath?: string;
  /** Aborting gives up waiting for the service to listen: it is stopped, and the start rejects with the reason. */
  signal?: AbortSignal;
};

export type ServiceProcess = {
  /** Its origin, from its `listening` line, e.g. http://127.0.0.1:41234. */
  url: string;
  port: number;
  /** The primary's pid, the leader of the service's process group. */
  pid: number;
  /** What was run: node's path, then its arguments. */
  argv: readonly string[];
  /** Worker pids seen in the log so far (with --workers > 1). */
  workerPids: () => number[];
  /** SIGTERM to the group; SIGKILL to whatever is left of it after `graceMs`. Resolves with the exit code. */
  stop: (graceMs: number) => Promise<number | null>;
  /** SIGKILL the whole service (primary and workers). */
  kill: () => Promise<void>;
  exited: Promise<number | null>;
};

/**
 * Starts `flashsale serve` (the built CLI) and resolves once it listens. Rejects, with the service
 * stopped, if it exits first (with the reason from its last stderr line), does not listen within
 * 60 s, or `signal` aborts.
 */
export async function startServiceProcess(launch: ServiceLaunch): Promise<ServiceProcess> {
  const { logPath, signal } = launch;
  const argv = [
    process.execPath,
    ...gcNodeFlags,
    ...(launch.nodeArgs ?? []),
    cliMainPath,
    'serve',
    ...launch.serveArgs,
  ];
  const log = logPath === undefined ? undefined : createWriteStream(logPath, { flags: 'a' });
  const child = spawn(argv[0]!, argv.slice(1), {
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true, // its own process group, so a kill reaches the workers too
  });
  const workers = new Set<number>();
  let pending = '';
  let lastError = '';
  let onListening: ((url: string) => void) | undefined;
  child.stdout!.on('data', (chunk: Buffer) => {
    log?.write(chunk);
    pending += chunk.toString();
    const lines = pending.split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) {
      if (!line.startsWith('{')) continue;
      const entry = safeParse(line);
      if (entry?.role === 'worker' && typeof entry.pid === 'number') workers.add(entry.pid);
      if (entry?.event === 'worker_listening' && typeof entry.workerPid === 'number')
        workers.add(entry.workerPid);
      if (entry?.event === 'listening' && typeof entry.url === 'string') onListening?.(entry.url);
    }
  });
  child.stderr!.on('data', (chunk: Buffer) => {
    log?.write(chunk);
    lastError = chunk.toString().trim().split('\n').at(-1) ?? lastError;
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  void exited.then(() => log?.end());
  const stop = async (graceMs: number) => {
    signalGroup(child, 'SIGTERM');
    if (!(await isGroupGone(child, Date.now() + graceMs))) {
      signalGroup(child, 'SIGKILL');
      await isGroupGone(child, Number.POSITIVE_INFINITY);
    }
    return exited;
  };

  const url = await new Promise<string>((resolve, reject) => {
    const seeLog = logPath === undefined ? '' : `; see ${logPath}`;
    const timer = setTimeout(
      () => reject(new Error(`the service did not start within ${START_TIMEOUT_MS / 1000} s${seeLog}`)),
      START_TIMEOUT_MS,
    );
    onListening = (address) => {
      clearTimeout(timer);
      resolve(address);
    };
    const onAbort = () => reject(signal?.reason);
    signal?.addEventListener('abort', onAbort, { once: true });
    if (signal?.aborted) onAbort(); // aborted already: no 'abort' event is coming
    void exited.then((code) => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      // The service says what kept it from starting on its last stderr line (`flashsale: ...`).
      const why = lastError.replace(/^flashsale: /, '');
      reject(new Error(why === '' ? `the service exited with code ${code} before listening` : why));
    });
  }).catch(async (error: unknown) => {
    await stop(0);
    throw error;
  });
  return {
    url,
    port: Number(new URL(url).port),
    pid: child.pid!,
    argv,
    workerPids: () => [...workers],
    exited,
    stop,
    async kill() {
      signalGroup(child, 'SIGKILL');
      await exited;
    },
  };
}

function signalGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  try {
    process.kill(-child.pid!, signal);
  } catch {
    // ESRCH: the group is empty already
  }
}

/** Waits until no process of the child's group is left, or the deadline (false then). */
async function isGroupGone(child: ChildProcess, deadlineMs: number): Promise<boolean> {
  for (;;) {
    try {
      process.kill(-child.pid!, 0);
    } catch {
      return true; // ESRCH: nobody left in the group
    }
    if (Date.now() >= deadlineMs) return false;
    await sleep(GROUP_POLL_MS);
  }
}

function safeParse(line: string): Record<string, unknown> | undefined {
  try {
    return JSON.parse(line) as Record<string, unknown>;
  } catch {
    return undefined; // a partial or non-JSON line: not a log event
  }
}
