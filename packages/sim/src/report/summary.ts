// The final summary as cli-table3 tables: latency per endpoint and outcome, the run's counts, the
// generator's health (flagging a saturated generator), the sale, and the threshold verdicts.
import { createRequire } from 'node:module';
import type Table from 'cli-table3';
import type { ThresholdResult } from './thresholds.js';
import type { LatencySummaryMs, SimReport } from './types.js';

type TableConstructor = typeof Table;

let tableConstructor: TableConstructor | null = null;
function createTable(head: string[]): Table.Table {
  tableConstructor ??= createRequire(import.meta.url)('cli-table3') as TableConstructor;
  return new tableConstructor({ head, style: { head: [], border: [] } });
}

export function formatSummary(report: SimReport, thresholdResults: readonly ThresholdResult[] = []): string {
  const sections = [
    'Response time from the intended send time (coordinated-omission corrected), ms',
    latencyTable(report),
    'Service time from the actual send, ms',
    serviceTable(report),
    runTable(report).toString(),
    generatorTable(report),
    saleTable(report).toString(),
  ];
  if ((report.sales ?? []).some((sale) => sale.sale_id !== null))
    sections.push(
      'Sales: times from each opening (UTC); * opened during the run, its first second measured (1st s p99)',
    );
  if (thresholdResults.length > 0) sections.push(thresholdTable(thresholdResults).toString());
  return `${sections.join('\n')}\n`;
}

function latencyTable(report: SimReport): string {
  const table = createTable(['endpoint', 'outcome', 'count', 'rate/s', 'p50', 'p90', 'p99', 'p99.9', 'max']);
  for (const endpoint of ['checkout', 'purchase'] as const) {
    const figures = report.by_endpoint[endpoint];
    for (const [outcome, stats] of Object.entries(figures.by_outcome)) {
      table.push([endpoint, outcome, stats.count, stats.rate_per_s, ...percentiles(stats.latency_ms)]);
    }
    const rate = Math.round((figures.requests / Math.max(report.duration_ms, 1)) * 1000 * 1000) / 1000;
    table.push([endpoint, 'all', figures.requests, rate, ...percentiles(figures.latency_ms)]);
  }
  table.push(['all', 'all', report.requests, report.achieved_rps, ...percentiles(report.latency_ms)]);
  return table.toString();
}

function serviceTable(report: SimReport): string {
  const table = createTable(['endpoint', 'count', 'p50', 'p90', 'p99', 'p99.9', 'max']);
  for (const endpoint of ['checkout', 'purchase'] as const) {
    const figures = report.by_endpoint[endpoint].service_time_ms;
    table.push([endpoint, figures.count, ...percentiles(figures)]);
  }
  table.push(['all', report.service_time_ms.count, ...percentiles(report.service_time_ms)]);
  return table.toString();
}

function runTable(report: SimReport): Table.Table {
  const table = createTable([
    'target rps',
    'achieved rps',
    'requests',
    'late',
    'dropped',
    'errors',
    'max in flight',
  ]);
  table.push([
    report.target_rps,
    report.achieved_rps,
    report.requests,
    report.late,
    report.dropped,
    report.errors,
    report.max_in_flight,
  ]);
  return table;
}

function generatorTable(report: SimReport): string {
  const generator = report.generator;
  const table = createTable([
    'generator',
    'schedule lag p99',
    'send lag p99',
    'event loop p99',
    'event loop max',
  ]);
  table.push([
    generator.is_saturated ? 'SATURATED' : 'ok',
    generator.schedule_lag_ms.p99,
    generator.send_lag_ms.p99,
    generator.event_loop_lag_ms.p99,
    generator.event_loop_lag_ms.max,
  ]);
  const warnings = generator.warnings.map((warning) => `warning: ${warning}`);
  return [table.toString(), ...warnings].join('\n');
}

/** One row per sale the run met (times from each sale's opening), then the run's totals. */
function saleTable(report: SimReport): Table.Table {
  const sales = (report.sales ?? []).filter((sale) => sale.sale_id !== null);
  if (sales.length === 0) return runSaleTable(report);
  const table = createTable([
    'sale',
    'opened',
    'size',
    'sold',
    'purchases',
    'holds',
    'abandoned',
    'first sale',
    '50% sold',
    'sold out',
    '1st s p99',
    'demand/supply',
  ]);
  for (const sale of sales) {
    table.push([
      sale.sale_id ?? '-',
      sale.starts_at === null ? '-' : `${sale.starts_at.slice(11, 19)}${sale.opened_during_run ? ' *' : ''}`,
      sale.size,
      sale.sold ?? '-',
      sale.purchases,
      sale.holds,
      sale.holds_abandoned,
      msText(sale.first_purchase_ms),
      msText(sale.half_sold_ms),
      msText(sale.sold_out_ms),
      sale.first_second_latency_ms === null ? '-' : `${sale.first_second_latency_ms.p99}ms`,
      sale.demand_supply_ratio,
    ]);
  }
  const all = report.sale;
  table.push(['all', '', '', '', all.purchases, all.holds, all.holds_abandoned, '', '', '', '', '']);
  return table;
}

function msText(valueMs: number | null): string {
  return valueMs === null ? '-' : `${valueMs}ms`;
}

function runSaleTable(report: SimReport): Table.Table {
  const sale = report.sale;
  const table = createTable([
    'sale',
    'size',
    'sold',
    'purchases',
    'holds',
    'abandoned',
    'first sale',
    'last sale',
    'demand/supply',
  ]);
  table.push([
    sale.sale_id ?? '-',
    sale.size,
    sale.sold ?? '-',
    sale.purchases,
    sale.holds,
    sale.holds_abandoned,
    sale.first_sale_ms === null ? '-' : `${sale.first_sale_ms}ms`,
    sale.last_sale_ms === null ? '-' : `${sale.last_sale_ms}ms`,
    sale.demand_supply_ratio,
  ]);
  return table;
}

function thresholdTable(results: readonly ThresholdResult[]): Table.Table {
  const table = createTable(['threshold', 'result', 'actual']);
  for (const result of results)
    table.push([result.source, result.isPassed ? 'pass' : 'MISSED', result.actualText]);
  return table;
}

function percentiles(summary: LatencySummaryMs): number[] {
  return [summary.p50, summary.p90, summary.p99, summary.p999, summary.max];
}
