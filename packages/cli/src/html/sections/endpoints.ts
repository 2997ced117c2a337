// Per endpoint and outcome: count, share, rate and response-time percentiles, the simulator's
// summary table in the page.
import type { EndpointReport, LatencySummaryMs, SimReport } from '@flashsale/sim';
import { styleOf } from '../charts/outcome-styles.js';
import { formatCount, formatMs, formatRate, formatShare } from '../figures.js';
import { escapeHtml } from '../html-text.js';
import { type Cell, type Column, renderTable } from './html-table.js';

const columns: readonly Column[] = [
  { title: 'endpoint' },
  { title: 'outcome' },
  { title: 'count', isNumeric: true },
  { title: 'share', isNumeric: true },
  { title: 'rate', isNumeric: true },
  { title: 'p50', isNumeric: true },
  { title: 'p90', isNumeric: true },
  { title: 'p99', isNumeric: true },
  { title: 'p99.9', isNumeric: true },
  { title: 'max', isNumeric: true },
];

export function renderEndpoints(sim: SimReport): string {
  const durationS = Math.max(sim.duration_ms, 1) / 1000;
  const rows = (['checkout', 'purchase'] as const).flatMap((endpoint) =>
    endpointRows(endpoint, sim.by_endpoint[endpoint], durationS),
  );
  return renderTable(columns, rows, 'endpoints');
}

function endpointRows(endpoint: string, report: EndpointReport, durationS: number): Cell[][] {
  const total: Cell[] = [
    { html: `<strong>${escapeHtml(endpoint)}</strong>` },
    { html: '<strong>all</strong>' },
    formatCount(report.requests),
    '100%',
    formatRate(report.requests / durationS),
    ...latencyCells(report.latency_ms),
  ];
  const outcomes = Object.entries(report.by_outcome).sort(([, a], [, b]) => b.count - a.count);
  return [
    total,
    ...outcomes.map(([code, outcome]): Cell[] => [
      '',
      { html: `<span class="swatch" style="background:${styleOf(code).fill}"></span>${escapeHtml(code)}` },
      formatCount(outcome.count),
      formatShare(outcome.count, report.requests),
      formatRate(outcome.rate_per_s),
      ...latencyCells(outcome.latency_ms),
    ]),
  ];
}

function latencyCells(latency: LatencySummaryMs): Cell[] {
  if (latency.count === 0) return ['–', '–', '–', '–', '–'];
  return [latency.p50, latency.p90, latency.p99, latency.p999, latency.max].map(formatMs);
}
