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

/**
 * One connection a group commit keeps between its flushes. The pool hands a connection over on a
 * later tick, after the answers of the batch just committed have been written (a socket write
 * each); a kept one takes the next flush's statement at once, so Postgres starts on it while those
 * answers go out. A kept connection that dies is noticed at its next use, which fails as a lost
 * connection (the caller's retry path) and takes a fresh one from the pool.
 */
export type KeptConnection = {
  /** The kept connection, or one from the pool; give it back with `done`. */
  take: () => pg.PoolClient | Promise<pg.PoolClient>;
  /** Back after a statement: kept if none is, else returned to the pool (destroyed after `failure`). */
  done: (client: pg.PoolClient, failure?: Error) => void;
  /**
   * Runs an idempotent statement on it, once more on a fresh connection from the pool when the
   * first attempt lost its connection (as queryIdempotent).
   */
  query: <R extends pg.QueryResultRow>(config: pg.QueryConfig) => Promise<pg.QueryResult<R>>;
  /** Returns the kept connection to the pool and keeps none after (the pool's end waits for it). */
  release: () => void;
};

export function keptConnection(pool: pg.Pool): KeptConnection {
  let kept: pg.PoolClient | undefined;
  let isReleased = false;
  const checkedOut = async () => {
    const client = await pool.connect();
    client.on('error', ignoreLostConnection);
    return client;
  };
  const toPool = (client: pg.PoolClient, failure?: Error) => {
    client.off('error', ignoreLostConnection);
    client.release(failure);
  };
  const take = () => {
    const client = kept;
    kept = undefined;
    return client ?? checkedOut();
  };
  const done = (client: pg.PoolClient, failure?: Error) => {
    if (failure === undefined && kept === undefined && !isReleased) kept = client;
    else toPool(client, failure);
  };
  return {
    take,
    done,
    async query<R extends pg.QueryResultRow>(config: pg.QueryConfig) {
      const client = await take();
      try {
        const result = await client.query<R>(config);
        done(client);
        return result;
      } catch (error) {
        const isLost = isConnectionFailure(error);
        done(client, isLost ? (error as Error) : undefined);
        if (!isLost) throw error;
        return await pool.query<R>(config);
      }
    },
    release() {
      isReleased = true;
      if (kept !== undefined) toPool(kept);
      kept = undefined;
    },
  };
}
