// acked-durable (with --ledger): every purchase the ledger saw acknowledged (200) is in Postgres;
// no purchase exists for a request the client saw definitively rejected. Indeterminate requests
// (5xx, timeout, reset) may or may not have happened: those that did are reported as recovered.
// The bounds, over the codes the ledger names: acknowledged <= rows <= acknowledged + indeterminate.
import { readFileSync } from 'node:fs';
import { type Invariant, queryRow } from './invariant.js';
import { ledgerFileLabels } from './ledger-labels.js';

const sql = readFileSync(new URL('./acked-durable.sql', import.meta.url), 'utf8');

type Row = {
  lines: number;
  codes: number;
  acked: number;
  rows: number;
  uncertain: number;
  recovered: number;
  violations: number;
  examples: string[];
};

export const ackedDurable: Invariant = {
  id: 'acked-durable',
  title: 'every purchase acknowledged (200) is in Postgres; none exists for a request seen rejected',
  requires: 'ledger',
  async check(context) {
    const labels = ledgerFileLabels(context.ledger?.files ?? []);
    const row = await queryRow<Row>(context, sql, [context.sale.saleId, labels]);
    return {
      counted:
        `${row.lines} purchase requests for ${row.codes} codes: ${row.acked} acknowledged <= ${row.rows} purchase rows` +
        ` <= ${row.acked} + ${row.uncertain} indeterminate (${row.recovered} recovered); ${row.violations} violations`,
      violations: row.violations,
      examples: row.examples,
    };
  },
};
