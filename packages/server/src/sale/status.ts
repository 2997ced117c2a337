// What the current sale looks like: counts from Redis (after sweeping lapsed holds) and pages of
// items from Postgres with their live state.

import { type Milliseconds, saleIdAt } from '@flashsale/protocol';
import { saleKeys } from '../admission/keys.js';
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

export type ItemState = 'available' | 'held' | 'sold';

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

const selectItems = `
  SELECT item_id, name, image_url FROM items WHERE sale_id = $1 AND item_id >= $2 ORDER BY item_id LIMIT $3`;

export async function saleItems(
  deps: SaleDeps,
  page: { offset: number; limit: number },
): Promise<ItemsPage | Refusal> {
  try {
    const nowMs = deps.clock();
    const saleId = saleIdAt(nowMs, deps.config.saleDurationMs);
    const sale = await deps.sales.open(saleId);
    // Item ids are dense (0..size-1), so the offset is an id and the page is an index range scan.
    const { rows } = await deps.pool.query<{ item_id: number; name: string; image_url: string }>({
      name: 'select_items',
      text: selectItems,
      values: [saleId, page.offset, page.limit],
    });
    const ids = rows.map((r) => String(r.item_id));
    const keys = saleKeys(saleId);
    const [sold, deadlines] =
      ids.length === 0
        ? [[], []]
        : await Promise.all([
            deps.redis.hmget(keys.sold, ...ids),
            deps.redis.zmscore(keys.deadlines, ...ids),
          ]);
    return {
      ok: true,
      saleId,
      offset: page.offset,
      limit: page.limit,
      total: sale.size,
      items: rows.map((r, i) => ({
        itemId: r.item_id,
        name: r.name,
        imageUrl: r.image_url,
        state:
          sold[i] != null
            ? 'sold'
            : deadlines[i] != null && Number(deadlines[i]) > nowMs
              ? 'held'
              : 'available',
      })),
    };
  } catch (error) {
    return unavailableOrThrow(error, 'the sale is unavailable right now; retry shortly');
  }
}
