// `flashsale run` wants a sale of its own that starts now and outlasts the run, even when it
// shares a database with earlier runs. Sale ids are floor(unix time / SALE_DURATION), so it
// picks a whole-second duration whose next period starts within a moment and whose sale id is
// not taken yet.

import { setTimeout as sleep } from 'node:timers/promises';
import { saleIdAt } from '@flashsale/protocol';
import { saleKeys } from '@flashsale/server';
import type { RunConfigs } from '../chaos/fault.js';
import { CliError, ExitCode } from '../exit-codes.js';
import type { RunConnections } from './connections.js';
import type { PreparedStores } from './prepare-stores.js';
import type { RunContext } from './run-context.js';

export type FreshSale = { saleDurationMs: number; saleId: number; startsAtMs: number };

export type FreshSaleQuery = {
  nowMs: number;
  /** The sale must last at least this long. */
  minDurationMs: number;
  maxDurationMs: number;
  /** Longest acceptable wait for the period to start. */
  maxWaitMs: number;
  isTaken: (saleId: number) => Promise<boolean>;
};

export async function pickFreshSale(query: FreshSaleQuery): Promise<FreshSale | undefined> {
  const minS = Math.ceil(query.minDurationMs / 1000);
  const maxS = Math.floor(query.maxDurationMs / 1000);
  // Soonest start first: a period of d seconds starts at every whole second divisible by d. Leave
  // a small margin so the period has surely begun when the load starts.
  const firstS = Math.ceil((query.nowMs + 50) / 1000);
  const lastS = Math.floor((query.nowMs + query.maxWaitMs) / 1000);
  for (let startS = firstS; startS <= lastS; startS++) {
    for (let durationS = minS; durationS <= maxS; durationS++) {
      // The search's own test in whole seconds (small integers, called millions of times); the
      // sale id is then the protocol's.
      if (startS % durationS !== 0) continue;
      const [startsAtMs, saleDurationMs] = [startS * 1000, durationS * 1000];
      const saleId = saleIdAt(startsAtMs, saleDurationMs);
      if (await query.isTaken(saleId)) continue;
      return { saleDurationMs, saleId, startsAtMs };
    }
  }
  return undefined;
}

// Some whole seconds have no divisor in range (primes among them); ten in a row practically always
// include several that do.
const FRESH_SALE_MAX_WAIT_MS = 10_000;

/** Picks a fresh sale period of at least `minDurationMs`, waits for it to start, returns its duration. */
export async function withFreshSale(
  { postgres, redis }: Pick<RunConnections, 'postgres' | 'redis'>,
  minDurationMs: number,
  say: (line: string) => void,
  signal?: AbortSignal,
): Promise<number> {
  const fresh = await pickFreshSale({
    nowMs: Date.now(),
    minDurationMs,
    maxDurationMs: Math.min(minDurationMs + 86_400_000, 7 * 86_400_000),
    maxWaitMs: FRESH_SALE_MAX_WAIT_MS,
    // Taken in this database, or by any run sharing this Redis and key prefix.
    isTaken: async (saleId) =>
      ((await postgres.query('SELECT 1 FROM sales WHERE sale_id = $1', [saleId])).rowCount ?? 0) > 0 ||
      (await redis.exists(saleKeys(saleId).meta)) === 1,
  });
  if (fresh === undefined) {
    throw new CliError(
      'found no free sale period to run in; pass --sale-duration',
      ExitCode.usageOrUnchecked,
    );
  }
  say(
    `sale period of ${fresh.saleDurationMs / 1000} s starting ${new Date(fresh.startsAtMs).toISOString()} (sale ${fresh.saleId})`,
  );
  await sleep(Math.max(0, fresh.startsAtMs - Date.now()), undefined, { signal });
  return fresh.saleDurationMs;
}

/** A sale must outlast the load by this much: holds lapse and the verifier reads it at rest. */
const SALE_MARGIN_MS = 60_000;

/**
 * The run's step that picks the sale: unless --sale-duration or --target is given, a fresh period
 * that outlasts the planned load; returns the configs with its duration.
 */
export async function pickSalePeriod(
  { options, loadOptions, say, interruption }: RunContext,
  { configs, connections }: PreparedStores,
): Promise<RunConfigs> {
  if (options.target !== undefined || options.isSaleDurationGiven) return configs;
  const plannedLoadMs = loadOptions.stages.reduce((sum, stage) => sum + stage.durationMs, 0);
  const saleDurationMs = await interruption.unlessAborted(
    withFreshSale(
      connections,
      plannedLoadMs + configs.direct.holdTtlMs + SALE_MARGIN_MS,
      say,
      interruption.signal,
    ),
  );
  return Object.freeze({
    service: Object.freeze({ ...configs.service, saleDurationMs }),
    direct: Object.freeze({ ...configs.direct, saleDurationMs }),
  });
}
