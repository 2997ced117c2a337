// What the current sale looks like: counts from Redis (after sweeping lapsed holds) and pages of
// items from Postgres with their live state.

import { type Milliseconds, saleIdAt } from '@flashsale/protocol';
import type { ItemState } from '../admission/reads.js';
import { type Refusal, refuse } from '../errors.js';
import { askRebuildingOnce, unavailableOrThrow } from './ask.js';
import type { SaleDeps } from './deps.js';

export type SaleStatus = {
  ok: true;
  saleId: number;
  startsAtMs: Milliseconds;
  endsAtMs: Milliseconds;
  size: number;
  sold: number;
  held: number;
  available: number;
};

export type ItemsPage = {
  ok: true;
  saleId: number;
  offset: number;
  limit: number;
  total: number;
  items: Array<{ itemId: number; name: string; imageUrl: string; state: ItemState }>;
};

export async function saleStatus(deps: SaleDeps): Promise<SaleStatus | Refusal> {
  try {
    const saleId = saleIdAt(deps.clock(), deps.config.saleDurationMs);
    const sale = await deps.sales.open(saleId);
    const counts = await askRebuildingOnce(deps, sale, () => deps.admission.saleCounts(saleId, deps.clock()));
    if (counts.kind === 'rebuild') return refuse('unavailable', 'the sale is being restored; retry shortly');
    return {
      ok: true,
      saleId,
      startsAtMs: sale.startsAtMs,
      endsAtMs: sale.endsAtMs,
      size: counts.size,
      sold: counts.sold,
      held: counts.held,
      available: counts.size - counts.sold - counts.held,
    };
  } catch (error) {
    return unavailableOrThrow(error, 'the sale is unavailable right now; retry shortly');
  }
}

export async function saleItems(
  deps: SaleDeps,
  page: { offset: number; limit: number },
): Promise<ItemsPage | Refusal> {
  try {
    const nowMs = deps.clock();
    const saleId = saleIdAt(nowMs, deps.config.saleDurationMs);
    const sale = await deps.sales.open(saleId);
    const items = await deps.store.itemsPage(saleId, page.offset, page.limit);
    const states = await deps.admission.itemStates(
      saleId,
      items.map((item) => item.itemId),
      nowMs,
    );
    return {
      ok: true,
      saleId,
      offset: page.offset,
      limit: page.limit,
      total: sale.size,
      items: items.map((item, i) => ({ ...item, state: states[i]! })),
    };
  } catch (error) {
    return unavailableOrThrow(error, 'the sale is unavailable right now; retry shortly');
  }
}
