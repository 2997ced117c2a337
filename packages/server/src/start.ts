// Wiring of one service process: pools, scripts, group commits, the sale book, the reconciler
// and the HTTP server, plus the graceful shutdown that undoes it in reverse.
import type { AddressInfo } from 'node:net';
import type { Redis } from 'ioredis';
import type { Registry } from 'prom-client';
import { createAdmission } from './admission/admission.js';
import { connectRedis } from './admission/connect.js';
import type { ServerConfig } from './config/settings.js';
import { UnavailableError } from './errors.js';
import { buildRoutes, type MetricsSource } from './http/routes.js';
import { createHttpServer } from './http/server.js';
import { createLogger, type Logger } from './observe/log.js';
import { createMetrics } from './observe/metrics.js';
import { createSaleBook } from './sale/book.js';
import { type Clock, systemClock } from './sale/clock.js';
import type { SaleDeps } from './sale/deps.js';
import { createRebuilder } from './sale/rebuild.js';
import { type ReconcileReport, startReconciler } from './sale/reconcile.js';
import { attemptWriter } from './store/attempts.js';
import { GroupCommit } from './store/group-commit.js';
import { createPool } from './store/pool.js';
import { type PurchaseRow, type PurchaseWrite, purchaseWriter } from './store/purchases.js';
import { crashBeforeWriting } from './store/test-crash.js';

export type StartOptions = {
  clock?: Clock;
  log?: Logger;
  /** Replaces this process's /metrics text (cluster workers answer with every worker's metrics). */
  metricsSource?: (local: Registry) => MetricsSource;
};

export type RunningServer = {
  url: string;
  port: number;
  metricsRegistry: Registry;
  /** Runs one reconciliation pass now (tests, and start-up). */
  reconcileNow: () => Promise<ReconcileReport[]>;
  /** Graceful: stop accepting, finish in-flight requests, flush writes, close pools. */
  close: () => Promise<void>;
};

export async function startServer(
  config: Readonly<ServerConfig>,
  options: StartOptions = {},
): Promise<RunningServer> {
  const log = options.log ?? createLogger(config.logLevel, { service: 'flashsale', pid: process.pid });
  const clock = options.clock ?? systemClock;

  const pool = createPool(
    { databaseUrl: config.databaseUrl, size: config.pgPoolSize, applicationName: 'flashsale' },
    log,
  );
  let redis: Redis;
  try {
    redis = await connectRedis(config, log);
  } catch (error) {
    await pool.end();
    throw error;
  }
  try {
    await pool.query('SELECT 1');
  } catch (error) {
    redis.disconnect();
    await pool.end();
    throw new UnavailableError('postgres', error);
  }
  await warnIfRedisMayEvict(redis, log);

  const admission = createAdmission(redis);
  const writePurchases = purchaseWriter(pool);
  const crashIfPlanted = crashBeforeWriting(config.testCrashItemId, log);
  let metrics: ReturnType<typeof createMetrics> | undefined;
  const attempts = new GroupCommit({
    name: 'checkout_attempts',
    maxBatchRows: config.maxBatchRows,
    maxBatchWaitMs: config.maxBatchWaitMs,
    maxFlushesInFlight: config.maxFlushesInFlight,
    flush: attemptWriter(pool),
    onBatch: (rows, seconds) => metrics?.observeBatch('checkout_attempts', rows, seconds),
    onFailure: (error, rows) => {
      metrics?.batchFailures.inc({ table: 'checkout_attempts' });
      log.warn('batch_failed', { table: 'checkout_attempts', rows, error });
    },
  });
  const purchases = new GroupCommit<PurchaseRow, PurchaseWrite>({
    name: 'purchases',
    maxBatchRows: config.maxBatchRows,
    maxBatchWaitMs: config.maxBatchWaitMs,
    maxFlushesInFlight: config.maxFlushesInFlight,
    flush: async (rows) => {
      crashIfPlanted(rows);
      const results = await writePurchases(rows);
      confirmDurable(rows, results);
      return results;
    },
    onBatch: (rows, seconds) => metrics?.observeBatch('purchases', rows, seconds),
    onFailure: (error, rows) => {
      metrics?.batchFailures.inc({ table: 'purchases' });
      log.warn('batch_failed', { table: 'purchases', rows, error });
    },
  });
  // Durable purchases leave Redis' pending set; if this fails the reconciler does it later.
  const confirmDurable = (rows: readonly PurchaseRow[], results: readonly PurchaseWrite[]) => {
    const bySale = new Map<number, string[]>();
    rows.forEach((row, i) => {
      if (results[i]!.status === 'refused') return;
      const codes = bySale.get(row.saleId) ?? [];
      codes.push(row.code);
      bySale.set(row.saleId, codes);
    });
    for (const [saleId, codes] of bySale) {
      admission
        .confirmPurchases(saleId, codes)
        .catch((error: unknown) => log.debug('confirm_deferred', { saleId, error }));
    }
  };

  let inFlight = () => 0;
  metrics = createMetrics({
    pgPool: () => ({ total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount }),
    queuedRows: () => ({ checkout_attempts: attempts.queuedRows, purchases: purchases.queuedRows }),
    inFlightRequests: () => inFlight(),
  });
  const rebuilder = createRebuilder({
    pool,
    redis,
    log,
    clock,
    onRebuilt: () => metrics?.rebuilds.inc(),
    onWaiting: () => metrics?.rebuildWaits.inc(),
  });
  const sales = createSaleBook({ pool, config, rebuilder, log });
  const deps: SaleDeps = {
    config,
    clock,
    pool,
    redis,
    admission,
    attempts,
    purchases,
    writePurchasesNow: writePurchases,
    sales,
    rebuilder,
    metrics,
    log,
  };

  const registry = metrics.registry;
  const metricsSource: MetricsSource =
    options.metricsSource?.(registry) ??
    (async () => ({ contentType: registry.contentType, text: await registry.metrics() }));
  const http = createHttpServer(buildRoutes(deps, metricsSource), metrics, log);
  inFlight = http.inFlight;
  await new Promise<void>((resolve, reject) => {
    http.server.once('error', reject);
    http.server.listen(config.port, config.host, () => {
      http.server.off('error', reject);
      resolve();
    });
  });
  const reconciler = startReconciler(deps, {
    intervalMs: config.reconcileIntervalMs,
    isEnabled: config.isReconcilerEnabled,
  });
  const port = (http.server.address() as AddressInfo).port;
  const url = `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}`;

  let closing: Promise<void> | undefined;
  return {
    url,
    port,
    metricsRegistry: registry,
    reconcileNow: () => reconciler.runOnce(),
    close() {
      closing ??= (async () => {
        await http.close(config.shutdownGraceMs);
        await reconciler.stop();
        await Promise.all([attempts.drain(), purchases.drain()]);
        await pool.end();
        await redis.quit().catch(() => redis.disconnect());
        log.info('stopped', { url });
      })();
      return closing;
    },
  };
}

async function warnIfRedisMayEvict(redis: Redis, log: Logger): Promise<void> {
  try {
    const reply = (await redis.config('GET', 'maxmemory-policy')) as string[];
    const policy = reply[1];
    if (policy !== undefined && policy !== 'noeviction') {
      log.warn('redis_may_evict', {
        policy,
        advice:
          'set maxmemory-policy noeviction: an evicted sale key makes Redis admit what Postgres then refuses',
      });
    }
  } catch (error) {
    log.debug('redis_policy_unknown', { error }); // CONFIG is often disabled on managed Redis
  }
}
