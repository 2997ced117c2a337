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
/** The primary forks a replacement 250 ms after a worker dies; a busy box may take a few seconds more. */
const REPLACEMENT_DEADLINE_MS = 15_000;

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
      const known = new Set(context.workerPids());
      const alive = [...known].filter(isAlive);
      if (alive.length === 0) return { detail: 'no worker to kill', evidence: null };
      const killedPid = alive[uniformInt(random, 0, alive.length - 1)]!;
      const killedAtMs = Date.now();
      process.kill(killedPid, 'SIGKILL');
      const replacementPid = await waitForNewWorker(context.workerPids, known);
      return {
        detail:
          replacementPid === null
            ? `SIGKILL worker ${killedPid}; no replacement within ${REPLACEMENT_DEADLINE_MS} ms`
            : `SIGKILL worker ${killedPid}; worker ${replacementPid} took its place after ${Date.now() - killedAtMs} ms`,
        evidence: { killedPid, replacementPid },
      };
    },
    async 'kill-server'() {
      const killedPid = await context.killService();
      await new Promise((resolve) => setTimeout(resolve, KILL_SERVER_PAUSE_MS));
      const replacementPid = await context.restartService();
      return {
        detail: `SIGKILL service ${killedPid}, restarted as ${replacementPid} after ${KILL_SERVER_PAUSE_MS} ms`,
        evidence: { killedPid, replacementPid },
      };
    },
    async 'flush-redis'() {
      const keysDeleted = await context.redis.del(...saleDataKeys(context.saleId));
      return { detail: `deleted ${keysDeleted} keys of sale ${context.saleId}`, evidence: { keysDeleted } };
    },
    async 'restart-redis'() {
      if (context.ownRedis === undefined) return { detail: 'no Redis of its own to restart', evidence: null };
      const runIds = await context.ownRedis.restart();
      return {
        detail: `restarted ${context.ownRedis.url} without persistence (run_id ${runIds.runIdBefore.slice(0, 8)} -> ${runIds.runIdAfter.slice(0, 8)})`,
        evidence: runIds,
      };
    },
    async 'pg-drop'() {
      if (context.proxy === undefined) return { detail: 'no Postgres proxy', evidence: null };
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
      const evidence = {
        connectionsDropped: Number(before.rows[0]?.n ?? 0),
        backendsTerminated: Number(terminated.rows[0]?.n ?? 0),
      };
      return {
        detail: `cut Postgres for ${PG_DROP_MS} ms: dropped the service's ${evidence.connectionsDropped} connections (${evidence.backendsTerminated} backends still up terminated)`,
        evidence,
      };
    },
  };
}

/** The pid of a worker the service started after `known` was taken, once one is alive. */
async function waitForNewWorker(
  workerPids: () => number[],
  known: ReadonlySet<number>,
): Promise<number | null> {
  const deadlineMs = Date.now() + REPLACEMENT_DEADLINE_MS;
  while (Date.now() < deadlineMs) {
    const fresh = workerPids().find((pid) => !known.has(pid) && isAlive(pid));
    if (fresh !== undefined) return fresh;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return null;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false; // ESRCH: already gone
  }
}
