// Entry point of a cluster worker: the primary's config comes through the environment.
import { AggregatorRegistry } from 'prom-client';
import { clusterMetricsSource } from './cluster.js';
import { workerConfigFromEnv } from './config/settings.js';
import { createLogger } from './observe/log.js';
import { startServer } from './start.js';

const config = workerConfigFromEnv();
const log = createLogger(config.logLevel, { service: 'flashsale', pid: process.pid, role: 'worker' });
const metricsSource = clusterMetricsSource();
const server = await startServer(config, {
  log,
  metricsSource: (registry) => {
    AggregatorRegistry.setRegistries([registry]);
    return metricsSource(registry);
  },
});
process.send?.({ type: 'flashsale:listening', url: server.url });

let isClosing = false;
const shutdown = () => {
  if (isClosing) return;
  isClosing = true;
  server.close().then(
    () => process.exit(0),
    (error: unknown) => {
      log.error('shutdown_failed', { error });
      process.exit(1);
    },
  );
};
process.on('SIGTERM', shutdown);
process.on('SIGINT', shutdown);
process.on('disconnect', shutdown); // the primary is gone
