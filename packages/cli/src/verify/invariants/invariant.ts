// The contract every invariant check keeps: it reads Postgres (and the verify_* temp tables that
// hold the ledger and the Redis snapshot) through one client inside the verification's snapshot,
// counts what it looked at, and returns its violations; it never changes the service's data.
import type { Milliseconds } from '@flashsale/protocol';
import type pg from 'pg';
import type { RedisState } from '../redis-snapshot.js';
import type { InvariantId, LedgerSummary, SaleFacts } from '../report.js';
import type { Finding } from '../result.js';

export type CheckContext = {
  client: pg.ClientBase;
  sale: SaleFacts;
  nowMs: Milliseconds;
  /** How long past its deadline a hold may linger before it counts as stuck. */
  graceMs: Milliseconds;
  /** How long a purchase admitted in Redis may wait for Postgres before it counts as lost. */
  pendingGraceMs: Milliseconds;
  redis: RedisState;
  /** null without --ledger. */
  ledger: LedgerSummary | null;
};

export type Invariant = {
  id: InvariantId;
  title: string;
  /** What must be given for the check to run; without it the invariant is SKIP. */
  requires?: 'ledger' | 'expect-sellout';
  check: (context: CheckContext) => Promise<Finding>;
};

/** Runs a statement that returns one row. */
export async function queryRow<R extends pg.QueryResultRow>(
  context: CheckContext,
  text: string,
  values: readonly unknown[],
): Promise<R> {
  const { rows } = await context.client.query<R>(text, values as unknown[]);
  return rows[0]!;
}
