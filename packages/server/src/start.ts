// Wiring of one service process: each part built once, in dependency order, from the two doors
// (admission to Redis, the store to Postgres) up to the HTTP server and the reconciler; close()
// undoes it in reverse.
import { saleIdAt } from '@flashsale/protocol';
import type { Registry } from 'prom-client';
import type { ServerConfig } from './config/settings.js';
import { type Doors, openDoors } from './doors.js';
import type { MetricsSource } from './http/routes.js';
import { buildRoutes } from './http/routes.js';
import { createHttpServer } from './http/server.js';
import { createLogger, type Logger } from './observe/log.js';
import { createMetrics } from './observe/metrics.js';
import { createSaleBook } from './sale/book.js';
import { type Clock, createSharedClock, type SharedClock, systemClock } from './sale/clock.js';
import type { SaleDeps } from './sale/deps.js';
import { type InstanceRegistration, registerInstance } from './sale/instances.js';
import { findDisagreement } from './sale/open.js';
import { startPreparer } from './sale/prepare.js';
import { createRebuilder } from './sale/rebuild.js';
import { type ReconcileReport, startReconciler } from './sale/reconcile.js';
import { createWrites } from './sale/writes.js';

export type StartOptions = {
  /** The clock used as it is (tests); without it, `localClock` aligned to Redis TIME (sale/clock.ts). */
  clock?: Clock;
  /** This process's own clock, before alignment (tests give a skewed one); default Date.now. */
  localClock?: Clock;
  log?: Logger;
  /** Replaces this process's /metrics text (cluster workers answer with every worker's metrics). */
  metricsSource?: (local: Registry) => MetricsSource;
};

export type RunningServer = {
  url: string;
  port: number;
  metricsRegistry: Registry;
  /** Opens the current sale, and the next when its start is near (tests). */
  prepareNow: () => Promise<void>;
  /** Runs one reconciliation pass now (tests, and start-up). */
  reconcileNow: () => Promise<ReconcileReport[]>;
  /** Graceful: stop accepting, finish in-flight requests, flush writes, close pools. */
  close: () => Promise<void>;
};

type Joined = { clock: Clock; shared: SharedClock | undefined; registration: InstanceRegistration };

/**
 * What every instance does before it serves: aligns its clock to Redis TIME (unless given one),
 * refuses settings that disagree with the current sale as stored, and registers its settings
 * (refused when a live instance runs with others). On failure the doors are closed.
 */
async function joinInstances(
  config: Readonly<ServerConfig>,
  { admission, store }: Doors,
  options: StartOptions,
  log: Logger,
): Promise<Joined> {
  let shared: SharedClock | undefined;
  try {
    let clock: Clock;
    if (options.clock !== undefined) {
      clock = options.clock;
    } else {
      shared = await createSharedClock(() => admission.timeMs(), {
        local: options.localClock ?? systemClock,
        onSyncFailed: (error) => log.warn('clock_sync_failed', { error }),
      });
      clock = shared.clock;
      const { offsetMs, roundTripMs } = shared.offset();
      log[Math.abs(offsetMs) > 1000 ? 'warn' : 'debug']('clock_aligned', { offsetMs, roundTripMs });
    }
    const mismatch = await findDisagreement(store, saleIdAt(clock(), config.saleDurationMs), config);
    if (mismatch !== undefined) throw mismatch;
    const registration = await registerInstance({ admission, settings: config, clock, log });
    return { clock, shared, registration };
  } catch (error) {
    shared?.stop();
    await store.close();
    await admission.close();
    throw error;
  }
}

/**
 * The checks of joinInstances, once, without serving: the primary of `--workers N` runs them so
 * that a refusal stops `serve` instead of failing every worker it would fork again and again.
 */
export async function checkCanJoin(config: Readonly<ServerConfig>, log: Logger): Promise<void> {
  const doors = await openDoors(config, log);
  const { shared, registration } = await joinInstances(config, doors, {}, log);
  shared?.stop();
  await registration.stop();
  await doors.store.close();
  await doors.admission.close();
}

export async function startServer(
  config: Readonly<ServerConfig>,
  options: StartOptions = {},
): Promise<RunningServer> {
  const log = options.log ?? createLogger(config.logLevel, { service: 'flashsale', pid: process.pid });
  const metrics = createMetrics();
  const { admission, store } = await openDoors(config, log, metrics.observeRedisCall);
  const { clock, shared, registration } = await joinInstances(config, { admission, store }, options, log);
  const writes = createWrites({ config, store, admission, metrics, log });
  const rebuilder = createRebuilder({
    store,
    admission,
    log,
    clock,
    onRebuilt: () => metrics.rebuilds.inc(),
    onWaiting: () => metrics.rebuildWaits.inc(),
  });
  const sales = createSaleBook({ store, config, rebuilder, log });
  const { attempts, purchases } = writes;
  const deps: SaleDeps = {
    config,
    clock,
    admission,
    store,
    attempts,
    purchases,
    sales,
    rebuilder,
    metrics,
    log,
  };
  const metricsText = options.metricsSource?.(metrics.registry) ?? metrics.text;
  const http = createHttpServer(buildRoutes(deps, metricsText), metrics, log);
  metrics.watch({
    pgPool: store.poolStats,
    queuedRows: writes.queuedRows,
    inFlightRequests: http.inFlight,
  });
  // Opens the current sale, and each next one ahead of its start, without holding up the start.
  const preparer = startPreparer(deps);
  const { url, port } = await http.listen(config.port, config.host);
  const reconciler = startReconciler(deps, {
    intervalMs: config.reconcileIntervalMs,
    isEnabled: config.isReconcilerEnabled,
  });

  let closing: Promise<void> | undefined;
  return {
    url,
    port,
    metricsRegistry: metrics.registry,
    prepareNow: () => preparer.prepareNow(),
    reconcileNow: () => reconciler.runOnce(),
    close() {
      closing ??= (async () => {
        await http.close(config.shutdownGraceMs);
        preparer.stop();
        await reconciler.stop();
        shared?.stop();
        await registration.stop();
        await writes.drain();
        await store.close();
        await admission.close();
        log.info('stopped', { url });
      })();
      return closing;
    },
  };
}
