// One redis-server process of a run's or a test's own: bound to 127.0.0.1 on the port it is given,
// nothing kept on disk unless its arguments say so, and not handed back until it answers. The
// caller stops exactly the process it started (stopProcess), never another redis-server.
import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { Redis } from 'ioredis';

export type RedisServerProcess = {
  port: number;
  child: ChildProcess;
  /** INFO server's run_id: a new one means a new process, with nothing of the old one's memory. */
  runId: string;
};

export type RedisServerOptions = {
  port: number;
  /** More redis-server arguments (cluster mode, a directory), after the defaults. */
  args?: readonly string[];
  /** Its own process group, so a terminal's Ctrl-C reaches only the caller, which stops it. */
  isDetached?: boolean;
};

const READY_TIMEOUT_MS = 20_000;

export async function launchRedisServer(options: RedisServerOptions): Promise<RedisServerProcess> {
  const { port } = options;
  const child = spawn(
    'redis-server',
    [
      '--port',
      String(port),
      '--bind',
      '127.0.0.1',
      '--save',
      '',
      '--appendonly',
      'no',
      '--maxmemory-policy',
      'noeviction',
      ...(options.args ?? []),
    ],
    { stdio: 'ignore', detached: options.isDetached === true },
  );
  const failed = new Promise<never>((_, reject) => {
    child.once('error', (error) =>
      reject(
        new Error(
          `could not start redis-server (install it: bash scripts/install-system-deps.sh): ${error.message}`,
        ),
      ),
    );
    child.once('exit', (code) => reject(new Error(`redis-server exited with code ${code} on port ${port}`)));
  });
  failed.catch(() => undefined);
  const deadline = Date.now() + READY_TIMEOUT_MS;
  for (;;) {
    const runId = await Promise.race([readRunId(port), failed]);
    if (runId !== null) return { port, child, runId };
    if (Date.now() > deadline) {
      await stopProcess(child);
      throw new Error(`redis-server did not answer on port ${port}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** The run_id of the Redis on `port`, or null while nothing answers there. */
async function readRunId(port: number): Promise<string | null> {
  const probe = new Redis(port, '127.0.0.1', {
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  probe.on('error', () => undefined); // refused until it listens; the caller tries again
  try {
    await probe.connect();
    return /^run_id:(\w+)/m.exec(await probe.info('server'))?.[1] ?? null;
  } catch {
    return null; // not listening yet
  } finally {
    probe.disconnect();
  }
}

/** SIGKILLs a process this code started and waits until it is gone. */
export function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGKILL');
  });
}

/** A port nothing listens on right now, on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address !== null ? address.port : 0));
    });
  });
}

export function isPortFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}
