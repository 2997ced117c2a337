// single-sale: no item was successfully purchased by two different buyers, or twice under
// different codes (or under two purchase ids of one code).
import { acknowledgedSales, type BlackBoxCheck, groupBy, plural } from './check.js';

export const singleSale: BlackBoxCheck = {
  id: 'single-sale',
  title: 'no item purchased twice',
  check({ facts }) {
    const sales = acknowledgedSales(facts);
    const byItem = groupBy(sales, (sale) => sale.itemId);
    const examples: string[] = [];
    let violations = 0;
    for (const [itemId, itemSales] of byItem) {
      if (itemSales.length < 2) continue;
      violations += 1;
      if (examples.length < 5) {
        const shown = itemSales
          .slice(0, 3)
          .map((sale) => `${sale.buyer ?? 'an unknown buyer'} with code ${sale.code} (${sale.requestId})`);
        examples.push(
          `item ${itemId} sold ${itemSales.length} times: ${shown.join('; ')}${itemSales.length > 3 ? '; ...' : ''}`,
        );
      }
    }
    return {
      counted: `${plural(sales.length, 'purchase')} of ${plural(byItem.size, 'item')}; ${violations} sold more than once`,
      violations,
      examples,
    };
  },
};
