// The request metrics are counted into plain numbers and exported at scrape time: the lines of
// /metrics are those prom-client's own Histogram and Counter give for the same requests.
import { Counter, Histogram, Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { createMetrics, type Route, requestSecondsBounds } from '../src/observe/metrics.js';

const observed: Array<[Route, string, number]> = [
  ['checkout', 'ok', 0.0004],
  ['checkout', 'ok', 0.0005], // on a bound: counted in that bucket
  ['checkout', 'ok', 0.0031],
  ['checkout', 'item_held', 0.012],
  ['purchase', 'ok', 7], // above every bound
  ['other', 'not_found', 0.0001],
];

/** The lines of one metric family in a Prometheus text. */
const linesOf = (text: string, name: string) =>
  text.split('\n').filter((line) => line.startsWith(`${name}_`) || line.startsWith(`${name}{`));

describe('request metrics', () => {
  it('export what prom-client would for the same requests, and the counter follows each scrape', async () => {
    const metrics = createMetrics();
    const reference = new Registry();
    const histogram = new Histogram({
      name: 'flashsale_http_request_duration_seconds',
      help: 'reference',
      labelNames: ['route', 'outcome'] as const,
      buckets: [...requestSecondsBounds],
      registers: [reference],
    });
    const counter = new Counter({
      name: 'flashsale_http_requests_total',
      help: 'reference',
      labelNames: ['route', 'outcome'] as const,
      registers: [reference],
    });
    const observe = (route: Route, outcome: string, seconds: number) => {
      metrics.observeRequest(route, outcome, seconds);
      histogram.observe({ route, outcome }, seconds);
      counter.inc({ route, outcome });
    };
    const compare = async () => {
      const ours = (await metrics.text()).text;
      const theirs = await reference.metrics();
      for (const name of ['flashsale_http_request_duration_seconds', 'flashsale_http_requests_total']) {
        expect(linesOf(ours, name).sort()).toEqual(linesOf(theirs, name).sort());
      }
      return ours;
    };

    for (const [route, outcome, seconds] of observed) observe(route, outcome, seconds);
    const first = await compare();
    expect(first).toContain(
      'flashsale_http_request_duration_seconds_bucket{le="0.0005",route="checkout",outcome="ok"} 2',
    );
    expect(first).toContain('flashsale_http_requests_total{route="checkout",outcome="ok"} 3');
    // The fine bounds around the 10 ms target: 3.1 ms is above 3 ms, 12 ms within 15 ms.
    expect(first).toContain(
      'flashsale_http_request_duration_seconds_bucket{le="0.003",route="checkout",outcome="ok"} 2',
    );
    expect(first).toContain(
      'flashsale_http_request_duration_seconds_bucket{le="0.015",route="checkout",outcome="item_held"} 1',
    );

    // Requests between scrapes, and a refusal counted before parsing, add up.
    observe('checkout', 'ok', 0.002);
    metrics.countUnparsed('invalid_request');
    counter.inc({ route: 'other', outcome: 'invalid_request' });
    const second = await compare();
    expect(second).toContain('flashsale_http_requests_total{route="checkout",outcome="ok"} 4');
    expect(second).toContain('flashsale_http_requests_total{route="other",outcome="invalid_request"} 1');
  });
});
