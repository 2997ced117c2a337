// user-limit: no buyer has more successful purchases than the limit. Purchases whose answer never
// came may add to a buyer's count: the bound they allow is shown, never failed on.
import { acknowledgedSales, type BlackBoxCheck, groupBy, plural, possibleSales } from './check.js';

export const userLimit: BlackBoxCheck = {
  id: 'user-limit',
  title: 'no buyer purchased more than the limit',
  requires: 'user-limit',
  check({ facts, userLimit }) {
    const limit = userLimit ?? Number.POSITIVE_INFINITY;
    const sales = acknowledgedSales(facts);
    const byBuyer = groupBy(sales, (sale) => sale.buyer);
    const uncertain = groupBy(possibleSales(facts, sales), (sale) => sale.buyer);
    const examples: string[] = [];
    let violations = 0;
    let most = 0;
    let mostPossible = 0;
    for (const [buyer, bought] of byBuyer) {
      most = Math.max(most, bought.length);
      mostPossible = Math.max(mostPossible, bought.length + (uncertain.get(buyer)?.length ?? 0));
      if (bought.length <= limit) continue;
      violations += 1;
      if (examples.length < 5) {
        const items = bought.slice(0, 5).map((sale) => sale.itemId ?? '?');
        examples.push(
          `${buyer} bought ${bought.length} items (limit ${limit}): ${items.join(', ')}${bought.length > 5 ? ', ...' : ''}`,
        );
      }
    }
    const slack = mostPossible > most ? `, at most ${mostPossible} counting indeterminate purchases` : '';
    return {
      counted: `${plural(byBuyer.size, 'buyer')}, most ${most} each (limit ${limit}${slack}); ${violations} over`,
      violations,
      examples,
    };
  },
};
