// What a chaos run needs around the service: its own Redis to restart, a cuttable proxy in front
// of Postgres, and the actions that inject each fault.
import { type ServerConfig, saleDataKeys } from '@flashsale/server';
import type { Redis } from 'ioredis';
import type pg from 'pg';
import { uniformInt } from 'pure-rand/distribution/uniformInt';
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';
import type { FaultKind } from '../chaos/faults.js';
import type { FaultActions } from '../chaos/injector.js';
import { type OwnRedis, startOwnRedis } from '../chaos/redis-process.js';
import { startThreadedProxy, type ThreadedProxy } from '../chaos/tcp-proxy-thread.js';

const KILL_SERVER_PAUSE_MS = 1000;
const PG_DROP_MS = 3000;

export type ChaosEnvironment = {
  /** The config the service runs with (its Redis, and Postgres through the proxy). */
  serviceConfig: Readonly<ServerConfig>;
  /** The config the run and the verifier use (the same Redis, Postgres directly). */
  directConfig: Readonly<ServerConfig>;
  close: () => Promise<void>;
};

export type PreparedChaos = {
  env: ChaosEnvironment;
  redis: OwnRedis | undefined;
  proxy: ThreadedProxy | undefined;
};

export async function prepareChaos(
  kinds: readonly FaultKind[],
  config: Readonly<ServerConfig>,
  say: (line: string) => void,
): Promise<PreparedChaos> {
  let redis: OwnRedis | undefined;
  let proxy: ThreadedProxy | undefined;
  let direct = config;
  let service = config;
  if (kinds.includes('restart-redis')) {
    redis = await startOwnRedis();
    say(`restart-redis: using a Redis of its own at ${redis.url}`);
    direct = { ...direct, redisUrl: redis.url };
    service = { ...service, redisUrl: redis.url };
  }
  if (kinds.includes('pg-drop')) {
    const url = new URL(config.databaseUrl);
    proxy = await startThreadedProxy(url.hostname || '127.0.0.1', Number(url.port || 5432));
    url.hostname = '127.0.0.1';
    url.port = String(proxy.port);
    service = { ...service, databaseUrl: url.toString() };
    say(`pg-drop: the service reaches Postgres through a proxy on port ${proxy.port}`);
  }
  if (kinds.includes('kill-worker') && config.workers < 2) {
    service = { ...service, workers: 2 };
    say('kill-worker: running the service with --workers 2');
  }
  return {
    redis,
    proxy,
    env: {
      serviceConfig: Object.freeze(service),
      directConfig: Object.freeze(direct),
      async close() {
        await proxy?.close();
        await redis?.stop();
      },
    },
  };
}

export type FaultContext = {
  seed: number;
  saleId: number;
  redis: Redis;
  postgres: pg.Client;
  ownRedis: OwnRedis | undefined;
  proxy: ThreadedProxy | undefined;
  workerPids: () => number[];
  killService: () => Promise<number>;
  restartService: () => Promise<number>;
};

export function faultActions(context: FaultContext): FaultActions {
  const random = xoroshiro128plus((context.seed ^ 0x5bd1e995) >>> 0);
  return {
    async 'kill-worker'() {
      const alive = context.workerPids().filter(isAlive);
      if (alive.length === 0) return 'no worker to kill';
      const pid = alive[uniformInt(random, 0, alive.length - 1)]!;
      process.kill(pid, 'SIGKILL');
      return `SIGKILL worker ${pid}`;
    },
    async 'kill-server'() {
      const killed = await context.killService();
      await new Promise((resolve) => setTimeout(resolve, KILL_SERVER_PAUSE_MS));
      const started = await context.restartService();
      return `SIGKILL service ${killed}, restarted as ${started} after ${KILL_SERVER_PAUSE_MS} ms`;
    },
    async 'flush-redis'() {
      const deleted = await context.redis.del(...saleDataKeys(context.saleId));
      return `deleted ${deleted} keys of sale ${context.saleId}`;
    },
    async 'restart-redis'() {
      if (context.ownRedis === undefined) return 'no Redis of its own to restart';
      await context.ownRedis.restart();
      return `restarted ${context.ownRedis.url} without persistence`;
    },
    async 'pg-drop'() {
      if (context.proxy === undefined) return 'no Postgres proxy';
      const serviceBackends =
        "FROM pg_stat_activity WHERE application_name = 'flashsale' AND datname = current_database()";
      const before = await context.postgres.query(`SELECT count(*)::int AS n ${serviceBackends}`);
      // Dropping the proxied sockets ends their backends; any still up are terminated.
      context.proxy.down();
      const terminated = await context.postgres.query(
        `SELECT count(pg_terminate_backend(pid))::int AS n ${serviceBackends}`,
      );
      await new Promise((resolve) => setTimeout(resolve, PG_DROP_MS));
      context.proxy.up();
      return `cut Postgres for ${PG_DROP_MS} ms: dropped the service's ${before.rows[0]?.n ?? 0} connections (${terminated.rows[0]?.n ?? 0} backends still up terminated)`;
    },
  };
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false; // ESRCH: already gone
  }
}
