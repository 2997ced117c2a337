// user-limit: no user owns more than USER_LIMIT items of the sale (the limit stored with the sale).
import { readFileSync } from 'node:fs';
import { type Invariant, queryRow } from './invariant.js';

const sql = readFileSync(new URL('./user-limit.sql', import.meta.url), 'utf8');

type Row = { buyers: number; most_items: number; violations: number; examples: string[] };

export const userLimit: Invariant = {
  id: 'user-limit',
  title: 'no user owns more than USER_LIMIT items of the sale',
  async check(context) {
    const { saleId, userLimit: limit } = context.sale;
    const row = await queryRow<Row>(context, sql, [saleId, limit]);
    return {
      counted: `${row.buyers} buyers, most items owned by one ${row.most_items}, limit ${limit}; ${row.violations} over the limit`,
      violations: row.violations,
      examples: row.examples,
    };
  },
};
