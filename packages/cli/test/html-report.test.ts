// The HTML run report in a real browser (Debian's Chromium through playwright-core): a page made
// by `flashsale report html` from a real run and a real verify report draws every chart with its
// legend and axis labels, marks the fault and the sell-out on the time axes, and fetches nothing.
import { mkdirSync, readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTempDir, type TempDir } from '../../sim/test/support/files.js';
import type { ChartSpec } from '../src/html/chart-spec.js';
import { runCli } from './support/cli.js';
import {
  type Browser,
  browserSkipReason,
  launchBrowser,
  type OpenedPage,
  probeCharts,
} from './support/html-browser.js';
import { FAULT_KIND, runShopSale, type ShopRun, writeFailingVerifyReport } from './support/html-fixtures.js';

const artifactsDir = new URL('../../../.out/test-artifacts/', import.meta.url).pathname;
const skipReason = browserSkipReason();
if (skipReason !== null) console.warn(`html-report.test.ts: browser tests skipped: ${skipReason}`);

/** The chart specs the page embeds: what each chart was asked to draw. */
function embeddedSpecs(html: string): ChartSpec[] {
  const json = /<script type="application\/json" id="chart-specs">(.*?)<\/script>/s.exec(html)?.[1];
  if (json === undefined) throw new Error('the page embeds no chart specs');
  return JSON.parse(json) as ChartSpec[];
}

describe('whether the browser tests run', () => {
  const missing = '/nonexistent/chromium';
  it.each([
    ['a local run without Chromium skips them', {}, missing, true],
    ['CI without Chromium runs them, to fail', { CI: 'true' }, missing, false],
    ['a local run with Chromium runs them', {}, process.execPath, false],
    ['CI with Chromium runs them', { CI: 'true' }, process.execPath, false],
  ])('%s', (_name, env, chromiumPath, isSkipped) => {
    expect(browserSkipReason(env, chromiumPath) !== null).toBe(isSkipped);
  });
});

describe.skipIf(skipReason !== null)('the HTML run report in Chromium', () => {
  let dir: TempDir;
  let run: ShopRun;
  let browser: Browser;
  let pagePath: string;
  let opened: OpenedPage;

  beforeAll(async () => {
    browser = await launchBrowser(); // first: under CI a missing Chromium fails at once
    dir = createTempDir();
    run = await runShopSale(dir.path('run.json'));
    await writeFailingVerifyReport(dir.path('verify.json'));
    pagePath = dir.path('report.html');
    const rendered = await runCli([
      'report',
      'html',
      run.reportPath,
      '--verify',
      dir.path('verify.json'),
      '--out',
      pagePath,
    ]);
    expect([rendered.code, rendered.stderr]).toEqual([0, '']);
    opened = await browser.open(pathToFileURL(pagePath).href);
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await run?.shop.close();
    dir?.remove();
  });

  it('draws every chart: a canvas with lines on it and a legend naming each series', async () => {
    const specs = embeddedSpecs(readFileSync(pagePath, 'utf8'));
    expect(specs.map((spec) => spec.id)).toEqual([
      'chart-request-rate',
      'chart-latency-over-time',
      'chart-outcomes-over-time',
      'chart-items-sold',
      'chart-latency-distribution-checkout',
      'chart-latency-distribution-purchase',
    ]);
    const charts = await probeCharts(opened.page);
    expect(charts.map((chart) => chart.id)).toEqual(specs.map((spec) => spec.id));
    for (const [index, chart] of charts.entries()) {
      const spec = specs[index] as ChartSpec;
      expect(chart.canvasWidthPx, chart.id).toBeGreaterThan(300);
      expect(chart.canvasHeightPx, chart.id).toBeGreaterThan(150);
      // Axes, grid and lines: far more than an empty frame.
      expect(chart.inkedPixels, chart.id).toBeGreaterThan(5000);
      expect(chart.legendLabels, chart.id).toEqual([
        spec.xLabel,
        ...spec.series.map((series) => series.label),
      ]);
    }
    const legends = Object.fromEntries(charts.map((chart) => [chart.id, chart.legendLabels]));
    expect(legends['chart-request-rate']).toEqual(expect.arrayContaining(['sent', 'answered', 'target']));
    expect(legends['chart-latency-over-time']).toEqual(expect.arrayContaining(['p50', 'p99', 'max']));
    expect(legends['chart-outcomes-over-time']).toEqual(expect.arrayContaining(['success', 'item_held']));
    expect(legends['chart-items-sold']).toEqual(expect.arrayContaining(['sold (GET /sale)', 'sale size']));
    expect(legends['chart-latency-distribution-checkout']).toContain('all checkout');
    expect(legends['chart-latency-distribution-purchase']).toContain('all purchase');
  });

  it('labels the axes, ticks the percentiles in nines, and marks the fault and the sell-out on the time axes', async () => {
    const specs = embeddedSpecs(readFileSync(pagePath, 'utf8'));
    const drawn = await opened.drawnTexts();
    for (const spec of specs) {
      expect(drawn[spec.id], spec.id).toEqual(expect.arrayContaining([spec.xLabel, spec.yLabel]));
      if (spec.xKind === 'seconds') {
        // The fault until its recovery: labelled with the kind and how long it lasted.
        expect(
          drawn[spec.id]?.filter((text) => text.startsWith(`${FAULT_KIND} `)),
          spec.id,
        ).toHaveLength(1);
        expect(drawn[spec.id], spec.id).toContain('1s');
      } else {
        expect(drawn[spec.id], spec.id).toEqual(expect.arrayContaining(['0%', '90%', '99%']));
      }
    }
    expect(run.report.sale.sold_out_ms).not.toBeNull();
    expect(drawn['chart-items-sold']).toContain('sold out');
    expect(drawn['chart-outcomes-over-time']).toContain('sold out');
  });

  it('shows the verdict with the broken invariant and its examples, and the run’s figures', async () => {
    const verdictRow = opened.page.locator('table.verdict tr', { hasText: 'redis-agrees' });
    await expect(verdictRow.locator('.status').textContent()).resolves.toBe('FAIL');
    await expect(verdictRow.locator('ul.examples li').count()).resolves.toBeGreaterThan(0);
    await expect(verdictRow.textContent()).resolves.toContain('mallory');
    const requests = opened.page
      .locator('.card')
      .filter({ has: opened.page.locator('.card-name', { hasText: /^requests$/ }) })
      .locator('.card-value');
    await expect(requests.textContent()).resolves.toContain(run.report.requests.toLocaleString('en-US'));
    await expect(opened.page.locator('.note.fault').textContent()).resolves.toContain(FAULT_KIND);
  });

  it('made no request but for the page itself and raised no error; a screenshot is kept', async () => {
    expect(opened.requests).toEqual([pathToFileURL(pagePath).href]);
    expect(opened.pageErrors).toEqual([]);
    mkdirSync(artifactsDir, { recursive: true });
    await opened.page.screenshot({ path: `${artifactsDir}html-report.png`, fullPage: true });
  });

  it('fits its charts to a narrow window, as on paper', async () => {
    await opened.page.setViewportSize({ width: 700, height: 900 });
    await opened.page.waitForFunction(
      'document.querySelector("figure[data-chart] canvas").getBoundingClientRect().width < 700',
    );
    for (const chart of await probeCharts(opened.page)) {
      expect(chart.canvasWidthPx, chart.id).toBeLessThanOrEqual(700);
      expect(chart.canvasWidthPx, chart.id).toBeGreaterThan(400);
    }
  });
});
