// A Redis the run starts for itself (for restart-redis): its own port, nothing kept on disk, so a
// restart loses every key, as a crashed cache without persistence would.
import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { Redis } from 'ioredis';

export type OwnRedis = {
  url: string;
  /** Kills Redis and starts a new one on the same port; their run ids (INFO server) show it is new. */
  restart: () => Promise<{ runIdBefore: string; runIdAfter: string }>;
  stop: () => Promise<void>;
};

type Launched = { child: ChildProcess; runId: string };

export async function startOwnRedis(): Promise<OwnRedis> {
  const port = await freePort();
  let current = await launch(port);
  return {
    url: `redis://127.0.0.1:${port}`,
    async restart() {
      const runIdBefore = current.runId;
      await terminate(current.child);
      current = await launch(port);
      return { runIdBefore, runIdAfter: current.runId };
    },
    stop: () => terminate(current.child),
  };
}

async function launch(port: number): Promise<Launched> {
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
    ],
    // Its own process group: a terminal's Ctrl-C is for run to handle, not for this Redis.
    { stdio: 'ignore', detached: true },
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
  const deadline = Date.now() + 10_000;
  for (;;) {
    const probe = new Redis(port, '127.0.0.1', {
      lazyConnect: true,
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
    });
    probe.on('error', () => undefined);
    const runId = await Promise.race([
      probe
        .connect()
        .then(() => probe.info('server'))
        .then(
          (info) => /^run_id:(\w+)/m.exec(info)?.[1] ?? null,
          () => null,
        ),
      failed,
    ]);
    probe.disconnect();
    if (runId !== null) return { child, runId };
    if (Date.now() > deadline) throw new Error(`redis-server did not answer on port ${port}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

function terminate(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGKILL');
  });
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}
