import { describe, expect, it } from 'vitest';
import { checkThresholds, parseThreshold, type SimReport } from '../src/index.js';

describe('parsing --threshold objectives', () => {
  it.each([
    ['checkout.p99<50ms', { kind: 'latency', metric: 'checkout', stat: 'p99', operator: '<', limit: 50 }],
    ['purchase.p50 <= 2s', { kind: 'latency', metric: 'purchase', stat: 'p50', operator: '<=', limit: 2000 }],
    ['latency.max<1500us', { kind: 'latency', metric: 'latency', stat: 'max', operator: '<', limit: 1.5 }],
    ['latency.p99.9<100', { kind: 'latency', metric: 'latency', stat: 'p999', operator: '<', limit: 100 }],
    ['latency.p999<100ms', { kind: 'latency', metric: 'latency', stat: 'p999', operator: '<', limit: 100 }],
    ['errors<0.1%', { kind: 'share', metric: 'errors', operator: '<', limit: 0.1 }],
    ['errors<10', { kind: 'count', metric: 'errors', operator: '<', limit: 10 }],
    ['dropped<1', { kind: 'count', metric: 'dropped', operator: '<', limit: 1 }],
    ['late<=5%', { kind: 'share', metric: 'late', operator: '<=', limit: 5 }],
    ['rps>=990', { kind: 'rate', metric: 'rps', operator: '>=', limit: 990 }],
  ])('%s is understood', (source, expected) => {
    expect(parseThreshold(source)).toEqual({ source, ...expected });
  });

  it.each([
    ['checkout.p98<50ms', 'checkout supports p50, p90, p99, p999, max, mean'],
    ['checkout<50ms', 'checkout supports p50, p90, p99, p999, max, mean'],
    ['checkout.p99<5%', 'is a duration: use ms, s or us'],
    ['errors.p99<1', 'errors supports a count (errors<10) or a share of requests (errors<0.1%)'],
    ['errors<5ms', 'errors supports a count'],
    ['rps>=10%', 'rps supports a plain rate'],
    [
      'throughput>5',
      "unknown metric 'throughput'; supported: latency, checkout, purchase, errors, late, dropped, rps",
    ],
    ['checkout.p99', 'expected metric[.stat]<op><value>[unit]'],
    ['checkout.p99=5ms', 'expected metric[.stat]<op><value>[unit]'],
    ['checkout.fast<5ms', 'checkout supports p50, p90, p99, p999, max, mean'],
  ])('%s is refused: %s', (source, reason) => {
    expect(() => parseThreshold(source)).toThrow(reason);
    expect(() => parseThreshold(source)).toThrow(`--threshold '${source}'`);
  });
});

describe('checking objectives against a report', () => {
  const summary = { count: 1000, mean: 5, p50: 4, p90: 8, p99: 40, p999: 90, max: 120 };
  const endpoint = {
    requests: 500,
    latency_ms: summary,
    service_time_ms: summary,
    outcomes: {},
    by_outcome: {},
  };
  const report = {
    requests: 1000,
    scheduled: 1010,
    errors: 2,
    late: 30,
    dropped: 10,
    achieved_rps: 995,
    latency_ms: summary,
    by_endpoint: { checkout: { ...endpoint, latency_ms: { ...summary, p99: 60 } }, purchase: endpoint },
  } as unknown as SimReport;

  it.each([
    ['checkout.p99<50ms', false, '60ms'],
    ['purchase.p99<50ms', true, '40ms'],
    ['latency.max<0.1s', false, '120ms'],
    ['errors<0.1%', false, '0.2%'],
    ['errors<0.5%', true, '0.2%'],
    ['errors<=2', true, '2'],
    ['dropped<1%', true, '0.9901%'],
    ['late<1', false, '30'],
    ['rps>=990', true, '995/s'],
  ])('%s passes: %s (actual %s)', (source, isPassed, actualText) => {
    expect(checkThresholds(report, [parseThreshold(source)])).toEqual([
      { source, isPassed, actual: expect.any(Number), actualText },
    ]);
  });
});
