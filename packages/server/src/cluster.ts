// `serve`: one process, or a node:cluster primary supervising N workers on one port. The primary
// migrates once, replaces workers that die, answers /metrics for all of them, and on SIGINT or
// SIGTERM lets every worker shut down gracefully.
import cluster, { type Worker } from 'node:cluster';
import { AggregatorRegistry } from 'prom-client';
import type { ServerConfig } from './config/settings.js';
import { redactUrl, redisTargetText, workerEnv } from './config/settings.js';
import { gcNodeFlags } from './gc-flags.js';
import { createLogger, type Logger } from './observe/log.js';
import { checkCanJoin, type RunningServer, startServer } from './start.js';
import { migrate } from './store/pg/migrate.js';

export type ServeHandle = {
  url: string;
  /** Resolves when the service has stopped (after a signal or stop()). */
  stopped: Promise<void>;
  stop: () => Promise<void>;
};

type WorkerMessage =
  | { type: 'flashsale:listening'; url: string }
  | { type: 'flashsale:metrics-req'; id: number }
  | { type: 'flashsale:metrics-res'; id: number; text: string; contentType: string };

const RESTART_DELAY_MS = 250;

export async function serve(config: Readonly<ServerConfig>, log?: Logger): Promise<ServeHandle> {
  const logger =
    log ?? createLogger(config.logLevel, { service: 'flashsale', pid: process.pid, role: 'primary' });
  await migrate(config.databaseUrl, logger);
  const handle =
    config.workers > 1 ? await superviseWorkers(config, logger) : await serveInProcess(config, logger);
  logger.info('listening', {
    url: handle.url,
    workers: config.workers,
    database: redactUrl(config.databaseUrl),
    redis: redisTargetText(config),
  });
  return handle;
}

async function serveInProcess(config: Readonly<ServerConfig>, log: Logger): Promise<ServeHandle> {
  const server = await startServer(config, { log });
  return withSignals(server.url, () => server.close(), log);
}

async function superviseWorkers(config: Readonly<ServerConfig>, log: Logger): Promise<ServeHandle> {
  // A worker that cannot reach Redis or Postgres, or whose settings disagree with the sale or the
  // other instances, dies and would be replaced forever: the primary checks once.
  await checkCanJoin(config, log);
  cluster.setupPrimary({
    exec: new URL('./worker.js', import.meta.url).pathname,
    // The workers carry the load: they get the heap settings (gc-flags.ts); the primary's own
    // node flags come after, so one given there wins.
    execArgv: [...gcNodeFlags, ...process.execArgv],
    silent: false,
  });
  const aggregator = new AggregatorRegistry();
  let isStopping = false;
  let url: string | undefined;
  const listening = new Set<number>();
  let onAllListening: ((url: string) => void) | undefined;
  const allListening = new Promise<string>((resolve) => {
    onAllListening = resolve;
  });

  const fork = (slot: number): Worker => {
    const worker = cluster.fork({ ...workerEnv(config), FLASHSALE_WORKER_SLOT: String(slot) });
    worker.on('message', (message: WorkerMessage) => {
      if (message.type === 'flashsale:listening') {
        // Names every worker, first or replacement, so tests and chaos runs can tell them apart.
        log.info('worker_listening', { slot, workerPid: worker.process.pid });
        url = message.url;
        listening.add(slot);
        if (listening.size === config.workers) onAllListening?.(message.url);
      } else if (message.type === 'flashsale:metrics-req') {
        aggregator.clusterMetrics().then(
          (text) =>
            worker.send({
              type: 'flashsale:metrics-res',
              id: message.id,
              text,
              contentType: aggregator.contentType,
            }),
          (error: unknown) =>
            worker.send({
              type: 'flashsale:metrics-res',
              id: message.id,
              text: `# ${(error as Error).message}\n`,
              contentType: 'text/plain',
            }),
        );
      }
    });
    worker.on('exit', (code, signal) => {
      if (isStopping) return;
      log.warn('worker_exited', { slot, workerPid: worker.process.pid, code, signal });
      setTimeout(() => fork(slot), RESTART_DELAY_MS).unref();
    });
    return worker;
  };
  for (let slot = 0; slot < config.workers; slot++) fork(slot);
  const address = await allListening;

  const stop = async () => {
    isStopping = true;
    const workers = Object.values(cluster.workers ?? {}).filter((w): w is Worker => w !== undefined);
    await Promise.all(
      workers.map(
        (worker) =>
          new Promise<void>((resolve) => {
            if (worker.isDead()) return resolve();
            worker.once('exit', () => resolve());
            worker.process.kill('SIGTERM');
          }),
      ),
    );
  };
  return withSignals(url ?? address, stop, log);
}

function withSignals(url: string, close: () => Promise<void>, log: Logger): ServeHandle {
  let stopping: Promise<void> | undefined;
  let onStopped!: () => void;
  const stopped = new Promise<void>((resolve) => {
    onStopped = resolve;
  });
  const stop = () => {
    stopping ??= close().then(
      () => onStopped(),
      (error: unknown) => {
        log.error('shutdown_failed', { error });
        onStopped();
      },
    );
    return stopping;
  };
  const onSignal = (signal: NodeJS.Signals) => {
    log.info('shutting_down', { signal });
    void stop();
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  void stopped.then(() => {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  });
  return { url, stopped, stop };
}

/** Worker side of cluster mode: /metrics asks the primary for every worker's metrics. */
export function clusterMetricsSource(): (
  local: unknown,
) => () => Promise<{ contentType: string; text: string }> {
  new AggregatorRegistry(); // registers this worker's answer to the primary's metrics requests
  let nextId = 0;
  const waiting = new Map<number, (reply: { contentType: string; text: string }) => void>();
  process.on('message', (message: WorkerMessage) => {
    if (message.type !== 'flashsale:metrics-res') return;
    waiting.get(message.id)?.({ contentType: message.contentType, text: message.text });
    waiting.delete(message.id);
  });
  return () => () =>
    new Promise((resolve) => {
      const id = nextId++;
      waiting.set(id, resolve);
      process.send?.({ type: 'flashsale:metrics-req', id } satisfies WorkerMessage);
    });
}

export type { RunningServer };
