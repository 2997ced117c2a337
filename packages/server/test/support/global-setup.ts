// Once per test run: make sure the local services answer, and migrate this run's own template
// database, which every test file clones its databases from. The template is named for the schema
// and for this run, so test runs of several checkouts can share one Postgres; it is dropped when
// the run ends, and no other run's database is touched.
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import type { TestProject } from 'vitest/node';
import { migrate } from '../../src/store/pg/migrate.js';
import { ADMIN_URL, databaseUrl, dropDatabase, schemaTemplatePrefix } from './db.js';
import { REDIS_URL } from './redis.js';

declare module 'vitest' {
  export interface ProvidedContext {
    testTemplateDatabase: string;
  }
}

export async function setup(project: TestProject): Promise<() => Promise<void>> {
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

  const name = `${schemaTemplatePrefix()}_${randomBytes(4).toString('hex')}`;
  try {
    await migrate(databaseUrl(name));
  } catch (error) {
    throw new Error(
      `PostgreSQL does not answer at ${new URL(ADMIN_URL).host}, or the migrations fail; start it (see README, "Tests")`,
      { cause: error },
    );
  }
  project.provide('testTemplateDatabase', name);
  return () => dropDatabase(name);
}
