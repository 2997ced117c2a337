// Each sale the run met, as the simulator saw it: supply, what it bought, how fast from the opening,
// and the latency of the first second of a sale that opened during the run (the herd at the top
// of the hour).
import type { SimReport } from '@flashsale/sim';
import { formatCount, formatDurationMs } from '../figures.js';
import { type Cell, renderTable } from './html-table.js';

export function renderSales(sim: SimReport): string {
  const sales = (sim.sales ?? []).filter((sale) => sale.sale_id !== null);
  if (sales.length === 0) return '';
  const since = (ms: number | null) => (ms === null ? '–' : `+${formatDurationMs(ms)}`);
  const rows = sales.map((sale): Cell[] => [
    String(sale.sale_id),
    sale.starts_at === null ? '–' : `${sale.starts_at}${sale.opened_during_run ? ' (during the run)' : ''}`,
    formatCount(sale.size),
    sale.sold === null ? '–' : formatCount(sale.sold),
    formatCount(sale.purchases),
    `${sale.demand_supply_ratio}×`,
    since(sale.first_purchase_ms),
    since(sale.half_sold_ms),
    since(sale.sold_out_ms),
    sale.first_second_latency_ms === null
      ? '–'
      : `${sale.first_second_latency_ms.p50} / ${sale.first_second_latency_ms.p99} ms`,
  ]);
  return `<h2>Sales</h2>
<p class="muted">Each sale the load met; times from its opening. The first second's latency is measured for a sale that opened while the load ran.</p>
${renderTable(
  [
    { title: 'sale' },
    { title: 'opened' },
    { title: 'size', isNumeric: true },
    { title: 'sold (GET /sale)', isNumeric: true },
    { title: 'purchases', isNumeric: true },
    { title: 'demand/supply', isNumeric: true },
    { title: 'first purchase', isNumeric: true },
    { title: '50% bought', isNumeric: true },
    { title: 'sold out', isNumeric: true },
    { title: 'first second p50 / p99', isNumeric: true },
  ],
  rows,
  'sales',
)}`;
}
