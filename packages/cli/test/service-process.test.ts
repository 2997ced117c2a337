// The one service launcher, as the bench and `flashsale run` use it through the package's
// surface: `flashsale serve` in a process group of its own, ready once it listens, and gone
// (workers included) once stopped; a service that cannot start, or a start given up, leaves
// nothing running.
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '@flashsale/harness';
import { loadServerConfig, type ServerConfig } from '@flashsale/server';
import { describe, expect, it } from 'vitest';
import { useTestStores } from '../../server/test/support/db.js';
import { REDIS_URL } from '../../server/test/support/redis.js';
import { gcNodeFlags, serveArgsOf, startServiceProcess } from '../src/index.js';

function isGroupGone(pid: number): boolean {
  try {
    process.kill(-pid, 0);
    return false;
  } catch {
    return true;
  }
}

/** Pids of the processes whose command line contains `text` (this file's own key prefix). */
function processesWith(text: string): number[] {
  return readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .filter((pid) => {
      try {
        return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(text);
      } catch {
        return false; // ended while we looked
      }
    })
    .map(Number);
}

async function waitFor<T>(read: () => T, isDone: (value: T) => boolean, deadlineMs: number): Promise<T> {
  for (;;) {
    const value = read();
    if (isDone(value) || Date.now() > deadlineMs) return value;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('startServiceProcess', () => {
  const stores = useTestStores();
  const dir = mkdtempSync(join(tmpdir(), 'flashsale-service-'));
  const config = (flags: Partial<Record<keyof ServerConfig, string>> = {}) =>
    loadServerConfig({
      env: {},
      flags: {
        port: '0',
        databaseUrl: stores.db.url,
        redisUrl: REDIS_URL,
        redisKeyPrefix: stores.redis.prefix,
        saleSize: '100',
        ...flags,
      },
    });

  it('starts flashsale serve with the given node and serve flags, serves at its url, and stop leaves no process of its group', {
    timeout: 90_000,
  }, async () => {
    const logPath = join(dir, 'two-workers.log');
    const service = await startServiceProcess({
      serveArgs: serveArgsOf(config({ workers: '2' })),
      nodeArgs: ['--max-old-space-size=256'],
      logPath,
    });
    try {
      expect(service.url).toBe(`http://127.0.0.1:${service.port}`);
      // The GC flags first, the caller's after them (the last of a V8 flag wins).
      expect(service.argv.slice(1, 2 + gcNodeFlags.length)).toEqual([
        ...gcNodeFlags,
        '--max-old-space-size=256',
      ]);
      expect(service.argv).toContain('serve');
      expect((await fetch(`${service.url}/health`)).status).toBe(200);
      const workers = await waitFor(service.workerPids, (pids) => pids.length === 2, Date.now() + 30_000);
      expect(workers).toHaveLength(2);
      expect(workers).not.toContain(service.pid);
    } finally {
      expect(await service.stop(15_000)).toBe(0);
    }
    expect(isGroupGone(service.pid)).toBe(true);
    const listening = readFileSync(logPath, 'utf8')
      .split('\n')
      .filter((line) => line.includes('"event":"listening"'));
    expect(listening).toHaveLength(1);
  });

  it('a service that cannot start rejects with its own one-line reason', { timeout: 90_000 }, async () => {
    const redisUrl = `redis://127.0.0.1:${await freePort()}`;
    const start = startServiceProcess({ serveArgs: serveArgsOf(config({ redisUrl })) });
    await expect(start).rejects.toThrow(
      /^could not connect to Redis at redis:\/\/127\.0\.0\.1:\d+.*ECONNREFUSED/,
    );
  });

  it('a start given up with an already aborted signal rejects with its reason and leaves no service running', {
    timeout: 90_000,
  }, async () => {
    const reason = new Error('given up');
    const start = startServiceProcess({
      serveArgs: serveArgsOf(config()),
      signal: AbortSignal.abort(reason),
    });
    await expect(start).rejects.toBe(reason);
    expect(processesWith(stores.redis.prefix)).toEqual([]);
  });
});
