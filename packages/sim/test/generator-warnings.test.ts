// What the report says about the generator itself, decided from the figures it is given: a lag
// injected into those figures (or into a real run's event loop) raises its warning, and nothing
// else does. Whether a busy machine adds lag of its own is not this test's business.
import { describe, expect, it } from 'vitest';
import { parseSimOptions, simulate } from '../src/index.js';
import { createHistogram, recordUs } from '../src/record/histograms.js';
import { assembleReport, reportConfigOf } from '../src/report/json.js';
import type { ReportParts } from '../src/report/parts.js';
import { startTrivialServer } from './support/trivial-server.js';

type Figures = { scheduleLagMs: number; loopLagP99Ms: number; dropped: number; late: number };

const calm: Figures = { scheduleLagMs: 1, loopLagP99Ms: 2, dropped: 0, late: 0 };

/** The parts of a 1,000-request run whose every request lagged `scheduleLagMs` behind its slot. */
function partsWith(figures: Figures): ReportParts {
  const scheduleLagUs = createHistogram();
  const sendLagUs = createHistogram();
  for (let i = 0; i < 1000; i++) {
    recordUs(scheduleLagUs, figures.scheduleLagMs * 1000);
    recordUs(sendLagUs, figures.scheduleLagMs * 1000);
  }
  return {
    runId: 'warnings',
    shard: null,
    mergedFrom: 1,
    config: reportConfigOf(parseSimOptions({ target: 'http://127.0.0.1:1', rps: 500, duration: '2s' })),
    startedAtMs: 1_000_000,
    endedAtMs: 1_002_000,
    durationMs: 2000,
    scheduled: 1000 + figures.dropped,
    late: figures.late,
    dropped: figures.dropped,
    maxInFlight: 3,
    outcomes: new Map(),
    scheduleLagUs,
    sendLagUs,
    eventLoopLagMs: { p50: 1, p99: figures.loopLagP99Ms, max: figures.loopLagP99Ms },
    timeline: [],
    sale: {
      saleId: null,
      size: 100,
      sizeSource: 'option',
      sold: null,
      purchases: 0,
      holds: 0,
      holdsAbandoned: 0,
      itemsWanted: 0,
      firstSaleAtMs: null,
      lastSaleAtMs: null,
      soldOutAtMs: null,
      itemsPerBuyer: new Map(),
    },
    sales: [],
    faults: [],
    monitorRequests: 0,
    interrupted: false,
  };
}

const behind =
  /^the generator fell behind its own schedule \(schedule lag p99 20\.\d+ms > 10ms\): it is CPU-bound/;

describe('the generator warnings of a report', () => {
  it.each<[string, Partial<Figures>, Array<string | RegExp>, boolean]>([
    ['a generator on schedule warns of nothing', {}, [], false],
    ['a schedule lag p99 above --late-after says it fell behind', { scheduleLagMs: 20 }, [behind], true],
    [
      'an event-loop lag p99 above 50 ms says the loop stalled',
      { loopLagP99Ms: 60 },
      ["the generator's event loop stalled (lag p99 60ms)"],
      true,
    ],
    [
      'dropped slots are counted',
      { dropped: 5 },
      ['5 requests were not sent (more than --max-in-flight outstanding, or queued at the end)'],
      false,
    ],
    [
      'late sends with the schedule kept blame the connections',
      { late: 7 },
      [
        '7 requests waited for a free connection (sent > 10ms late): the service answered slower than --connections allows at this rate',
      ],
      false,
    ],
    [
      'late sends behind a lagging schedule are the lag, said once',
      { scheduleLagMs: 20, late: 7 },
      [behind],
      true,
    ],
  ])('%s', (_name, figures, warnings, isSaturated) => {
    const { generator } = assembleReport(partsWith({ ...calm, ...figures }));
    expect(generator.warnings).toEqual(
      warnings.map((warning) => (typeof warning === 'string' ? warning : expect.stringMatching(warning))),
    );
    expect(generator.is_saturated).toBe(isSaturated);
  });

  it('a run whose event loop the test blocks for 300 ms reports that it fell behind its own schedule', async () => {
    const server = await startTrivialServer();
    try {
      const simulation = simulate(
        parseSimOptions({ target: server.url, rps: 200, duration: '2s', warmUp: '0', seed: 5 }),
      );
      // The injected lag: a busy wait inside the first tick holds every slot due meanwhile.
      simulation.once('tick', () => {
        const until = performance.now() + 300;
        while (performance.now() < until);
      });
      const report = await simulation.done;
      expect(report.generator.is_saturated).toBe(true);
      expect(report.generator.schedule_lag_ms.max).toBeGreaterThanOrEqual(250);
      expect(report.generator.warnings).toContainEqual(
        expect.stringMatching(/^the generator fell behind its own schedule/),
      );
    } finally {
      await server.close();
    }
  });
});
