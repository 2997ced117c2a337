// How long a sale's Redis keys are kept: a day past the moment its last hold can lapse. The
// verifier agrees on it, to tell keys expired by design from keys lost.
import type { Milliseconds } from '@flashsale/protocol';
import type { RedisClient } from './client.js';
import { saleDataKeys } from './keys.js';

export const RETENTION_AFTER_SALE_MS: Milliseconds = 24 * 3_600_000;

export function retainUntilMs(sale: { endsAtMs: Milliseconds; holdTtlMs: Milliseconds }): Milliseconds {
  return sale.endsAtMs + sale.holdTtlMs + RETENTION_AFTER_SALE_MS;
}

/** Sets every data key of the sale to expire at its retention deadline (keys made since included). */
export async function retainSale(
  redis: RedisClient,
  sale: { saleId: number; endsAtMs: Milliseconds; holdTtlMs: Milliseconds },
): Promise<void> {
  const retainUntil = retainUntilMs(sale);
  const tx = redis.multi();
  for (const key of saleDataKeys(sale.saleId)) tx.pexpireat(key, retainUntil);
  await tx.exec();
}
