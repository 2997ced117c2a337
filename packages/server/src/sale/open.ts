// Opening a sale: its period from the protocol's sale arithmetic, its size and rules from the
// settings, its items named by items.ts. The store creates it exactly once, however many race.
// Every instance must run the same sale: a stored sale whose size, rules or period differ from
// this instance's settings (another instance opened it with other ones) is refused with a
// SaleMismatchError naming the setting. (Instances running with another period length, which
// would open other sale ids, are refused at start by the instance registry: instances.ts.)
import { type Milliseconds, saleWindow } from '@flashsale/protocol';
import ms from 'ms';
import { SaleMismatchError } from '../errors.js';
import type { SaleInfo, SaleStore } from '../store/sale-store.js';
import { generateItem } from './items.js';

export type SaleParams = {
  saleDurationMs: Milliseconds;
  saleSize: number;
  userLimit: number;
  holdTtlMs: Milliseconds;
};

/** The sale as these settings would open it. */
export function plannedSale(saleId: number, params: SaleParams): SaleInfo {
  const window = saleWindow(saleId, params.saleDurationMs);
  return {
    saleId,
    startsAtMs: window.startsAtMs,
    endsAtMs: window.endsAtMs,
    size: params.saleSize,
    userLimit: params.userLimit,
    holdTtlMs: params.holdTtlMs,
  };
}

/**
 * Creates the sale with its items when it does not exist yet; returns the sale as stored.
 * Rejects with SaleMismatchError when the stored sale (or a running one it overlaps) disagrees.
 */
export async function openSale(
  store: SaleStore,
  saleId: number,
  params: SaleParams,
): Promise<{ sale: SaleInfo; isNew: boolean }> {
  const planned = plannedSale(saleId, params);
  const opened = await store.openSale(planned, (itemId) => generateItem(saleId, itemId));
  const mismatch = disagreement(opened.sale, planned);
  if (mismatch !== undefined) throw mismatch;
  return opened;
}

/** At start-up: the stored sale of `saleId` (if any) disagrees with `params`. */
export async function findDisagreement(
  store: SaleStore,
  saleId: number,
  params: SaleParams,
): Promise<SaleMismatchError | undefined> {
  const stored = await store.findSale(saleId);
  return stored === undefined ? undefined : disagreement(stored, plannedSale(saleId, params));
}

function disagreement(stored: SaleInfo, planned: SaleInfo): SaleMismatchError | undefined {
  const storedMs = stored.endsAtMs - stored.startsAtMs;
  const plannedMs = planned.endsAtMs - planned.startsAtMs;
  const of = `sale ${stored.saleId} was opened`;
  if (stored.startsAtMs !== planned.startsAtMs || storedMs !== plannedMs)
    return mismatch('--sale-duration', ms(plannedMs), `${of} for ${ms(storedMs)}`);
  if (stored.size !== planned.size)
    return mismatch('--sale-size', String(planned.size), `${of} with ${stored.size} items`);
  if (stored.userLimit !== planned.userLimit)
    return mismatch('--user-limit', String(planned.userLimit), `${of} with a limit of ${stored.userLimit}`);
  if (stored.holdTtlMs !== planned.holdTtlMs)
    return mismatch('--hold-ttl', ms(planned.holdTtlMs), `${of} with holds of ${ms(stored.holdTtlMs)}`);
  return undefined;
}

export function mismatch(flag: string, here: string, stored: string): SaleMismatchError {
  return new SaleMismatchError(
    flag,
    `${flag} is ${here} here, but ${stored}: every instance must run with the same ${flag}`,
  );
}
