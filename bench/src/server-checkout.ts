// Benchmark 1: durable checkouts per second of `flashsale serve` (1 and 2 workers) against a
// bare node:http server answering the same requests, both loaded by the same wrk command. Every
// attempt must be a row in checkout_attempts before its answer, so rows written in the window
// are counted and compared with the requests answered.
import { startBareServer } from './bare-baseline.js';
import { type CheckoutResult, checkoutResult } from './checkout-result.js';
import type { BareRound, CheckoutMeasurements, Rounds, ServiceRound } from './checkout-rounds.js';
import { runWrkOnService } from './cpu-split.js';
import type { BenchSettings } from './modes.js';
import { processTree, sampleProcesses } from './proc-stats.js';
import { scrapeMetrics } from './prometheus.js';
import { type Service, withOwnSale, withService } from './service.js';
import { offsetsWrapAt, type RunContext } from './session.js';
import { countAttempts } from './world.js';
import { runWrk, type WrkOptions, type WrkRun } from './wrk.js';

const bestOf = <Round extends { wrk: WrkRun }>(rounds: readonly Round[]): Rounds<Round> => ({
  rounds,
  best: rounds.reduce((a, b) => (b.wrk.rps > a.wrk.rps ? b : a)),
});

export async function benchServerCheckout(
  ctx: RunContext,
): Promise<{ results: CheckoutResult[]; measurements: CheckoutMeasurements }> {
  const { connections, manyConnections } = ctx.settings;
  const bare1: BareRound[] = [];
  const bare2: BareRound[] = [];
  const bareMany: BareRound[] = [];
  const [server1, serverMany, server2] = await onFreshSales(ctx, [
    (own) =>
      withService(own, { workers: 1 }, (service) =>
        measureRounds(own, service, connections, async (round) => {
          ctx.step(`checkout ${round}: bare node:http, 1 process, wrk -c${connections}`);
          bare1.push(await measureBare(ctx, 1, connections));
          ctx.step(`checkout ${round}: flashsale serve --workers 1`);
        }),
      ),
    // Group commit fills its batches from the requests in flight: the same service with more clients.
    (own) =>
      withService(own, { workers: 1 }, (service) =>
        measureRounds(own, service, manyConnections, async (round) => {
          ctx.step(`checkout ${round}: bare node:http, 1 process, wrk -c${manyConnections}`);
          bareMany.push(await measureBare(ctx, 1, manyConnections));
          ctx.step(`checkout ${round}: flashsale serve --workers 1, wrk -c${manyConnections}`);
        }),
      ),
    (own) =>
      withService(own, { workers: 2 }, (service) =>
        measureRounds(own, service, connections, async (round) => {
          ctx.step(`checkout ${round}: bare node:http, 2 processes (node:cluster)`);
          bare2.push(await measureBare(ctx, 2, connections));
          ctx.step(`checkout ${round}: flashsale serve --workers 2`);
        }),
      ),
  ]);
  if (server1 === undefined || serverMany === undefined || server2 === undefined)
    throw new Error('a checkout configuration gave no rounds');
  const measurements: CheckoutMeasurements = {
    server1: bestOf(server1),
    server2: bestOf(server2),
    bare1: bestOf(bare1),
    bare2: bestOf(bare2),
    serverMany: bestOf(serverMany),
    bareMany: bestOf(bareMany),
  };
  return {
    results: [
      checkoutResult(
        'server-checkout-1-worker',
        `Server checkout, 1 worker, ${connections} connections`,
        measurements.server1,
        { baseline: measurements.bare1, paired: measurements.bare1, others: [] },
      ),
      checkoutResult(
        'server-checkout-1-worker-many-clients',
        `Server checkout, 1 worker, ${manyConnections} connections`,
        measurements.serverMany,
        { baseline: measurements.bareMany, paired: measurements.bareMany, others: [] },
      ),
      checkoutResult('server-checkout-2-workers', 'Server checkout, 2 workers', measurements.server2, {
        baseline: measurements.bare1,
        paired: measurements.bare2,
        others: [measurements.bare2],
      }),
    ],
    measurements,
  };
}

/**
 * How many checkout configurations one sale carries: each may ask for its runs at 50,000/s (above
 * any rate seen so far), and the wrk request numbers wrap at offsetsWrapAt of the sale.
 */
