// The service's Postgres pool: bounded, with connect and statement timeouts.
import { userInfo } from 'node:os';
import pg from 'pg';
import type { Logger } from '../../observe/log.js';
import { isConnectionFailure } from '../failures.js';
import { CONNECT_TIMEOUT_MS, STATEMENT_TIMEOUT_MS } from '../timeouts.js';

// Like libpq: with no user in the URL and no PGUSER, connect as the operating-system user.
if (!pg.defaults.user) pg.defaults.user = userInfo().username;

export type PoolOptions = { databaseUrl: string; size: number; applicationName: string };

export function createPool(options: PoolOptions, log: Logger): pg.Pool {
  const pool = new pg.Pool({
    connectionString: options.databaseUrl,
    max: options.size,
    connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
    idleTimeoutMillis: 30_000,
    statement_timeout: STATEMENT_TIMEOUT_MS,
    application_name: options.applicationName,
  });
  // An idle connection that dies (backend terminated, server restart) is dropped by the pool;
  // without this listener the process would crash.
  pool.on('error', (error) => log.warn('pg_idle_connection_lost', { error }));
  return pool;
}

/**
 * Runs a statement, once more on a fresh connection when the first attempt lost its connection
 * (a terminated backend is noticed only when used). Statements given here must be idempotent.
 */
export async function queryIdempotent<R extends pg.QueryResultRow>(
  pool: pg.Pool,
  config: pg.QueryConfig,
): Promise<pg.QueryResult<R>> {
  try {
    return await pool.query<R>(config);
  } catch (error) {
    if (!isConnectionFailure(error)) throw error;
    return await pool.query<R>(config);
  }
}

/**
 * For a client checked out of the pool: while checked out it has no listener of the pool's, so a
 * connection lost under it (a terminated backend, a cut network) would be an uncaught 'error'
 * event and kill the process. The statement in flight reports the failure itself.
 */
export function ignoreLostConnection(): void {}
