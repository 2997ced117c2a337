// flush-redis: delete every Redis key of the sale behind the service's back, as a lost cache
// would; the service must rebuild the sale from Postgres.
import { saleDataKeys } from '@flashsale/server';
import { armedAsIs, type FaultDefinition } from './fault.js';

export type FlushRedisEvidence = { keysDeleted: number };

export const flushRedis: FaultDefinition<FlushRedisEvidence> = {
  description: 'delete every Redis key of the sale (a lost cache)',
  arm: armedAsIs(async ({ redis, saleId }) => {
    const keysDeleted = await redis.del(...saleDataKeys(saleId));
    return { detail: `deleted ${keysDeleted} keys of sale ${saleId}`, evidence: { keysDeleted } };
  }),
};
