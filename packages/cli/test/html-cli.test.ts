// The HTML report from the command line: `simulate --html`, `report html` (with and without a
// verify report, to stdout or --out), their refusals, and `report merge` keeping what the page draws.
import { readFileSync, writeFileSync } from 'node:fs';
import { percentileCurve, type SimReport } from '@flashsale/sim';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTempDir, type TempDir } from '../../sim/test/support/files.js';
import { type ShopServer, startShopServer } from '../../sim/test/support/shop-server.js';
import type { ChartSpec } from '../src/html/chart-spec.js';
import { runCli } from './support/cli.js';
import { FAULT_KIND, runShopSale, type ShopRun } from './support/html-fixtures.js';

function embeddedSpecs(html: string): ChartSpec[] {
  const json = /<script type="application\/json" id="chart-specs">(.*?)<\/script>/s.exec(html)?.[1];
  if (json === undefined) throw new Error('the page embeds no chart specs');
  return JSON.parse(json) as ChartSpec[];
}

/** Every URL the page would load: script and link sources, image sources, CSS url(). */
function externalReferences(html: string): string[] {
  const attributes = [
    ...html.matchAll(/<(?:script|link|img|iframe)\b[^>]*\b(?:src|href)=["']?([^"'\s>]+)/gi),
  ];
  const cssUrls = [...html.matchAll(/url\(\s*["']?([^"')]+)/gi)];
  return [...attributes, ...cssUrls].map((match) => match[1] as string);
}

describe('flashsale simulate --html', () => {
  let shop: ShopServer;
  let dir: TempDir;
  beforeAll(async () => {
    shop = await startShopServer({ saleSize: 1000 });
    dir = createTempDir();
  });
  afterAll(async () => {
    await shop.close();
    dir.remove();
  });

  it('writes a self-contained page of the run after it, beside the report', async () => {
    const page = dir.path('run.html');
    const finished = await runCli([
      'simulate',
      '--target',
      shop.url,
      '--rps',
      '200',
      '--duration',
      '2s',
      '--seed',
      '5',
      '--report',
      dir.path('run.json'),
      '--html',
      page,
    ]);
    expect([finished.code, finished.stderr]).toEqual([0, '']);
    const html = readFileSync(page, 'utf8');
    const report = JSON.parse(readFileSync(dir.path('run.json'), 'utf8')) as SimReport;
    expect(html).toMatch(/^<!doctype html>/);
    expect(html).toContain('var uPlot=');
    expect(externalReferences(html)).toEqual([]);
    expect(html).toContain(`run ${report.run_id}`);
    expect(html).toContain('No verify report was given');
    const rate = embeddedSpecs(html).find((spec) => spec.id === 'chart-request-rate');
    const target = rate?.series.find((series) => series.label === 'target')?.values ?? [];
    expect(target.reduce((sum: number, value) => sum + (value ?? 0), 0)).toBe(report.scheduled);
  });

  it('refuses a folder it cannot write before sending anything, exit 2, naming --html', async () => {
    const before = shop.received.get('/checkout') ?? 0;
    const finished = await runCli([
      'simulate',
      '--target',
      shop.url,
      '--rps',
      '50',
      '--duration',
      '1s',
      '--html',
      dir.path('missing/run.html'),
    ]);
    expect(finished.code).toBe(2);
    expect(finished.stderr).toMatch(/^flashsale: --html: cannot write to .*missing \(/);
    expect(shop.received.get('/checkout') ?? 0).toBe(before);
  });
});

describe('flashsale report html', () => {
  let dir: TempDir;
  let halves: ShopRun[];

  beforeAll(async () => {
    dir = createTempDir();
    halves = await Promise.all(
      ['0/2', '1/2'].map((shard, index) => runShopSale(dir.path(`half-${index}.json`), { shard })),
    );
  }, 60_000);
  afterAll(async () => {
    await Promise.all(halves.map((half) => half.shop.close()));
    dir.remove();
  });

  it('writes the page to stdout, or to --out with the given title', async () => {
    const toStdout = await runCli(['report', 'html', dir.path('half-0.json')]);
    expect([toStdout.code, toStdout.stderr]).toEqual([0, '']);
    expect(toStdout.stdout).toMatch(/^<!doctype html>[\s\S]*<\/html>\n$/);
    const out = dir.path('titled.html');
    const toFile = await runCli([
      'report',
      'html',
      dir.path('half-0.json'),
      '--out',
      out,
      '--title',
      'Demo <sale>',
    ]);
    expect([toFile.code, toFile.stdout]).toEqual([0, '']);
    expect(readFileSync(out, 'utf8')).toContain('<h1>Demo &lt;sale&gt;</h1>');
  });

  it('exits 2 naming a --verify file that is not a verify report, and a report that is missing', async () => {
    const notVerify = await runCli([
      'report',
      'html',
      dir.path('half-0.json'),
      '--verify',
      dir.path('half-1.json'),
    ]);
    expect(notVerify.code).toBe(2);
    expect(notVerify.stderr).toBe(
      `flashsale: ${dir.path('half-1.json')} is not a verify report (write one with flashsale verify --json)\n`,
    );
    const missing = await runCli(['report', 'html', dir.path('nope.json')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/^flashsale: cannot read .*nope\.json/);
  });

  it('draws a merged report with both shards: timeline, faults and histograms survive report merge', async () => {
    const merged = dir.path('merged.json');
    const merging = await runCli([
      'report',
      'merge',
      dir.path('half-0.json'),
      dir.path('half-1.json'),
      '--output',
      merged,
    ]);
    expect(merging.code).toBe(0);
    const report = JSON.parse(readFileSync(merged, 'utf8')) as SimReport;
    expect(report.faults.map((fault) => fault.kind).sort()).toEqual([
      FAULT_KIND,
      FAULT_KIND,
      `${FAULT_KIND}:recovered`,
      `${FAULT_KIND}:recovered`,
    ]);
    const checkoutHistograms = Object.entries(report.histograms.response_time_us)
      .filter(([key]) => key.startsWith('checkout.'))
      .map(([, encoded]) => encoded);
    expect(percentileCurve(checkoutHistograms).count).toBe(
      halves.reduce((sum, half) => sum + half.report.by_endpoint.checkout.requests, 0),
    );

    const page = dir.path('merged.html');
    const rendering = await runCli(['report', 'html', merged, '--out', page]);
    expect(rendering.code).toBe(0);
    const specs = embeddedSpecs(readFileSync(page, 'utf8'));
    for (const spec of specs.filter((each) => each.xKind === 'seconds')) {
      // Each shard's fault and its recovery make one shaded span.
      const spans = spec.markers.filter((marker) => marker.label.startsWith(`${FAULT_KIND} `));
      expect(spans, spec.id).toHaveLength(2);
      for (const span of spans) expect(span.untilX, spec.id).toBeGreaterThan(span.x);
    }
    const answered = specs
      .find((spec) => spec.id === 'chart-request-rate')
      ?.series.find((s) => s.label === 'answered');
    expect(answered?.values.reduce((sum: number, value) => sum + (value ?? 0), 0)).toBe(report.requests);
    expect(report.requests).toBe(halves.reduce((sum, half) => sum + half.report.requests, 0));
  });
});

describe('flashsale report html with nothing to plot', () => {
  it('says so in place of each chart when the report has no timeline and no histograms', async () => {
    const dir = createTempDir();
    try {
      const shop = await startShopServer({ saleSize: 100 });
      try {
        const finished = await runCli([
          'simulate',
          '--target',
          shop.url,
          '--rps',
          '20',
          '--duration',
          '1s',
          '--report',
          dir.path('r.json'),
        ]);
        expect(finished.code).toBe(0);
      } finally {
        await shop.close();
      }
      const report = JSON.parse(readFileSync(dir.path('r.json'), 'utf8')) as SimReport;
      const emptied = { ...report, timeline: [], histograms: { ...report.histograms, response_time_us: {} } };
      writeFileSync(dir.path('empty.json'), JSON.stringify(emptied));
      const rendering = await runCli(['report', 'html', dir.path('empty.json')]);
      expect(rendering.code).toBe(0);
      expect(embeddedSpecs(rendering.stdout)).toEqual([]);
      expect(rendering.stdout).toContain('The run has no timeline.');
      expect(rendering.stdout).toContain('No checkout requests in this run.');
    } finally {
      dir.remove();
    }
  });
});
