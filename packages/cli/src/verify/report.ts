// What a verification found: one result per invariant of SPEC section 4, in the SPEC's order and
// with the SPEC's ids (reports are read by machines that look for those ids).
import type { Milliseconds } from '@flashsale/protocol';
import type { BlackBoxReport } from './black-box/report.js';
import type { InvariantResult } from './result.js';

export const invariantIds = [
  'no-oversell',
  'sell-out',
  'user-limit',
  'provenance',
  'attempts-persisted',
  'acked-durable',
  'redis-agrees',
  'no-stuck-holds',
] as const;

export type InvariantId = (typeof invariantIds)[number];

export type SaleFacts = {
  saleId: number;
  startsAtMs: Milliseconds;
  endsAtMs: Milliseconds;
  size: number;
  userLimit: number;
  holdTtlMs: Milliseconds;
};

export type LedgerSummary = {
  files: readonly string[];
  /** Non-empty lines read, of every kind. */
  lines: number;
  requests: number;
  faults: number;
  /** Answered checkouts (not 400, not 5xx) of this sale or of no known sale, matched to attempts. */
  checkoutsLoaded: number;
  /** Purchases of this sale or of no known sale, matched to purchase rows. */
  purchasesLoaded: number;
  /** Requests that belong to another sale. */
  otherSales: number;
  /** Checkouts with nothing to match: 400s, 5xx, timeouts and connection failures. */
  checkoutsUnanswered: number;
};

export type VerifyReport = {
  saleId: number;
  verdict: 'pass' | 'fail';
  sale: SaleFacts;
  checkedAtMs: Milliseconds;
  graceMs: Milliseconds;
  redisKeyPrefix: string;
  /** The run that made the sale was cut short (Ctrl-C); sell-out was not applicable. */
  isRunInterrupted: boolean;
  ledger: LedgerSummary | null;
  invariants: readonly InvariantResult<InvariantId>[];
  /** The black-box checks over the same ledgers; null without --ledger. */
  blackBox: BlackBoxReport | null;
  elapsedMs: Milliseconds;
};
