// The per-sale part of a report: each sale the run met, to its file shape and back, and added up
// across processes (counts and histograms add; the period and GET /sale's readings are shared).
// The milestones (first purchase, half sold, sold out) are derived here, from the opening.
import {
  createHistogram,
  decodeHistogram,
  encodeHistogram,
  type Histogram,
  summarizeMs,
} from '../record/histograms.js';
import type { SalePeriodParts } from './parts.js';
import type { SalePeriodReport } from './types.js';

/** `runStartedAtMs` to `scheduleEndMs`: when the load was sent (a sale opening then was measured). */
export function salePeriodReport(
  sale: SalePeriodParts,
  runStartedAtMs: number,
  scheduleEndMs: number,
): SalePeriodReport {
  const opensAtMs = sale.startsAtMs;
  const sinceOpening = (atMs: number | null) =>
    atMs === null || opensAtMs === null ? null : round3(atMs - opensAtMs);
  const soldOutSeenMs = sinceOpening(sale.soldOutAtMs);
  const allBoughtMs = purchasesReachedMs(sale.purchaseAtUs, sale.size);
  const soldOutMs =
    soldOutSeenMs === null
      ? allBoughtMs
      : allBoughtMs === null
        ? soldOutSeenMs
        : Math.min(soldOutSeenMs, allBoughtMs);
  const isOpenedInRun = opensAtMs !== null && opensAtMs >= runStartedAtMs && opensAtMs < scheduleEndMs;
  return {
    sale_id: sale.saleId,
    starts_at: isoOrNull(sale.startsAtMs),
    ends_at: isoOrNull(sale.endsAtMs),
    opened_during_run: isOpenedInRun,
    size: sale.size,
    sold: sale.sold,
    purchases: sale.purchases,
    holds: sale.holds,
    holds_abandoned: sale.holdsAbandoned,
    items_wanted: sale.itemsWanted,
    demand_supply_ratio: round3(sale.itemsWanted / Math.max(sale.size, 1)),
    first_purchase_ms: sinceOpening(sale.firstSaleAtMs),
    half_sold_ms: purchasesReachedMs(sale.purchaseAtUs, Math.ceil(sale.size / 2)),
    sold_out_ms: soldOutMs,
    first_second_latency_ms: sale.firstSecondUs.totalCount === 0 ? null : summarizeMs(sale.firstSecondUs),
    sellout_expected:
      sale.soldOutAtMs !== null ||
      (sale.sold !== null && sale.sold >= sale.size) ||
      sale.purchases >= sale.size,
    histograms: {
      purchase_at_us: encodeHistogram(sale.purchaseAtUs),
      first_second_us: encodeHistogram(sale.firstSecondUs),
    },
  };
}

export function salePeriodFromReport(sale: SalePeriodReport): SalePeriodParts {
  const startsAtMs = timeOrNull(sale.starts_at);
  const at = (sinceOpeningMs: number | null) =>
    sinceOpeningMs === null || startsAtMs === null ? null : startsAtMs + sinceOpeningMs;
  const purchaseAtUs = decodeHistogram(sale.histograms.purchase_at_us);
  return {
    saleId: sale.sale_id,
    startsAtMs,
    endsAtMs: timeOrNull(sale.ends_at),
    size: sale.size,
    sold: sale.sold,
    // Only GET /sale's sighting is kept apart; one derived from purchases is derived again.
    soldOutAtMs:
      sale.sold_out_ms !== null && purchasesReachedMs(purchaseAtUs, sale.size) === null
        ? at(sale.sold_out_ms)
        : null,
    purchases: sale.purchases,
    holds: sale.holds,
    holdsAbandoned: sale.holds_abandoned,
    itemsWanted: sale.items_wanted,
    firstSaleAtMs: at(sale.first_purchase_ms),
    lastSaleAtMs: null,
    purchaseAtUs,
    firstSecondUs: decodeHistogram(sale.histograms.first_second_us),
  };
}

/** Adds up the sales of processes that ran side by side, matched by sale id. */
export function mergeSalePeriods(lists: readonly (readonly SalePeriodParts[])[]): SalePeriodParts[] {
  const merged = new Map<number | null, SalePeriodParts>();
  for (const sale of lists.flat()) {
    const into = merged.get(sale.saleId);
    merged.set(sale.saleId, into === undefined ? copyOf(sale) : addSale(into, sale));
  }
  return [...merged.values()].sort((a, b) => (a.saleId ?? -1) - (b.saleId ?? -1));
}

function addSale(a: SalePeriodParts, b: SalePeriodParts): SalePeriodParts {
  a.purchaseAtUs.add(b.purchaseAtUs);
  a.firstSecondUs.add(b.firstSecondUs);
  return {
    ...a,
    startsAtMs: a.startsAtMs ?? b.startsAtMs,
    endsAtMs: a.endsAtMs ?? b.endsAtMs,
    sold: maxOf(a.sold, b.sold),
    soldOutAtMs: minOf(a.soldOutAtMs, b.soldOutAtMs),
    purchases: a.purchases + b.purchases,
    holds: a.holds + b.holds,
    holdsAbandoned: a.holdsAbandoned + b.holdsAbandoned,
    itemsWanted: a.itemsWanted + b.itemsWanted,
    firstSaleAtMs: minOf(a.firstSaleAtMs, b.firstSaleAtMs),
    lastSaleAtMs: maxOf(a.lastSaleAtMs, b.lastSaleAtMs),
  };
}

/** A copy whose histograms may be added to without touching the original's. */
function copyOf(sale: SalePeriodParts): SalePeriodParts {
  const purchaseAtUs = createHistogram();
  purchaseAtUs.add(sale.purchaseAtUs);
  const firstSecondUs = createHistogram();
  firstSecondUs.add(sale.firstSecondUs);
  return { ...sale, purchaseAtUs, firstSecondUs };
}

/** When the purchases recorded reached `count`, ms after the opening; null if they never did. */
function purchasesReachedMs(purchaseAtUs: Histogram, count: number): number | null {
  if (count <= 0 || purchaseAtUs.totalCount < count) return null;
  return round3(purchaseAtUs.getValueAtPercentile((100 * count) / purchaseAtUs.totalCount) / 1000);
}

function maxOf(a: number | null, b: number | null): number | null {
  return a === null ? b : b === null ? a : Math.max(a, b);
}

function minOf(a: number | null, b: number | null): number | null {
  return a === null ? b : b === null ? a : Math.min(a, b);
}

function isoOrNull(atMs: number | null): string | null {
  return atMs === null ? null : new Date(atMs).toISOString();
}

function timeOrNull(text: string | null): number | null {
  return text === null ? null : Date.parse(text);
}

function round3(value: number): number {
  return Math.round(value * 1000) / 1000;
}
