// The HTML report of a load that crossed sale rollovers (the sim tests' shop opens a new sale every
// 1.5 s): every time axis marks where each sale opened during the run, the page has a table of the
// sales, and a verification of several sales is one table with a sale column.

import { parseSimOptions, type SimReport, simulate } from '@flashsale/sim';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTempDir, type TempDir } from '../../sim/test/support/files.js';
import { type ShopServer, startShopServer } from '../../sim/test/support/shop-server.js';
import type { ChartSpec } from '../src/html/chart-spec.js';
import { renderHtmlReport } from '../src/html/render-report.js';
import { toJsonAll } from '../src/output/json.js';
import type { VerifyReport } from '../src/verify/report.js';
import { invariantIds } from '../src/verify/report.js';
import type { InvariantStatus } from '../src/verify/result.js';

function embeddedSpecs(html: string): ChartSpec[] {
  const json = /<script type="application\/json" id="chart-specs">(.*?)<\/script>/s.exec(html)?.[1];
  if (json === undefined) throw new Error('the page embeds no chart specs');
  return JSON.parse(json) as ChartSpec[];
}

function passingReport(saleId: number, status: (id: string) => InvariantStatus): VerifyReport {
  return {
    saleId,
    blackBox: null,
    verdict: invariantIds.some((id) => status(id) === 'FAIL') ? 'fail' : 'pass',
    sale: {
      saleId,
      startsAtMs: saleId * 1500,
      endsAtMs: (saleId + 1) * 1500,
      size: 40,
      userLimit: 10,
      holdTtlMs: 500,
    },
    checkedAtMs: 0,
    graceMs: 5000,
    redisKeyPrefix: '',
    isRunInterrupted: false,
    ledger: null,
    invariants: invariantIds.map((id) => ({
      id,
      title: id,
      status: status(id),
      counted: `counted for sale ${saleId}`,
      violations: status(id) === 'FAIL' ? 1 : 0,
      examples: [],
      elapsedMs: 1,
    })),
    elapsedMs: 10,
  };
}

describe('the HTML report of a load across sale rollovers', () => {
  let server: ShopServer;
  let dir: TempDir;
  let report: SimReport;

  beforeAll(async () => {
    server = await startShopServer({ saleSize: 40, holdTtlMs: 500, salePeriodMs: 1500 });
    dir = createTempDir();
    report = await simulate(
      parseSimOptions({ target: server.url, rps: 200, duration: '4s', users: 2000, seed: 3, warmUp: '0' }),
    ).done;
  }, 30_000);
  afterAll(async () => {
    await server.close();
    dir.remove();
  });

  it('marks on every time axis where each sale opened during the run', () => {
    const opened = (report.sales ?? []).filter((sale) => sale.opened_during_run);
    expect(opened.length).toBeGreaterThanOrEqual(2);
    const startedAtMs = Date.parse(report.started_at);
    const specs = embeddedSpecs(renderHtmlReport({ sim: report }));
    const timeAxes = [
      'chart-request-rate',
      'chart-latency-over-time',
      'chart-outcomes-over-time',
      'chart-items-sold',
    ];
    const overTime = specs.filter((spec) => timeAxes.includes(spec.id));
    expect(overTime.map((spec) => spec.id).sort()).toEqual([...timeAxes].sort());
    for (const spec of overTime) {
      for (const sale of opened) {
        expect(spec.markers).toContainEqual(
          expect.objectContaining({
            label: `sale ${sale.sale_id} opens`,
            x: (Date.parse(sale.starts_at as string) - startedAtMs) / 1000,
          }),
        );
      }
    }
  });

  it('has a table of the sales with their first second', () => {
    const html = renderHtmlReport({ sim: report });
    expect(html).toContain('<h2>Sales</h2>');
    for (const sale of report.sales ?? []) expect(html).toContain(`<td>${sale.sale_id}</td>`);
  });

  it('shows a verification of several sales as one table with a sale column', () => {
    const verify = toJsonAll([
      passingReport(11, () => 'PASS'),
      passingReport(12, (id) => (id === 'no-oversell' ? 'FAIL' : 'PASS')),
    ]);
    expect(verify.verdict).toBe('fail');
    expect(verify.invariants).toHaveLength(2 * invariantIds.length);
    const html = renderHtmlReport({ sim: report, verify });
    expect(html).toContain('<th>sale</th><th>invariant</th>');
    expect(html).toContain('failed: 12 no-oversell');
  });
});
