// The public surface of @flashsale/server. Settings load eagerly (the CLI builds its flags from
// them); everything that pulls in pg, ioredis or prom-client is imported on first use.

export type { Admission, CallBatching, CheckoutDecision } from './admission/admission.js';
export type { RedisClient, RedisTarget, RedisTuning } from './admission/client.js';
export type { SaleDataKeys, SaleKeys } from './admission/keys.js';
export { saleDataKeys, saleKeys } from './admission/keys.js';
export { RETENTION_AFTER_SALE_MS, retainUntilMs } from './admission/retention.js';
export type { RedisSaleMeta, SaleRedisSnapshot } from './admission/snapshot.js';
export type { ServeHandle } from './cluster.js';
export type { ConfigSource, LogLevel, ServerConfig, Setting } from './config/settings.js';
export {
  ConfigError,
  loadServerConfig,
  redactUrl,
  redisTargetText,
  serverSettings,
} from './config/settings.js';
export { UnavailableError } from './errors.js';
export { gcNodeFlags } from './gc-flags.js';
export type { Logger } from './observe/log.js';
export type { Clock } from './sale/clock.js';
export { codePattern } from './sale/codes.js';
export { PENDING_GRACE_MS } from './sale/timing.js';
export type { RunningServer, StartOptions } from './start.js';
export type { MigrationResult } from './store/pg/migrate.js';
export type { SaleRow } from './store/pg/sale-row.js';
export { saleColumns, saleOfRow } from './store/pg/sale-row.js';

import type { Admission, CallBatching } from './admission/admission.js';
import type { RedisClient, RedisTarget, RedisTuning } from './admission/client.js';
import type { SaleRedisSnapshot } from './admission/snapshot.js';
import type { ServeHandle } from './cluster.js';
import type { ServerConfig } from './config/settings.js';
import type { Logger } from './observe/log.js';
import type { RunningServer, StartOptions } from './start.js';
import type { MigrationResult } from './store/pg/migrate.js';

/** Starts one service process (no signal handling); the caller closes it. */
export async function startServer(
  config: Readonly<ServerConfig>,
  options?: StartOptions,
): Promise<RunningServer> {
  return (await import('./start.js')).startServer(config, options);
}

/** `flashsale serve`: migrates, starts one process or `workers` cluster workers, stops on SIGINT/SIGTERM. */
export async function serve(config: Readonly<ServerConfig>, log?: Logger): Promise<ServeHandle> {
  return (await import('./cluster.js')).serve(config, log);
}

/** Applies pending schema migrations, creating the database when it is missing and the role may. */
export async function migrate(databaseUrl: string, log?: Logger): Promise<MigrationResult> {
  return (await import('./store/pg/migrate.js')).migrate(databaseUrl, log);
}

/**
 * One sale's Redis state read atomically and decoded (the verifier's view): plain columns, with
 * a malformed entry left undecoded (null) rather than thrown on. `redis` carries the key prefix.
 */
export async function readSaleSnapshot(redis: RedisClient, saleId: number): Promise<SaleRedisSnapshot> {
  return (await import('./admission/snapshot.js')).readSaleSnapshot(redis, saleId);
}

/**
 * A lazily connecting Redis client (call connect()) for the target the settings name: a single
 * Redis, or a Redis Cluster from its seed nodes, with the key prefix. Sale keys route by their slot.
 */
export async function createRedisClient(target: RedisTarget, tuning: RedisTuning): Promise<RedisClient> {
  return (await import('./admission/client.js')).createRedisClient(target, tuning);
}

/**
 * The service's door to Redis on `redis` (its scripts defined there): the benchmarks load Redis
 * through it. `batching` fixes how calls are sent (the service's own when absent).
 */
export async function createAdmission(redis: RedisClient, batching?: CallBatching): Promise<Admission> {
  return (await import('./admission/admission.js')).createAdmission(redis, batching);
}

export async function createLogger(
  ...args: Parameters<typeof import('./observe/log.js').createLogger>
): Promise<Logger> {
  return (await import('./observe/log.js')).createLogger(...args);
}
