// no-stuck-holds: after HOLD_TTL no hold remains, and available = SALE_SIZE - sold. A sale whose
// keys are gone from Redis holds nothing, so nothing is stuck (redis-agrees reports the loss).
import { readFileSync } from 'node:fs';
import { type Invariant, queryRow } from './invariant.js';

const sql = readFileSync(new URL('./no-stuck-holds.sql', import.meta.url), 'utf8');

type Row = {
  holds: number;
  live: number;
  deadlines: number;
  holders: number;
  is_all_lapsed: boolean;
  last_lapse: string | null;
  violations: number;
  examples: string[];
};

export const noStuckHolds: Invariant = {
  id: 'no-stuck-holds',
  title: 'after HOLD_TTL no hold remains and available = SALE_SIZE - sold',
  async check(context) {
    const { sale, redis } = context;
    if (redis.meta === null) {
      return {
        counted: `sale ${sale.saleId} has no state in Redis: no hold to be stuck`,
        violations: 0,
        examples: [],
      };
    }
    const row = await queryRow<Row>(context, sql, [sale.saleId, context.nowMs, context.graceMs]);
    const size = redis.meta.size ?? sale.size;
    const sold = redis.counts.sold;
    const lapse =
      row.last_lapse === null
        ? 'no successful checkout'
        : `${row.is_all_lapsed ? 'every hold lapsed' : 'holds may still be live'} (last checkout's hold until ${row.last_lapse})`;
    return {
      counted:
        `${row.holds} holds in Redis (${row.live} live), ${row.deadlines} deadlines, ${row.holders} buyers holding; ${lapse};` +
        ` available ${size - sold - row.holds} = size ${size} - sold ${sold} - held ${row.holds}; ${row.violations} stuck or inconsistent`,
      violations: row.violations,
      examples: row.examples,
    };
  },
};
