// verifySale: checks every invariant of SPEC section 4 for one sale by querying Postgres and Redis
// directly. The order matters while a service may still be running:
//   1. the ledger is streamed into a temp table (its requests all finished before this started);
//   2. a REPEATABLE READ snapshot of Postgres is taken;
//   3. Redis is read atomically after it, so whatever Postgres has, Redis had admitted already,
//      and Redis can only be ahead by requests in flight (which the grace windows excuse);
//   4. each invariant runs set-based SQL against that one snapshot.
// Whatever keeps the check from running throws a CliError with exit 2; violations are results.
import { readFileSync } from 'node:fs';
import type { Milliseconds } from '@flashsale/protocol';
import type { RedisClient } from '@flashsale/server';
import { PENDING_GRACE_MS } from '@flashsale/server';
import type pg from 'pg';
import { CliError, ExitCode } from '../exit-codes.js';
import { reasonOf } from '../unreachable.js';
import { verifyLedgers } from './black-box/run-black-box.js';
import { connectPostgres, connectRedis } from './connect.js';
import { invariants } from './invariants/all.js';
import type { CheckContext, Invariant } from './invariants/invariant.js';
import { loadLedger } from './ledger-table.js';
import { createRedisTables, loadRedisSnapshot } from './redis-snapshot.js';
import {
  type InvariantId,
  invariantIds,
  type LedgerSummary,
  type SaleFacts,
  type VerifyReport,
} from './report.js';
import { INTERRUPTED_REASON, type InvariantResult, judgedResult, skippedResult } from './result.js';
import { findSale, type SaleChoice } from './sale.js';
import { judgeSelloutFromLedger, type SelloutExpectation } from './sellout-expectation.js';
import { refreshStatistics } from './statistics.js';

export type VerifyOptions = {
  databaseUrl: string;
  redisUrl: string;
  /** Seed nodes of a Redis Cluster; null or absent: the single Redis at redisUrl. */
  redisClusterNodes?: readonly string[] | null;
  redisKeyPrefix: string;
  /** A sale id, or the newest sale that has started. */
  sale: SaleChoice;
  /** Simulator ledgers (JSONL); shard ledgers are checked together. Empty: ledger invariants SKIP. */
  ledgerPaths: readonly string[];
  /**
   * Check sell-out: true when asked (the simulator's demand exceeded supply), 'from-ledger' to
   * expect it only of a sale the ledger saw sold out (see sellout-expectation.ts).
   */
  isSelloutExpected: boolean | 'from-ledger';
  /** The run that made the sale was cut short (Ctrl-C): sell-out is not applicable, the report says so. */
  isRunInterrupted?: boolean;
  /** How long past its deadline a hold may linger, and a write may lag, before it is a violation. */
  graceMs: Milliseconds;
  /** The current time (epoch ms); the service's clock in tests. */
  clock?: () => Milliseconds;
};

const sessionSetup = readFileSync(new URL('./session.sql', import.meta.url), 'utf8');

export const DEFAULT_GRACE_MS: Milliseconds = 5_000;

/**
 * The service rolls a purchase admitted in Redis into Postgres once it has been pending
 * PENDING_GRACE_MS, on its next reconcile pass (every 2 s by default); until then a pending
 * purchase may be in flight.
 */
const SERVICE_PENDING_SETTLE_MS: Milliseconds = PENDING_GRACE_MS + 2_000;

export async function verifySale(options: VerifyOptions): Promise<VerifyReport> {
  const clock = options.clock ?? Date.now;
  const startedMs = performance.now();
  const client = await connectPostgres(options.databaseUrl);
  let redis: RedisClient | undefined;
  try {
    redis = await connectRedis({ ...options, redisClusterNodes: options.redisClusterNodes ?? null });
    return await check(client, redis, options, clock, startedMs);
  } catch (error) {
    throw asUncheckable(error);
  } finally {
    redis?.disconnect();
    await client.end().catch(() => undefined); // the report (or the error) is already decided
  }
}

