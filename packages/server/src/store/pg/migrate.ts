// Applies store/pg/migrations/NNN_name.sql in order, once each, creating the database first when it
// is missing and the role may. Several instances may start at once: an advisory lock serializes them.
import { readdir, readFile } from 'node:fs/promises';
import pg from 'pg';
import './pool.js'; // the libpq-like default user
import { UnavailableError } from '../../errors.js';
import type { Logger } from '../../observe/log.js';
import { CONNECT_TIMEOUT_MS } from '../timeouts.js';

const migrationsDir = new URL('./migrations/', import.meta.url);
const MIGRATION_LOCK = 7_351_001; // advisory lock key owned by migrations

export type MigrationResult = { applied: string[]; current: string | undefined };

export async function migrate(databaseUrl: string, log?: Logger): Promise<MigrationResult> {
  const client = await connectCreatingDatabase(databaseUrl, log).catch((error: unknown) => {
    throw new UnavailableError('postgres', error);
  });
  try {
    await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
    await client.query(
      'CREATE TABLE IF NOT EXISTS schema_migrations (version text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())',
    );
    const done = new Set(
      (await client.query<{ version: string }>('SELECT version FROM schema_migrations')).rows.map(
        (r) => r.version,
      ),
    );
    const files = (await readdir(migrationsDir)).filter((f) => /^\d{3}_[\w-]+\.sql$/.test(f)).sort();
    const applied: string[] = [];
    for (const file of files) {
      const version = file.replace(/\.sql$/, '');
      if (done.has(version)) continue;
      const sql = await readFile(new URL(file, migrationsDir), 'utf8');
      await client.query('BEGIN');
      try {
        await client.query(sql);
        await client.query('INSERT INTO schema_migrations (version) VALUES ($1)', [version]);
        await client.query('COMMIT');
      } catch (error) {
        await client.query('ROLLBACK');
        throw new Error(`migration ${file} failed: ${(error as Error).message}`, { cause: error });
      }
      applied.push(version);
      log?.info('migration_applied', { version });
    }
    return { applied, current: files.at(-1)?.replace(/\.sql$/, '') };
  } finally {
    await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]).catch(() => undefined);
    await client.end();
  }
}

async function connectCreatingDatabase(databaseUrl: string, log?: Logger): Promise<pg.Client> {
  const client = new pg.Client({
    connectionString: databaseUrl,
    connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
  });
  try {
    await client.connect();
    return client;
  } catch (error) {
    if ((error as { code?: string }).code !== '3D000') throw error;
  }
  const target = new URL(databaseUrl);
  const name = decodeURIComponent(target.pathname.slice(1));
  const admin = new URL(databaseUrl);
  admin.pathname = '/postgres';
  const adminClient = new pg.Client({
    connectionString: admin.toString(),
    connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
  });
  await adminClient.connect();
  try {
    await adminClient.query(`CREATE DATABASE ${pg.escapeIdentifier(name)}`);
    log?.info('database_created', { database: name });
  } catch (error) {
    // 42P04: another instance created it between our two connections.
    if ((error as { code?: string }).code !== '42P04') throw error;
  } finally {
    await adminClient.end();
  }
  const retry = new pg.Client({ connectionString: databaseUrl, connectionTimeoutMillis: CONNECT_TIMEOUT_MS });
  await retry.connect();
  return retry;
}
