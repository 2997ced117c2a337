// A dependency `run`, `serve` or `migrate` cannot reach ends the command in one line that names
// it, its redacted URL and the flag or variable to fix, with exit 2: no stack trace, no ioredis
// error spam, no hang (each child is given a deadline, after which it counts as hung).

import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '@flashsale/harness';
import { beforeAll, describe, expect, it } from 'vitest';
import { useTestStores } from '../../server/test/support/db.js';
import { REDIS_URL } from '../../server/test/support/redis.js';
import { startCli } from './support/cli.js';

const HANG_AFTER_MS = 30_000;

async function runUntilExit(args: readonly string[]) {
  const running = startCli(args);
  const hung = setTimeout(() => running.child.kill('SIGKILL'), HANG_AFTER_MS);
  const finished = await running.finished;
  clearTimeout(hung);
  return finished;
}

describe('a dependency that cannot be reached', () => {
  const stores = useTestStores();
  const out = mkdtempSync(join(tmpdir(), 'flashsale-setup-errors-'));
  let port = 0;
  beforeAll(async () => {
    port = await freePort();
  });

  const badRedis = () => `redis://someone:secret@127.0.0.1:${port}/5`;
  const badPostgres = () => `postgres://someone:secret@127.0.0.1:${port}/flashsale`;
  const goodDb = () => ['--database-url', stores.db.url, '--redis-key-prefix', stores.redis.prefix];
  const runArgs = (more: string[]) => ['run', '--out', out, '--progress', 'none', ...more];

  type Case = { name: string; dependency: 'Redis' | 'Postgres'; args: () => string[] };
  const redisDown = (more: string[]) => [...goodDb(), '--redis-url', badRedis(), ...more];
  const cases: Case[] = [
    { name: 'run', dependency: 'Redis', args: () => runArgs(redisDown([])) },
    {
      name: 'run --sale-duration 10m (no fresh-sale search)',
      dependency: 'Redis',
      args: () => runArgs(redisDown(['--sale-duration', '10m'])),
    },
    {
      name: 'run --chaos flush-redis',
      dependency: 'Redis',
      args: () => runArgs(redisDown(['--chaos', 'flush-redis'])),
    },
    {
      name: 'run --target',
      dependency: 'Redis',
      args: () => runArgs(redisDown(['--target', 'http://127.0.0.1:1'])),
    },
    {
      name: 'run',
      dependency: 'Postgres',
      args: () => runArgs(['--database-url', badPostgres(), '--redis-url', REDIS_URL]),
    },
    { name: 'serve', dependency: 'Redis', args: () => ['serve', '--port', '0', ...redisDown([])] },
    {
      name: 'serve --workers 2',
      dependency: 'Redis',
      args: () => ['serve', '--port', '0', '--workers', '2', ...redisDown([])],
    },
    {
      name: 'serve',
      dependency: 'Postgres',
      args: () => ['serve', '--port', '0', '--database-url', badPostgres()],
    },
    { name: 'migrate', dependency: 'Postgres', args: () => ['migrate', '--database-url', badPostgres()] },
  ];

  it.each(cases)(
    '$name with $dependency unreachable says so in one line and exits 2',
    {
      timeout: HANG_AFTER_MS + 10_000,
    },
    async ({ args, dependency }) => {
      const result = await runUntilExit(args());
      expect(result.signal, `hung; stderr:\n${result.stderr}`).toBeNull();
      expect(result.code, result.stderr).toBe(2);
      const lines = result.stderr.trim().split('\n');
      expect(lines, result.stderr).toHaveLength(1);
      const url = dependency === 'Redis' ? badRedis() : badPostgres();
      const { flag, env } =
        dependency === 'Redis'
          ? { flag: '--redis-url', env: 'REDIS_URL' }
          : { flag: '--database-url', env: 'DATABASE_URL' };
      expect(lines[0]).toContain(
        `flashsale: could not connect to ${dependency} at ${url.replace('secret', '***')}`,
      );
      expect(lines[0]).toContain('ECONNREFUSED');
      expect(lines[0]).toContain(`(check ${flag} / ${env})`);
      expect(result.stderr + result.stdout).not.toContain('secret');
    },
  );
});
