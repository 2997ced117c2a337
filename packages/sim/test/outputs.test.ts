import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseSimOptions, type SimReport, type SimTick, simulate } from '../src/index.js';
import { decodeHistogram } from '../src/record/histograms.js';
import { createTempDir, type LedgerLine, readLedger, type TempDir } from './support/files.js';
import { type ShopServer, startShopServer } from './support/shop-server.js';

const requestKeys = [
  'type',
  'request_id',
  'endpoint',
  'behaviour',
  'user_id',
  'item_id',
  'code',
  'sale_id',
  'purchase_id',
  'attempt_id',
  'issued_user_id',
  'issued_item_id',
  'reported_item_id',
  'expires_ms',
  'replayed',
  'intended_ms',
  'sent_ms',
  'done_ms',
  'status',
  'error',
  'outcome',
];

const isStringOrNull = (value: unknown) => value === null || typeof value === 'string';
const isNumberOrNull = (value: unknown) => value === null || typeof value === 'number';

const epochNowMs = () => performance.timeOrigin + performance.now();

describe('the ledger and the report of a run', () => {
  let server: ShopServer;
  let dir: TempDir;
  let report: SimReport;
  let written: SimReport;
  let ledger: LedgerLine[];
  const ticks: SimTick[] = [];
  let stopCalledAtMs = 0;
  let stopReturnedAtMs = 0;

  beforeAll(async () => {
    server = await startShopServer({ saleSize: 2000 });
    dir = createTempDir();
    const options = parseSimOptions({
      target: server.url,
      rps: 300,
      duration: '10s',
      seed: 99,
      ledger: dir.path('ledger.jsonl'),
      report: dir.path('report.json'),
    });
    const simulation = simulate(options);
    // Driven by the run's own seconds, not by timers racing it: a fault after the first second,
    // stop() after the second.
    simulation.on('tick', (tick) => {
      ticks.push(tick);
      if (tick.second === 0) simulation.markFault('redis_restart', 'planted by the test');
      if (tick.second === 1) {
        stopCalledAtMs = epochNowMs();
        simulation.stop();
        stopReturnedAtMs = epochNowMs();
      }
    });
    report = await simulation.done;
    written = JSON.parse(
      await import('node:fs').then((fs) => fs.readFileSync(dir.path('report.json'), 'utf8')),
    );
    ledger = readLedger(dir.path('ledger.jsonl'));
  }, 60_000);
  afterAll(async () => {
    await server.close();
    dir.remove();
  });

  it('has one request line per request the server received, each in the documented shape', () => {
    const requests = ledger.filter((line) => line.type === 'request');
    expect(requests).toHaveLength(server.requestIds.length);
    expect(new Set(requests.map((line) => line.request_id))).toEqual(new Set(server.requestIds));
    for (const line of requests) {
      expect(Object.keys(line)).toEqual(requestKeys);
      expect(line.request_id).toMatch(/^[0-9a-f]{8}-0-\d+$/);
      expect(['checkout', 'purchase']).toContain(line.endpoint);
      expect(['normal', 'heavy', 'invalid']).toContain(line.behaviour);
      for (const key of ['user_id', 'code', 'purchase_id', 'attempt_id', 'error'])
        expect(isStringOrNull(line[key])).toBe(true);
      for (const key of ['item_id', 'sale_id', 'sent_ms', 'done_ms', 'status'])
        expect(isNumberOrNull(line[key])).toBe(true);
      expect(typeof line.replayed).toBe('boolean');
      expect(typeof line.intended_ms).toBe('number');
      expect(line.outcome).toBe(line.status === 200 ? 'ok' : 'fail');
      expect(line.done_ms as number).toBeGreaterThanOrEqual(line.sent_ms as number);
      expect(line.sent_ms as number).toBeGreaterThanOrEqual(line.intended_ms as number);
    }
  });

  it('records what was sent: checkouts carry the user and item, purchases the code', () => {
    const checkouts = ledger.filter((line) => line.endpoint === 'checkout' && line.behaviour === 'normal');
    for (const line of checkouts) {
      expect(line.user_id).toEqual(expect.any(String));
      expect(line.item_id).toEqual(expect.any(Number));
    }
    const held = checkouts.filter((line) => line.status === 200);
    expect(held.length).toBeGreaterThan(0);
    for (const line of held) expect([line.code, line.sale_id]).toEqual([expect.any(String), 1]);
    const bought = ledger.filter((line) => line.endpoint === 'purchase' && line.status === 200);
    for (const line of bought)
      expect([line.code, line.purchase_id]).toEqual([expect.any(String), expect.any(String)]);
  });

  it("records the answer's x-attempt-id: each checkout the id it was answered with, a purchase (answered without one) null", () => {
    const requests = ledger.filter((line) => line.type === 'request');
    const checkouts = requests.filter((line) => line.endpoint === 'checkout');
    expect(checkouts.length).toBeGreaterThan(0);
    for (const line of checkouts)
      expect(line.attempt_id).toBe(server.attemptIds.get(line.request_id as string));
    const purchases = requests.filter((line) => line.endpoint === 'purchase');
    expect(purchases.length).toBeGreaterThan(0);
    for (const line of purchases) expect(line.attempt_id).toBeNull();
  });

  it('records a marked fault in the ledger, the report and the timeline', () => {
    expect(ledger.filter((line) => line.type === 'fault')).toEqual([
      { type: 'fault', kind: 'redis_restart', at_ms: expect.any(Number), detail: 'planted by the test' },
    ]);
    expect(report.faults).toEqual([
      { kind: 'redis_restart', at_ms: expect.any(Number), detail: 'planted by the test' },
    ]);
    expect(report.timeline.flatMap((second) => second.faults)).toEqual(['redis_restart']);
  });

  it('stop() ends the schedule where it is called: every slot before then given out, none after', () => {
    const startedAtMs = report.timeline[0]!.at_ms;
    const endedAtMs = startedAtMs + report.duration_ms;
    // Within the report's microsecond rounding.
    expect(endedAtMs).toBeGreaterThanOrEqual(stopCalledAtMs - 0.01);
    expect(endedAtMs).toBeLessThanOrEqual(stopReturnedAtMs + 0.01);
    expect(report.duration_ms).toBeLessThan(10_000);
    // Slots fall every 1000/300 ms from the start: `scheduled` of them lie before the end.
    const slotMs = 1000 / 300;
    expect((report.scheduled - 1) * slotMs).toBeLessThan(report.duration_ms + 0.01);
    expect(report.scheduled * slotMs).toBeGreaterThanOrEqual(report.duration_ms - 0.01);
    expect(report.requests + report.dropped).toBe(report.scheduled);
    const intended = ledger
      .filter((line) => line.type === 'request')
      .map((line) => line.intended_ms as number);
    expect(Math.max(...intended)).toBeLessThan(endedAtMs + 0.01);
  });

  it('writes the same report it resolves, with counts that add up', () => {
    expect(written).toEqual(report);
    const { checkout, purchase } = report.by_endpoint;
    expect(checkout.requests + purchase.requests).toBe(report.requests);
    const outcomeTotal = [checkout, purchase]
      .flatMap((endpoint) => Object.values(endpoint.outcomes))
      .reduce((a, b) => a + b, 0);
    expect(outcomeTotal).toBe(report.requests);
    expect(report.timeline.reduce((sum, second) => sum + second.done, 0)).toBe(report.requests);
    expect(report.timeline.reduce((sum, second) => sum + second.target, 0)).toBe(report.scheduled);
    expect(ticks.map((tick) => tick.second)).toEqual(report.timeline.map((second) => second.t));
  });

  it('carries encoded histograms whose counts match, so reports can be merged', () => {
    let total = 0;
    for (const [key, encoded] of Object.entries(report.histograms.response_time_us)) {
      const [endpoint, outcome] = key.split('.') as ['checkout' | 'purchase', string];
      const histogram = decodeHistogram(encoded);
      expect(histogram.totalCount).toBe(report.by_endpoint[endpoint].outcomes[outcome]);
      total += histogram.totalCount;
    }
    expect(total).toBe(report.requests);
    expect(decodeHistogram(report.histograms.send_lag_us).totalCount).toBe(report.requests);
  });

  it('has the documented top-level fields', () => {
    expect(report).toMatchObject({
      format: 'flashsale-sim-report@1',
      config: expect.objectContaining({
        target: server.url,
        seed: 99,
        stages: [{ duration_ms: 10_000, rps: 300 }],
      }),
      target_rps: expect.any(Number),
      achieved_rps: expect.any(Number),
      late: expect.any(Number),
      dropped: expect.any(Number),
      max_in_flight: expect.any(Number),
      latency_ms: expect.objectContaining({
        p50: expect.any(Number),
        p999: expect.any(Number),
        max: expect.any(Number),
      }),
      generator: expect.objectContaining({ is_saturated: expect.any(Boolean) }),
      sellout_expected: false,
      // The shop gives sale periods, so the run watches its sale once a second (a rollover may come).
      monitor_requests: expect.any(Number),
      shard: null,
    });
    for (const second of report.timeline) {
      expect(Object.keys(second)).toEqual(
        expect.arrayContaining([
          't',
          'target',
          'sent',
          'done',
          'p50_ms',
          'p99_ms',
          'max_ms',
          'errors',
          'outcomes',
          'items_sold',
        ]),
      );
    }
  });
});
