// The flashsale service under test, on the bench's world: `flashsale serve` with flags named by
// the server's own settings table, the bench's sale opened once, and a service per measurement.
import { join } from 'node:path';
import { cliMainPath, startServiceProcess } from '@flashsale/cli';
import { readSaleAnswer } from '@flashsale/protocol';
import { gcNodeFlags } from '@flashsale/server';
import { readRssBytes } from './proc-stats.js';
import { trackForCleanup } from './processes.js';
import { repoRelative } from './repo-paths.js';
import { type ServeValues, serveFlags } from './serve-flags.js';

import { type BenchContext, type BenchSale, newOffsets } from './session.js';
import { createWorld, dropWorld } from './world.js';

/** How long `stop` gives the service to shut down gracefully before SIGKILL. */
const stopGraceMs = 15_000;
/** GET /sale opens the sale on first call: 1,000,000 items take ~15 s on this box. */
const openSaleTimeoutMs = 120_000;

export type Service = Readonly<{
  url: string;
  /** The primary's pid. */
  pid: number;
  workers: number;
  /** How to start it again, from the repository's root. */
  commandLine: string;
}>;

let launches = 0;

export type ServiceOptions = {
  workers: number;
  nodeArgs?: readonly string[];
  /** Settings other than the bench's sale (another size, a short sale period). */
  overrides?: ServeValues;
};

async function startService(
  ctx: BenchContext,
  { workers, nodeArgs = [], overrides = {} }: ServiceOptions,
): Promise<{ service: Service; stop: () => Promise<void> }> {
  const { world } = ctx;
  const serveArgs = serveFlags({
    port: 0,
    databaseUrl: world.databaseUrl,
    redisUrl: world.redisUrl,
    redisKeyPrefix: world.redisKeyPrefix,
    saleSize: ctx.saleSize,
    saleDurationMs: world.saleDurationMs,
    workers,
    logLevel: 'info',
    ...overrides,
  });
  launches += 1;
  const started = await startServiceProcess({
    serveArgs,
    nodeArgs,
    logPath: join(ctx.workDir, `service-${launches}.log`),
    signal: ctx.signal,
  });
  const untrack = trackForCleanup(started); // a failure or Ctrl-C stops it with everything else
  // startServiceProcess gives node gcNodeFlags first: the command line shows them.
  const commandLine = ['node', ...gcNodeFlags, ...nodeArgs, cliMainPath, 'serve', ...serveArgs].join(' ');
  return {
    service: { url: started.url, pid: started.pid, workers, commandLine: repoRelative(commandLine) },
    stop: async () => {
      await started.stop(stopGraceMs);
      untrack();
    },
  };
}

/** GET /sale: opens the sale on first call, so wait for it. */
async function openSale(url: string): Promise<number> {
  const response = await fetch(`${url}/sale`, { signal: AbortSignal.timeout(openSaleTimeoutMs) });
  const body = await response.text();
  const sale = readSaleAnswer(body);
  if (response.status !== 200 || sale === null || sale.saleId === null)
    throw new Error(`GET /sale answered ${response.status}: ${body}`);
  return sale.saleId;
}

/**
 * Opens the bench's sale once, in a service process of its own that then stops, so no measured
 * process is the one that built 1,000,000 items. Gives that process's RSS right after.
 */
export async function openBenchSale(ctx: BenchContext): Promise<BenchSale> {
  const { service, stop } = await startService(ctx, { workers: 1 });
  try {
    const startedMs = Date.now();
    const saleId = await openSale(service.url);
    return {
      saleId,
      openS: Math.round((Date.now() - startedMs) / 100) / 10,
      openerRssBytes: readRssBytes(service.pid) ?? null,
    };
  } finally {
    await stop();
  }
}

/**
 * Runs `body` with the bench's sale opened in a world of its own (database and Redis prefix), so
 * the holds the benchmarks before it left (5 minutes each, on items a load of random picks would
 * keep meeting) do not stand in its buyers' way, and its wrk request numbers start again from 0;
 * the world is removed after.
 */
export async function withOwnSale<C extends BenchContext, T>(
  ctx: C,
  body: (own: C) => Promise<T>,
): Promise<T> {
  const world = createWorld();
  ctx.addWorld(world); // removed with the session too, should it stop first (Ctrl-C)
  const own: C = { ...ctx, ...newOffsets(ctx.saleSize), world, sale: null };
  try {
    ctx.step(`a sale of its own: database ${world.databaseName}, Redis prefix ${world.redisKeyPrefix}`);
    own.sale = await openBenchSale(own);
    ctx.step(`sale ${own.sale.saleId} open in ${own.sale.openS} s`);
    return await body(own);
  } finally {
    await dropWorld(world);
  }
}

/** Starts the service on the bench's world, runs `use(service)`, stops it whatever happened. */
export async function withService<T>(
  ctx: BenchContext,
  options: ServiceOptions,
  use: (service: Service) => Promise<T>,
): Promise<T> {
  const { service, stop } = await startService(ctx, options);
  try {
    await openSale(service.url); // open already: answers at once
    return await use(service);
  } finally {
    await stop();
  }
}

/**
 * Starts `count` separate services (each its own `flashsale serve` process and port, not cluster
 * workers) on the bench's world, runs `use(services)`, stops them all whatever happened.
 */
export async function withServices<T>(
  ctx: BenchContext,
  count: number,
  options: ServiceOptions,
  use: (services: readonly Service[]) => Promise<T>,
): Promise<T> {
  const starts = await Promise.allSettled(Array.from({ length: count }, () => startService(ctx, options)));
  const started = starts.flatMap((start) => (start.status === 'fulfilled' ? [start.value] : []));
  try {
    const failed = starts.find((start) => start.status === 'rejected');
    if (failed !== undefined) throw failed.reason;
    const services = started.map(({ service }) => service);
    await Promise.all(services.map((service) => openSale(service.url))); // open already: answers at once
    return await use(services);
  } finally {
    await Promise.all(started.map(({ stop }) => stop()));
  }
}