async function check(
  client: pg.Client,
  redis: RedisClient,
  options: VerifyOptions,
  clock: () => Milliseconds,
  startedMs: number,
): Promise<VerifyReport> {
  await client.query(sessionSetup);
  const sale = await findSale(client, options.sale, clock());
  await refreshStatistics(client);
  const ledger =
    options.ledgerPaths.length > 0 ? await loadLedger(client, options.ledgerPaths, sale.saleId) : null;
  const sellout = await selloutExpectation(client, sale, ledger, options);
  await createRedisTables(client);

  await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ');
  await client.query('SELECT 1'); // takes the snapshot before Redis is read
  const nowMs = clock();
  const redisState = await loadRedisSnapshot(client, redis, sale.saleId);
  const context: CheckContext = {
    client,
    sale,
    nowMs,
    graceMs: options.graceMs,
    pendingGraceMs: options.graceMs + SERVICE_PENDING_SETTLE_MS,
    redis: redisState,
    ledger,
  };
  const results: InvariantResult<InvariantId>[] = [];
  for (const id of invariantIds) results.push(await runInvariant(invariants[id], context, options, sellout));
  await client.query('COMMIT');
  // With ledgers, what they prove alone too: the same checks a service we cannot query gets.
  const blackBox =
    options.ledgerPaths.length === 0
      ? null
      : await verifyLedgers({
          ledgerPaths: options.ledgerPaths,
          saleSize: sale.size,
          userLimit: sale.userLimit,
          firstItemId: 0,
          isSelloutExpected: sellout.isExpected,
          isSelloutFromDatabase: true,
          isRunInterrupted: options.isRunInterrupted === true,
          graceMs: options.graceMs,
          saleId: sale.saleId,
          profileName: 'default',
          clock,
        });

  return {
    saleId: sale.saleId,
    verdict: results.some((r) => r.status === 'FAIL') || blackBox?.verdict === 'fail' ? 'fail' : 'pass',
    sale,
    checkedAtMs: nowMs,
    graceMs: options.graceMs,
    redisKeyPrefix: options.redisKeyPrefix,
    isRunInterrupted: options.isRunInterrupted === true,
    ledger,
    invariants: results,
    blackBox,
    elapsedMs: Math.round(performance.now() - startedMs),
  };
}

async function selloutExpectation(
  client: pg.Client,
  sale: SaleFacts,
  ledger: LedgerSummary | null,
  options: VerifyOptions,
): Promise<SelloutExpectation> {
  if (options.isSelloutExpected === true) return { isExpected: true, reason: 'asked (--expect-sellout)' };
  if (options.isSelloutExpected === false || ledger === null)
    return { isExpected: false, reason: 'not asked (--expect-sellout)' };
  return judgeSelloutFromLedger(client, sale);
}

async function runInvariant(
  invariant: Invariant,
  context: CheckContext,
  options: VerifyOptions,
  sellout: SelloutExpectation,
): Promise<InvariantResult<InvariantId>> {
  if (invariant.requires === 'ledger' && context.ledger === null) {
    return skippedResult(invariant, 'no --ledger given');
  }
  if (invariant.requires === 'expect-sellout' && (options.isRunInterrupted || !sellout.isExpected)) {
    return skippedResult(invariant, options.isRunInterrupted ? INTERRUPTED_REASON : sellout.reason);
  }
  const startedMs = performance.now();
  return judgedResult(invariant, await invariant.check(context), startedMs);
}

/** Any failure that is not already a CliError kept the check from finishing: exit 2, with why. */
function asUncheckable(error: unknown): CliError {
  if (error instanceof CliError) return error;
  const code = (error as { code?: unknown }).code;
  const hint =
    code === '42P01'
      ? ' (is this a flashsale database? run `flashsale migrate` or check --database-url)'
      : '';
  return new CliError(`could not finish the check: ${reasonOf(error)}${hint}`, ExitCode.usageOrUnchecked, {
    cause: error,
  });
}
