// The service a run starts: `flashsale serve` as a child process (so faults can kill it), its
// output kept in a log file, its address read from its `listening` line.
import { type ChildProcess, spawn } from 'node:child_process';
import { createWriteStream, type WriteStream } from 'node:fs';
import { fileURLToPath } from 'node:url';

const mainJs = fileURLToPath(new URL('../main.js', import.meta.url));
const START_TIMEOUT_MS = 60_000;

export type ServiceProcess = {
  url: string;
  port: number;
  pid: number;
  /** Worker pids seen in the log so far (with --workers > 1). */
  workerPids: () => number[];
  /** SIGTERM, and wait for a graceful exit. */
  stop: () => Promise<number | null>;
  /** SIGKILL the whole service (primary and workers). */
  kill: () => Promise<void>;
  exited: Promise<number | null>;
};

export async function startService(serveArgs: readonly string[], logPath: string): Promise<ServiceProcess> {
  const log = createWriteStream(logPath, { flags: 'a' });
  const child = spawn(process.execPath, [mainJs, 'serve', ...serveArgs], {
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true, // its own process group, so a kill reaches the workers too
  });
  const workers = new Set<number>();
  let pending = '';
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
  child.stderr!.on('data', (chunk: Buffer) => log.write(chunk));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  void exited.then(() => closeLog(log));

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
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`the service exited with code ${code} before listening; see ${logPath}`));
    });
  });
  return {
    url,
    port: Number(new URL(url).port),
    pid: child.pid!,
    workerPids: () => [...workers],
    exited,
    async stop() {
      signalGroup(child, 'SIGTERM');
      return exited;
    },
    async kill() {
      signalGroup(child, 'SIGKILL');
      await exited;
    },
  };
}

function signalGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(-child.pid!, signal);
  } catch {
    child.kill(signal); // the group is gone already; signal the process itself
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
