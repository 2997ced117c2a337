// Opening a sale: its period from the protocol's sale arithmetic, its size and rules from the
// settings, its items named by items.ts. The store creates it exactly once, however many race.
import { type Milliseconds, saleWindow } from '@flashsale/protocol';
import type { SaleInfo, SaleStore } from '../store/sale-store.js';
import { generateItem } from './items.js';

export type SaleParams = {
  saleDurationMs: Milliseconds;
  saleSize: number;
  userLimit: number;
  holdTtlMs: Milliseconds;
};

/** Creates the sale with its items when it does not exist yet; returns the sale as stored. */
export function openSale(
  store: SaleStore,
  saleId: number,
  params: SaleParams,
): Promise<{ sale: SaleInfo; isNew: boolean }> {
  const window = saleWindow(saleId, params.saleDurationMs);
  const sale: SaleInfo = {
    saleId,
    startsAtMs: window.startsAtMs,
    endsAtMs: window.endsAtMs,
    size: params.saleSize,
    userLimit: params.userLimit,
    holdTtlMs: params.holdTtlMs,
  };
  return store.openSale(sale, (itemId) => generateItem(saleId, itemId));
}
