// Each test file owns its databases: clones of a template migrated once per run (global-setup.ts).
import { createHash, randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import pg from 'pg';
import { afterAll, beforeAll, inject } from 'vitest';
import { createTestRedis, type TestRedis } from './redis.js';

export const ADMIN_URL = process.env.TEST_DATABASE_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

const migrationsDir = new URL('../../src/store/pg/migrations/', import.meta.url);

/** Names the schema in the template's name, so an edited schema never meets a stale template. */
export function schemaTemplatePrefix(): string {
  const hash = createHash('sha256');
  for (const file of readdirSync(migrationsDir).sort())
    hash.update(file).update(readFileSync(new URL(file, migrationsDir)));
  return `flashsale_tpl_${hash.digest('hex').slice(0, 12)}`;
}

/** This test run's template database (made and dropped by global-setup.ts). */
export function templateName(): string {
  return inject('testTemplateDatabase');
}

export function databaseUrl(name: string): string {
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  return url.toString();
}

export async function adminQuery(sql: string, values: unknown[] = []): Promise<pg.QueryResult> {
  const client = new pg.Client({ connectionString: ADMIN_URL });
  await client.connect();
  try {
    return await client.query(sql, values);
  } finally {
    await client.end();
  }
}

export type TestDatabase = { name: string; url: string; drop: () => Promise<void> };

/** A new database cloned from the migrated template. */
export async function createTestDatabase(): Promise<TestDatabase> {
  const name = `flashsale_t_${randomBytes(5).toString('hex')}`;
  for (let attempt = 0; ; attempt++) {
    try {
      await adminQuery(`CREATE DATABASE ${name} TEMPLATE ${templateName()}`);
      break;
    } catch (error) {
      // Two clones at once may find the template "being accessed by other users": try again.
      if ((error as { code?: string }).code !== '55006' || attempt > 50) throw error;
      await new Promise((resolve) => setTimeout(resolve, 50 + Math.random() * 100));
    }
  }
  return { name, url: databaseUrl(name), drop: () => dropDatabase(name) };
}

export async function dropDatabase(name: string): Promise<void> {
  await adminQuery(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
}

/** Runs queries against one test database and closes the connection. */
export async function query<R extends pg.QueryResultRow = pg.QueryResultRow>(
  url: string,
  sql: string,
  values: unknown[] = [],
): Promise<R[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<R>(sql, values)).rows;
  } finally {
    await client.end();
  }
}

/**
 * A database and a Redis key prefix of the calling test file (or describe block), made before its
 * tests and dropped after them.
 */
export function useTestStores(): { readonly db: TestDatabase; readonly redis: TestRedis } {
  const redis = createTestRedis();
  let db: TestDatabase | undefined;
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(async () => {
    await redis.cleanup();
    await db?.drop();
  });
  return {
    get db() {
      if (db === undefined) throw new Error('the test database is made in beforeAll; use it inside a test');
      return db;
    },
    redis,
  };
}
