// The run report as one self-contained HTML page: uPlot and the page's script and styles are
// inlined, the charts' data is embedded as JSON, and nothing is fetched when the page is viewed.
// `flashsale run`, `simulate --html` and `report html` all write it through renderHtmlReport.
import type { SimReport } from '@flashsale/sim';
import type { AnyVerifyJson } from '../output/json.js';
import type { ChartSpec } from './chart-spec.js';
import { itemsSoldChart } from './charts/items-sold.js';
import { latencyDistributionChart } from './charts/latency-distribution.js';
import { latencyOverTimeChart } from './charts/latency-over-time.js';
import { outcomesOverTimeChart } from './charts/outcomes-over-time.js';
import { requestRateChart } from './charts/request-rate.js';
import { bucketTimeline } from './charts/time-buckets.js';
import { escapeHtml, scriptJson } from './html-text.js';
import { drawChartsSource } from './page/draw-charts.js';
import { pageStyle } from './page-style.js';
import { type FigureText, renderChartFigure } from './sections/chart-figure.js';
import { renderConfiguration } from './sections/configuration.js';
import { renderEndpoints } from './sections/endpoints.js';
import { renderHeadline } from './sections/headline.js';
import { renderNotes } from './sections/notes.js';
import { renderSale } from './sections/sale.js';
import { renderSales } from './sections/sales.js';
import { renderVerdict } from './sections/verdict.js';
import { uPlotAssets } from './uplot-assets.js';

export type HtmlReportInput = Readonly<{
  /** The simulator's run report (`--report`, or a `report merge` of several). */
  sim: SimReport;
  /** The verifier's report as `flashsale verify --json` writes it; without it the page says so. */
  verify?: AnyVerifyJson;
  /** The page's heading and title; `flashsale run report` when not given. */
  title?: string;
}>;

const defaultTitle = 'flashsale run report';

type PlacedChart = Readonly<{ spec: ChartSpec | null; text: FigureText }>;

export function renderHtmlReport(input: HtmlReportInput): string {
  const { sim, verify } = input;
  const title = input.title ?? defaultTitle;
  const time = bucketTimeline(sim.timeline);
  const bucketNote = time.secondsPerBucket === 1 ? '' : ` Each point covers ${time.secondsPerBucket} s.`;
  const hasOpenings = (sim.sales ?? []).some((sale) => sale.opened_during_run);
  const timeNote = `${bucketNote}${sim.faults.length > 0 ? ' Red: faults, shaded until the service answered again.' : ''}${hasOpenings ? ' Blue: a sale opens.' : ''}`;
  const overTime: PlacedChart[] = [
    {
      spec: requestRateChart(sim, time),
      text: {
        title: 'Request rate',
        caption: `Per second: the open-loop target, requests sent and answers received.${timeNote}`,
        whenEmpty: 'The run has no timeline.',
      },
    },
    {
      spec: latencyOverTimeChart(sim, time),
      text: {
        title: 'Response time over time',
        caption: `p50, p99 and max of each second, from the intended send time (coordinated omission corrected).${bucketNote}`,
        whenEmpty: 'The run has no timeline.',
      },
    },
    {
      spec: outcomesOverTimeChart(sim, time),
      text: {
        title: 'Outcomes per second',
        caption: `Answers of both endpoints stacked by outcome code; hover for each code’s own rate.${bucketNote}`,
        whenEmpty: 'The run has no timeline.',
      },
    },
    {
      spec: itemsSoldChart(sim, time),
      text: {
        title: 'Items sold',
        caption: `Running totals up to the sell-out: items sold per GET /sale and purchases acknowledged.${bucketNote}`,
        whenEmpty: 'The run has no timeline.',
      },
    },
  ];
  const distributions: PlacedChart[] = (['checkout', 'purchase'] as const).map((endpoint) => ({
    spec: latencyDistributionChart(sim, endpoint),
    text: {
      title: `Latency distribution: ${endpoint}`,
      caption: 'HdrHistogram percentile curve of the whole run, all answers and the most frequent outcomes.',
      whenEmpty: `No ${endpoint} requests in this run.`,
    },
  }));
  const placed = [...overTime, ...distributions];
  const specs = placed.flatMap((chart) =>
    chart.spec === null || chart.spec.xs.length === 0 ? [] : [chart.spec],
  );
  const figures = (charts: readonly PlacedChart[]) =>
    charts.map((chart) => renderChartFigure(chart.spec, chart.text)).join('\n');
  const uPlot = uPlotAssets();
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(`${title} · ${sim.run_id}`)}</title>
<style>${uPlot.style}</style>
<style>${pageStyle}</style>
</head>
<body>
<main>
${renderHeadline(sim, verify, title)}
${renderNotes(sim, verify)}
<h2>Over time</h2>
<noscript><p class="empty">The charts need JavaScript; the tables below do not.</p></noscript>
<section class="charts">
${figures(overTime)}
</section>
<h2>Latency distribution</h2>
<section class="charts">
${figures(distributions)}
</section>
<h2>Invariants</h2>
${renderVerdict(verify)}
<h2>Per endpoint and outcome</h2>
${renderEndpoints(sim)}
${renderSales(sim)}
<div class="two-columns">
<section><h2>Sale</h2>
${renderSale(sim)}
</section>
<section><h2>Configuration</h2>
${renderConfiguration(sim, verify)}
</section>
</div>
<footer>Rendered by flashsale from a ${escapeHtml(sim.format)} report (run ${escapeHtml(sim.run_id)}). Drag across a chart to zoom in, double-click to zoom out.</footer>
</main>
<script>${uPlot.script}</script>
<script type="application/json" id="chart-specs">${scriptJson(specs)}</script>
<script>(${drawChartsSource})(window, uPlot, JSON.parse(document.getElementById('chart-specs').textContent));</script>
</body>
</html>
`;
}
