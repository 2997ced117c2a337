// Once per test run: make sure the local services answer, and migrate the template database
// every test file clones its own database from.
import { Redis } from 'ioredis';
import { migrate } from '../../src/store/migrate.js';
import { ADMIN_URL, adminQuery, databaseUrl, templateName } from './db.js';
import { REDIS_URL } from './redis.js';

export async function setup(): Promise<void> {
  const redis = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1 });
  try {
    await redis.connect();
    await redis.ping();
  } catch (error) {
    throw new Error(`Redis does not answer at ${REDIS_URL}; start it (see README, "Tests")`, {
      cause: error,
    });
  } finally {
    redis.disconnect();
  }

  const name = templateName();
  try {
    const exists = await adminQuery('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (exists.rowCount === 0) {
      await migrate(databaseUrl(name));
      // Old templates from earlier schemas are dead weight.
      const stale = await adminQuery(
        "SELECT datname FROM pg_database WHERE datname LIKE 'flashsale_tpl_%' AND datname <> $1",
        [name],
      );
      for (const row of stale.rows as Array<{ datname: string }>) {
        await adminQuery(`DROP DATABASE IF EXISTS ${row.datname} WITH (FORCE)`).catch(() => undefined);
      }
    }
  } catch (error) {
    throw new Error(
      `PostgreSQL does not answer at ${new URL(ADMIN_URL).host}; start it (see README, "Tests")`,
      {
        cause: error,
      },
    );
  }
}
