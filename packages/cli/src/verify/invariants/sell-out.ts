// sell-out (with --expect-sellout): sold == SALE_SIZE once the sale is over or sold out and its
// holds have lapsed. Asked for when demand exceeded supply, so an unsold item is a violation even
// while the sale is open; when unsold items are still held the finding says to verify again
// after the holds lapse (HOLD_TTL) rather than passing a sale that may yet sell out.
import { readFileSync } from 'node:fs';
import { type Invariant, queryRow } from './invariant.js';

const sql = readFileSync(new URL('./sell-out.sql', import.meta.url), 'utf8');

type Row = { sold: number; unsold: number; held: number; held_until: string | null; examples: string[] };

export const sellOut: Invariant = {
  id: 'sell-out',
  title: 'sold == SALE_SIZE once the sale is over or sold out and holds have lapsed',
  requires: 'expect-sellout',
  async check(context) {
    const { saleId, size, endsAtMs } = context.sale;
    const row = await queryRow<Row>(context, sql, [saleId, size, context.nowMs, context.graceMs]);
    if (row.unsold === 0)
      return { counted: `sold ${row.sold} of ${size} items`, violations: 0, examples: [] };
    const notes = [
      row.held > 0
        ? `${row.held} still held until ${row.held_until}: verify again once those holds lapse`
        : '',
      context.nowMs < endsAtMs ? 'the sale is still open' : '',
    ].filter((note) => note !== '');
    return {
      counted: `sold ${row.sold} of ${size} items; ${row.unsold} unsold${notes.length > 0 ? ` (${notes.join('; ')})` : ''}`,
      violations: row.unsold,
      examples: row.examples,
    };
  },
};
