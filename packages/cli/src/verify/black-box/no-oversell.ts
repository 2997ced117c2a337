// no-oversell: successful purchases <= sale size. Purchases whose answer never came may have
// sold too: shown as the upper bound, never failed on.
import { acknowledgedSales, type BlackBoxCheck, plural, possibleSales } from './check.js';

export const noOversell: BlackBoxCheck = {
  id: 'no-oversell',
  title: 'purchases <= sale size',
  requires: 'sale-size',
  check({ facts, saleSize }) {
    const size = saleSize ?? Number.POSITIVE_INFINITY;
    const sales = acknowledgedSales(facts);
    const possible = possibleSales(facts, sales).length;
    const over = Math.max(0, sales.length - size);
    const examples =
      over > 0
        ? sales
            .slice(size, size + 5)
            .map(
              (sale) =>
                `purchase beyond the sale: item ${sale.itemId ?? '?'} with code ${sale.code} (${sale.requestId})`,
            )
        : [];
    return {
      counted: `${plural(sales.length, 'purchase')} acknowledged${possible > 0 ? ` (+${possible} indeterminate)` : ''} of ${size} items${over > 0 ? `; ${over} too many` : ''}`,
      violations: over,
      examples,
    };
  },
};
