// redis-agrees: Redis' sold set, per-user counts and availability match Postgres.
// A sale whose keys are gone from Redis while they should still be kept (until a day after its
// last hold can lapse) is a disagreement: the service rebuilds them when it runs, so after a
// flush either it has not run since, or REDIS_KEY_PREFIX points elsewhere. Past that retention
// the keys expire by design and there is nothing left to compare.
import { readFileSync } from 'node:fs';
import { retainUntilMs } from '@flashsale/server';
import type { RedisMeta } from '../redis-snapshot.js';
import type { SaleFacts } from '../report.js';
import { type CheckContext, type Invariant, queryRow } from './invariant.js';

const sql = readFileSync(new URL('./redis-agrees.sql', import.meta.url), 'utf8');

type Row = {
  redis_sold: number;
  redis_held: number;
  redis_pending: number;
  in_flight: number;
  pg_sold: number;
  pg_held: number;
  buyers: number;
  violations: number;
  examples: string[];
};

export const redisAgrees: Invariant = {
  id: 'redis-agrees',
  title: "Redis' sold set, per-user counts and availability match Postgres",
  async check(context) {
    const { sale, redis } = context;
    if (redis.meta === null) return missingKeys(context);
    const row = await queryRow<Row>(context, sql, [
      sale.saleId,
      context.nowMs,
      context.graceMs,
      context.pendingGraceMs,
      sale.holdTtlMs,
    ]);
    const metaDiffs = metaDifferences(redis.meta, sale);
    const redisSize = redis.meta.size ?? sale.size;
    const redisAvailable = redisSize - row.redis_sold - row.redis_held;
    const pgAvailable = sale.size - row.pg_sold - row.pg_held;
    const inFlight = row.in_flight > 0 ? `, ${row.in_flight} purchases in flight` : '';
    return {
      counted:
        `Redis sold ${row.redis_sold}, held ${row.redis_held}, available ${redisAvailable}${inFlight};` +
        ` Postgres sold ${row.pg_sold}, held ${row.pg_held}, available ${pgAvailable}; ${row.buyers} buyers compared;` +
        ` ${row.violations + metaDiffs.length} disagreements`,
      violations: row.violations + metaDiffs.length,
      examples: [...metaDiffs, ...row.examples],
    };
  },
};

function missingKeys(context: CheckContext) {
  const { sale } = context;
  if (context.nowMs > retainUntilMs(sale)) {
    return {
      counted: `sale ${sale.saleId} ended more than a day ago: its Redis keys have expired by design; nothing to compare`,
      violations: 0,
      examples: [],
    };
  }
  return {
    counted: `sale ${sale.saleId} has no state in Redis (its meta key is missing); 1 disagreement`,
    violations: 1,
    examples: [
      `sale ${sale.saleId}: Postgres has the sale, Redis has no {sale:${sale.saleId}}:meta key under this key prefix` +
        ' (was Redis flushed with no service running to rebuild it, or is --redis-key-prefix wrong?)',
    ],
  };
}

function metaDifferences(meta: RedisMeta, sale: SaleFacts): string[] {
  const pairs: ReadonlyArray<[string, number | null, number]> = [
    ['size', meta.size, sale.size],
    ['user_limit', meta.userLimit, sale.userLimit],
    ['hold_ttl_ms', meta.holdTtlMs, sale.holdTtlMs],
    ['ends_at_ms', meta.endsAtMs, sale.endsAtMs],
  ];
  return pairs
    .filter(([, inRedis, inPostgres]) => inRedis !== inPostgres)
    .map(
      ([field, inRedis, inPostgres]) =>
        `sale ${sale.saleId} meta ${field}: Redis ${inRedis ?? 'missing'}, Postgres ${inPostgres}`,
    );
}