export function configurationsPerSale(
  settings: Pick<BenchSettings, 'rounds' | 'warmUpS' | 'measureS'>,
  saleSize: number,
): number {
  const requestsOfConfiguration = settings.rounds * (settings.warmUpS + settings.measureS) * 50_000;
  return Math.max(1, Math.floor((saleSize * offsetsWrapAt) / requestsOfConfiguration));
}

/**
 * Runs the configurations in turn on fresh sales (a database and Redis prefix each), as many on
 * one sale as its items carry, so every run meets new buyers and items and a service does not
 * start on a table the configurations before it filled. A full run's configuration may ask for
 * 1.3M (2 rounds of 13 s): one sale each. A quick run's three fit on one.
 */
async function onFreshSales<T>(
  ctx: RunContext,
  configurations: readonly ((own: RunContext) => Promise<T>)[],
): Promise<T[]> {
  const perSale = configurationsPerSale(ctx.settings, ctx.saleSize);
  const results: T[] = [];
  for (let first = 0; first < configurations.length; first += perSale) {
    await withOwnSale(ctx, async (own) => {
      for (const configuration of configurations.slice(first, first + perSale))
        results.push(await configuration(own));
    });
  }
  return results;
}

/** Rounds of (baseline, then service), back to back, so both see the same noise on this box. */
async function measureRounds(
  ctx: RunContext,
  service: Service,
  connections: number,
  measureBaseline: (round: string) => Promise<void>,
): Promise<ServiceRound[]> {
  const rounds: ServiceRound[] = [];
  for (let round = 1; round <= ctx.settings.rounds; round++) {
    await measureBaseline(`${round}/${ctx.settings.rounds}`);
    rounds.push(await measureService(ctx, service, connections));
  }
  return rounds;
}

async function measureBare(ctx: RunContext, workers: number, connections: number): Promise<BareRound> {
  const bare = await startBareServer({ workers });
  try {
    await runWrk({ ...wrkOptions(ctx, bare.url, connections), durationS: ctx.settings.warmUpS });
    let loadPid: number | undefined;
    const sampler = sampleProcesses({
      server: () => processTree(bare.process.pid),
      load_generator: () => (loadPid ? [loadPid] : []),
    });
    const wrk = await runWrk({
      ...wrkOptions(ctx, bare.url, connections),
      onStart: (started) => {
        loadPid = started.pid;
      },
    });
    return {
      workers,
      wrk,
      usage: sampler.stop(),
      commandLine: bare.commandLine,
      name: `bare node:http, ${workers === 1 ? '1 process' : `${workers} processes (node:cluster)`}`,
    };
  } finally {
    await bare.process.stop();
  }
}

function wrkOptions(ctx: RunContext, url: string, connections: number): WrkOptions {
  return { url, connections, durationS: ctx.settings.measureS, saleSize: ctx.saleSize };
}

/** Warm-up, then the measured wrk run between two row counts and two /metrics scrapes. */
async function measureService(ctx: RunContext, service: Service, connections: number): Promise<ServiceRound> {
  const warmUp = await runWrk({
    ...wrkOptions(ctx, service.url, connections),
    durationS: ctx.settings.warmUpS,
    offset: ctx.takeOffset(),
  });
  ctx.advanceOffset(warmUp.nextOffset);
  const hasWrapped = ctx.hasWrapped();
  const rowsBefore = await countAttempts(ctx.world);
  const metricsBefore = await scrapeMetrics(service.url);
  const { wrk, usage } = await runWrkOnService(ctx, service, {
    ...wrkOptions(ctx, service.url, connections),
    offset: ctx.takeOffset(),
  });
  ctx.advanceOffset(wrk.nextOffset);
  const rowsAfter = await countAttempts(ctx.world);
  const metricsAfter = await scrapeMetrics(service.url);
  return {
    workers: service.workers,
    connections,
    primaryPid: service.pid,
    wrk,
    rowsWritten: rowsAfter - rowsBefore,
    // Request n and n + saleSize are the same buyer and item (bench/checkout.lua).
    repeatsEarlier: hasWrapped || wrk.nextOffset > ctx.saleSize,
    metricsBefore,
    metricsAfter,
    usage,
    commandLine: service.commandLine,
  };
}
