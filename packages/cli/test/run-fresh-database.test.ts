// On a fresh machine the database `run` is pointed at does not exist yet: `run` creates it and
// its schema before it opens its own connections, and the run passes.
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { adminQuery, databaseUrl } from '../../server/test/support/db.js';
import { createTestRedis, REDIS_URL } from '../../server/test/support/redis.js';
import { runCli } from './support/cli.js';

describe('flashsale run on a database that does not exist yet', () => {
  const name = `flashsale_fresh_${randomBytes(4).toString('hex')}`;
  const out = mkdtempSync(join(tmpdir(), 'flashsale-fresh-db-'));
  const redis = createTestRedis(); // its prefix, and its keys deleted at the end

  afterAll(async () => {
    await redis.cleanup();
    await adminQuery('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1', [name]);
    await adminQuery(`DROP DATABASE IF EXISTS ${name}`);
  });

  it('creates the database and its schema, sells out and passes', { timeout: 180_000 }, async () => {
    const before = await adminQuery('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    expect(before.rowCount).toBe(0);
    const result = await runCli([
      'run',
      '--database-url',
      databaseUrl(name),
      '--redis-url',
      REDIS_URL,
      '--redis-key-prefix',
      redis.prefix,
      // The database is the point: a small sale with short holds sells out and settles quickly.
      '--sale-size',
      '100',
      '--hold-ttl',
      '3s',
      '--rps',
      '300',
      '--out',
      out,
      '--progress',
      'none',
      '--seed',
      '3',
    ]);
    expect(result.code, result.stdout + result.stderr).toBe(0);
    const after = await adminQuery('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    expect(after.rowCount).toBe(1);
  });
});
