// The sale as the simulator saw it: supply, demand, holds and when it sold.
import type { SimReport } from '@flashsale/sim';
import { formatCount, formatDurationMs } from '../figures.js';
import { renderFacts } from './html-table.js';

export function renderSale(sim: SimReport): string {
  const sale = sim.sale;
  const since = (ms: number | null) => (ms === null ? '–' : `+${formatDurationMs(ms)}`);
  const itemsPerBuyer = Object.entries(sale.items_per_buyer)
    .map(([items, buyers]) => `${items}: ${formatCount(buyers)}`)
    .join(', ');
  return renderFacts([
    ['sale', sale.sale_id === null ? '–' : String(sale.sale_id)],
    [
      'size',
      `${formatCount(sale.size)} items (from ${sale.size_source === 'service' ? 'GET /sale' : '--sale-size'})`,
    ],
    ['sold (GET /sale)', sale.sold === null ? 'not watched' : formatCount(sale.sold)],
    ['purchases acknowledged', formatCount(sale.purchases)],
    ['holds / abandoned', `${formatCount(sale.holds)} / ${formatCount(sale.holds_abandoned)}`],
    ['items wanted', `${formatCount(sale.items_wanted)} (${sale.demand_supply_ratio}× supply)`],
    ['first / last sale', `${since(sale.first_sale_ms)} / ${since(sale.last_sale_ms)}`],
    ['sold out', since(sale.sold_out_ms)],
    ['buyers by items bought', itemsPerBuyer === '' ? '–' : itemsPerBuyer],
  ]);
}
