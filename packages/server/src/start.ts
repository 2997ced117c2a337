// Wiring of one service process: each part built once, in dependency order, from the two doors
// (admission to Redis, the store to Postgres) up to the HTTP server and the reconciler; close()
// undoes it in reverse.
import type { Registry } from 'prom-client';
import type { ServerConfig } from './config/settings.js';
import { openDoors } from './doors.js';
import type { MetricsSource } from './http/routes.js';
import { buildRoutes } from './http/routes.js';
import { createHttpServer } from './http/server.js';
import { createLogger, type Logger } from './observe/log.js';
import { createMetrics } from './observe/metrics.js';
import { createSaleBook } from './sale/book.js';
import { type Clock, systemClock } from './sale/clock.js';
import type { SaleDeps } from './sale/deps.js';
import { startPreparer } from './sale/prepare.js';
import { createRebuilder } from './sale/rebuild.js';
import { type ReconcileReport, startReconciler } from './sale/reconcile.js';
import { createWrites } from './sale/writes.js';

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
  /** Opens the current sale, and the next when its start is near (tests). */
  prepareNow: () => Promise<void>;
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
  const { admission, store } = await openDoors(config, log);
  const metrics = createMetrics();
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
        await writes.drain();
        await store.close();
        await admission.close();
        log.info('stopped', { url });
      })();
      return closing;
    },
  };
}
