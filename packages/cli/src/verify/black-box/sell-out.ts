// sell-out (with --expect-sellout): the sale sold every item, and the service said sold_out for an
// item only after a purchase of it was sent. Purchases whose answer never came count as possibly
// sold: the slack they leave is shown, and only a shortfall beyond it fails.
import { acknowledgedSales, type BlackBoxCheck, plural, possibleSales } from './check.js';
import type { LedgerFacts } from './facts.js';

export const sellOut: BlackBoxCheck = {
  id: 'sell-out',
  title: 'every item sold, and sold_out said only of sold items',
  requires: 'expect-sellout',
  check({ facts, saleSize, firstItemId, graceMs }) {
    const size = saleSize ?? 0;
    const sales = acknowledgedSales(facts);
    const uncertain = possibleSales(facts, sales);
    const sold = new Set(sales.flatMap((sale) => (sale.itemId === null ? [] : [sale.itemId])));
    const maybe = new Set(
      uncertain.flatMap((sale) => (sale.itemId === null || sold.has(sale.itemId) ? [] : [sale.itemId])),
    );
    const short = Math.max(0, size - sold.size - maybe.size);
    const examples: string[] = [];
    if (short > 0) {
      const unsold: number[] = [];
      for (let id = firstItemId; id < firstItemId + size && unsold.length < 5; id++) {
        if (!sold.has(id) && !maybe.has(id)) unsold.push(id);
      }
      examples.push(`never sold: item ${unsold.join(', ')}${short > unsold.length ? ', ...' : ''}`);
    }
    const premature = prematureSoldOuts(facts, graceMs);
    for (const answer of premature.slice(0, 5 - examples.length)) {
      examples.push(
        `item ${answer.itemId} answered sold_out at ${new Date(answer.doneMs).toISOString()} before any purchase of it was sent (${answer.requestId})`,
      );
    }
    const slack = uncertain.length > 0 ? ` (+${uncertain.length} indeterminate)` : '';
    return {
      counted: `${plural(sales.length, 'purchase')}${slack} of ${size} items${short > 0 ? `; ${short} short` : ''}; ${plural(premature.length, 'sold_out answer')} before any purchase`,
      violations: short + premature.length,
      examples,
    };
  },
};

/** sold_out answers for an item no purchase (acknowledged or not) had been sent for by then. */
function prematureSoldOuts(facts: LedgerFacts, graceMs: number) {
  const firstSentMs = new Map<number, number>();
  for (const purchase of [...facts.purchases, ...facts.uncertainPurchases]) {
    if (purchase.itemId === null) continue;
    const sentMs = purchase.sentMs ?? Number.POSITIVE_INFINITY;
    firstSentMs.set(
      purchase.itemId,
      Math.min(firstSentMs.get(purchase.itemId) ?? Number.POSITIVE_INFINITY, sentMs),
    );
  }
  return [...facts.firstSoldOut.values()].filter((answer) => {
    const sentMs = firstSentMs.get(answer.itemId);
    return sentMs === undefined || sentMs > answer.doneMs + graceMs;
  });
}
