// What a black-box verification found: one result per check, with what the ledgers held.
import type { Milliseconds } from '@flashsale/protocol';
import type { InvariantResult } from '../result.js';
import type { BlackBoxId } from './check.js';
import type { LedgerCounts } from './facts.js';

export type BlackBoxResult = InvariantResult<BlackBoxId>;

export type BlackBoxReport = {
  verdict: 'pass' | 'fail';
  profile: string;
  /** The sale whose lines were checked; null: every line of the ledgers. */
  saleId: number | null;
  saleSize: number | null;
  userLimit: number | null;
  firstItemId: number;
  graceMs: Milliseconds;
  isRunInterrupted: boolean;
  ledger: LedgerCounts;
  invariants: readonly BlackBoxResult[];
  checkedAtMs: Milliseconds;
  elapsedMs: Milliseconds;
};
