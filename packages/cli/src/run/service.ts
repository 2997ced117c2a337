// The service a run starts: `flashsale serve` as a child process (so faults can kill it), its
// output kept in a log file, its address read from its `listening` line. It runs in a process
// group of its own (a terminal's Ctrl-C reaches run, not the service): stopping it signals the
// whole group, workers included, and waits until the group is empty.
import { type ChildProcess, spawn } from 'node:child_process';
import { createWriteStream, type WriteStream } from 'node:fs';
import { fileURLToPath } from 'node:url';

const mainJs = fileURLToPath(new URL('../main.js', import.meta.url));
const START_TIMEOUT_MS = 60_000;
const GROUP_POLL_MS = 50;

export type ServiceProcess = {
  url: string;
  port: number;
  pid: number;
  /** Worker pids seen in the log so far (with --workers > 1). */
  workerPids: () => number[];
  /** SIGTERM to the group; SIGKILL to whatever is left of it after `graceMs`. Resolves with the exit code. */
  stop: (graceMs: number) => Promise<number | null>;
  /** SIGKILL the whole service (primary and workers). */
  kill: () => Promise<void>;
  exited: Promise<number | null>;
};

export async function startService(
  serveArgs: readonly string[],
  logPath: string,
  signal?: AbortSignal,
): Promise<ServiceProcess> {
  const log = createWriteStream(logPath, { flags: 'a' });
  const child = spawn(process.execPath, [mainJs, 'serve', ...serveArgs], {
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true, // its own process group, so a kill reaches the workers too
  });
  const workers = new Set<number>();
  let pending = '';
  let lastError = '';
  let onListening: ((url: string) => void) | undefined;
  child.stdout!.on('data', (chunk: Buffer) => {
    log.write(chunk);
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
    log.write(chunk);
    lastError = chunk.toString().trim().split('\n').at(-1) ?? lastError;
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  void exited.then(() => closeLog(log));
  const stop = async (graceMs: number) => {
    signalGroup(child, 'SIGTERM');
    if (!(await isGroupGone(child, Date.now() + graceMs))) {
      signalGroup(child, 'SIGKILL');
      await isGroupGone(child, Number.POSITIVE_INFINITY);
    }
    return exited;
  };

  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(
      () =>
        reject(new Error(`the service did not start within ${START_TIMEOUT_MS / 1000} s; see ${logPath}`)),
      START_TIMEOUT_MS,
    );
    onListening = (address) => {
      clearTimeout(timer);
      resolve(address);
    };
    const onAbort = () => reject(signal?.reason);
    signal?.addEventListener('abort', onAbort, { once: true });
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
    await new Promise((resolve) => setTimeout(resolve, GROUP_POLL_MS));
  }
}

function safeParse(line: string): Record<string, unknown> | undefined {
  try {
    return JSON.parse(line) as Record<string, unknown>;
  } catch {
    return undefined; // a partial or non-JSON line: not a log event
  }
}

function closeLog(log: WriteStream): void {
  log.end();
}
