// attempts-persisted (with --ledger): every checkout the ledger saw answered (non-5xx, not 400/408) is
// in Postgres with the same outcome, matched by the attempt id the service answered with
// (x-attempt-id), else by the x-request-id the client sent, unless that is ambiguous.
import { readFileSync } from 'node:fs';
import { type Invariant, queryRow } from './invariant.js';
import { ledgerFileLabels } from './ledger-labels.js';

const sql = readFileSync(new URL('./attempts-persisted.sql', import.meta.url), 'utf8');

type Row = {
  lines: number;
  checked: number;
  by_attempt: number;
  missing: number;
  ambiguous: number;
  differing: number;
  examples: string[];
};

export const attemptsPersisted: Invariant = {
  id: 'attempts-persisted',
  title: 'every checkout the ledger saw answered (non-5xx) is in Postgres with the same outcome',
  requires: 'ledger',
  async check(context) {
    const labels = ledgerFileLabels(context.ledger?.files ?? []);
    const row = await queryRow<Row>(context, sql, [context.sale.saleId, labels]);
    const elsewhere = row.lines - row.checked;
    const unanswered = context.ledger?.checkoutsUnanswered ?? 0;
    const byRequest = row.checked - row.by_attempt;
    const matchedBy =
      byRequest === 0 && row.by_attempt > 0
        ? 'by attempt id'
        : row.by_attempt === 0
          ? 'by request id'
          : `by attempt id (${byRequest} by request id)`;
    return {
      counted:
        `${row.checked} answered checkouts matched ${matchedBy}` +
        ` (${unanswered} 400/408/5xx/unanswered not matched${elsewhere > 0 ? `, ${elsewhere} stored under other sales` : ''});` +
        ` ${row.missing} missing,${row.ambiguous > 0 ? ` ${row.ambiguous} ambiguous,` : ''} ${row.differing} with another outcome`,
      violations: row.missing + row.ambiguous + row.differing,
      examples: row.examples,
    };
  },
};
