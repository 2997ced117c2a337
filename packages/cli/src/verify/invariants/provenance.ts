// provenance: every purchase matches a persisted successful checkout with the same sale, user,
// item and code, purchased before its hold expired.
import { readFileSync } from 'node:fs';
import { type Invariant, queryRow } from './invariant.js';

const sql = readFileSync(new URL('./provenance.sql', import.meta.url), 'utf8');

type Row = { purchases: number; rolled_forward: number; violations: number; examples: string[] };

export const provenance: Invariant = {
  id: 'provenance',
  title: 'every purchase matches a successful checkout (sale, user, item, code), before its hold expired',
  async check(context) {
    const row = await queryRow<Row>(context, sql, [context.sale.saleId]);
    const rolled =
      row.rolled_forward > 0
        ? ` (${row.rolled_forward} rolled forward by the reconciler: time not checked)`
        : '';
    return {
      counted: `${row.purchases} purchases matched to their checkouts${rolled}; ${row.violations} without a valid checkout`,
      violations: row.violations,
      examples: row.examples,
    };
  },
};
