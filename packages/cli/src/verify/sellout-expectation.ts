// Whether sell-out is expected of a sale, judged from the ledger when nobody said: only a sale
// whose demand exceeded its supply within its own window must sell out, and the ledger shows
// that demand as items found gone. A sale is expected to sell out when the ledger saw every one
// of its items sold (a purchase acknowledged, or a checkout of this sale refused sold_out). A
// sale that simply ended while buyers were still finding items (the load went on into the next
// sale) is not: its unsold items are the end of its period, not the service's doing.
import { readFileSync } from 'node:fs';
import type pg from 'pg';
import type { SaleFacts } from './report.js';

const sql = readFileSync(new URL('./sellout-seen.sql', import.meta.url), 'utf8');

export type SelloutExpectation = Readonly<{ isExpected: boolean; reason: string }>;

/** Reads the ledger (already in verify_ledger) against the sale's rows. */
export async function judgeSelloutFromLedger(
  client: pg.ClientBase,
  sale: SaleFacts,
): Promise<SelloutExpectation> {
  const { rows } = await client.query<{ items_seen_sold: number }>(sql, [sale.saleId]);
  const seen = rows[0]?.items_seen_sold ?? 0;
  return seen >= sale.size
    ? { isExpected: true, reason: `the ledger saw all ${sale.size} items sold` }
    : {
        isExpected: false,
        reason: `not expected: the ledger saw ${seen} of ${sale.size} items sold in this sale's window (its demand did not exceed its supply)`,
      };
}
