// no-oversell: no item sold twice; sold <= SALE_SIZE.
import { readFileSync } from 'node:fs';
import { type Invariant, queryRow } from './invariant.js';

const sql = readFileSync(new URL('./no-oversell.sql', import.meta.url), 'utf8');

type Row = { purchases: number; items_sold: number; violations: number; examples: string[] };

export const noOversell: Invariant = {
  id: 'no-oversell',
  title: 'no item sold twice; sold <= SALE_SIZE',
  async check(context) {
    const { saleId, size } = context.sale;
    const row = await queryRow<Row>(context, sql, [saleId, size]);
    const examples = [...row.examples];
    let violations = row.violations;
    if (row.purchases > size) {
      violations += 1;
      examples.unshift(`sale ${saleId} has ${row.purchases} purchases for ${size} items`);
    }
    return {
      counted: `${row.purchases} purchases of ${row.items_sold} distinct items, sale size ${size}; ${violations} violations`,
      violations,
      examples,
    };
  },
};
