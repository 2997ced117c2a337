// The two things every sale operation does around its Redis decision: rebuild the sale once when
// its keys are missing, and turn a lost dependency into a 503 refusal.
import { type Refusal, refuse, SaleMismatchError } from '../errors.js';
import { isConnectionFailure } from '../store/failures.js';
import type { SaleInfo } from '../store/sale-store.js';
import type { SaleDeps } from './deps.js';

/** Asks Redis; when the sale's keys are gone, rebuilds them from Postgres and asks once more. */
export async function askRebuildingOnce<D extends { kind: string }>(
  deps: SaleDeps,
  sale: SaleInfo,
  ask: () => Promise<D>,
): Promise<D> {
  const first = await ask();
  if (first.kind !== 'rebuild') return first;
  await deps.rebuilder.ensure(sale);
  return ask();
}

/**
 * A dependency that cannot be reached becomes 503 `unavailable`, settings that disagree with the
 * stored sale 503 `sale_mismatch`; anything else is a bug.
 */
export function unavailableOrThrow(error: unknown, message: string): Refusal {
  if (error instanceof SaleMismatchError) return refuse('sale_mismatch', error.message);
  if (isConnectionFailure(error) || (error as { code?: string }).code === 'unavailable') {
    return refuse('unavailable', message);
  }
  throw error;
}
