// verifyLedgers: the black-box verification. It proves the sale's invariants from the simulator's
// ledgers alone (every shard together), with no database: what any service speaking the API can
// be held to. A ledger that cannot be read is a check that cannot be made (a CliError, exit 2).
import type { Milliseconds } from '@flashsale/protocol';
import { INTERRUPTED_REASON, judgedResult, skippedResult } from '../result.js';
import { blackBoxChecks } from './all.js';
import { type BlackBoxCheck, type BlackBoxContext, blackBoxIds } from './check.js';
import { gatherFacts } from './facts.js';
import type { BlackBoxReport, BlackBoxResult } from './report.js';

export type BlackBoxOptions = {
  ledgerPaths: readonly string[];
  /** Items in the sale; null: unknown (no-oversell and sell-out SKIP). */
  saleSize: number | null;
  userLimit: number | null;
  firstItemId: number;
  isSelloutExpected: boolean;
  /**
   * A database was queried too: its sell-out, which sees every purchase, decides, rather than
   * ledgers that may hold only some of the clients (one shard of several, a test's own requests).
   */
  isSelloutFromDatabase?: boolean;
  /** The run was cut short (Ctrl-C): sell-out is not applicable. */
  isRunInterrupted?: boolean;
  graceMs: Milliseconds;
  /** Only this sale's lines (and those that name none); null: every line. */
  saleId: number | null;
  /** The target profile's name, for the report. */
  profileName: string;
  clock?: () => Milliseconds;
};

export async function verifyLedgers(options: BlackBoxOptions): Promise<BlackBoxReport> {
  const startedMs = performance.now();
  const facts = await gatherFacts(options.ledgerPaths, options.saleId);
  const context: BlackBoxContext = {
    facts,
    saleSize: options.saleSize,
    userLimit: options.userLimit,
    firstItemId: options.firstItemId,
    graceMs: options.graceMs,
  };
  const invariants = blackBoxIds.map((id) => runCheck(blackBoxChecks[id], context, options));
  return {
    verdict: invariants.some((result) => result.status === 'FAIL') ? 'fail' : 'pass',
    profile: options.profileName,
    saleId: options.saleId,
    saleSize: options.saleSize,
    userLimit: options.userLimit,
    firstItemId: options.firstItemId,
    graceMs: options.graceMs,
    isRunInterrupted: options.isRunInterrupted === true,
    ledger: { ...facts.counts },
    invariants,
    checkedAtMs: (options.clock ?? Date.now)(),
    elapsedMs: Math.round(performance.now() - startedMs),
  };
}

function runCheck(check: BlackBoxCheck, context: BlackBoxContext, options: BlackBoxOptions): BlackBoxResult {
  const skipped = skipReason(check, options);
  if (skipped !== null) return skippedResult(check, skipped);
  const startedMs = performance.now();
  return judgedResult(check, check.check(context), startedMs);
}

function skipReason(check: BlackBoxCheck, options: BlackBoxOptions): string | null {
  const needsSize = check.requires === 'sale-size' || check.requires === 'expect-sellout';
  if (check.requires === 'expect-sellout' && options.isRunInterrupted) {
    return INTERRUPTED_REASON;
  }
  if (check.requires === 'expect-sellout' && !options.isSelloutExpected)
    return 'not asked (--expect-sellout)';
  if (check.requires === 'expect-sellout' && options.isSelloutFromDatabase) {
    return "the database's sell-out decides (it sees every client's purchases)";
  }
  if (needsSize && options.saleSize === null)
    return 'sale size unknown (--sale-size, or a profile with sale_size)';
  if (check.requires === 'user-limit' && options.userLimit === null)
    return 'user limit unknown (--user-limit)';
  return null;
}
