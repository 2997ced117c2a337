import { describe, expect, it } from 'vitest';
import {
  histogramDelta,
  histogramOf,
  histogramQuantile,
  parsePrometheusText,
  sumOf,
} from '../src/prometheus.js';

const scrape = (
  count1: number,
  count5: number,
  countInf: number,
  sum: number,
) => `# HELP flashsale_group_commit_batch_rows Rows per round trip.
# TYPE flashsale_group_commit_batch_rows histogram
flashsale_group_commit_batch_rows_bucket{le="1",table="checkout_attempts"} ${count1}
flashsale_group_commit_batch_rows_bucket{le="5",table="checkout_attempts"} ${count5}
flashsale_group_commit_batch_rows_bucket{le="+Inf",table="checkout_attempts"} ${countInf}
flashsale_group_commit_batch_rows_sum{table="checkout_attempts"} ${sum}
flashsale_group_commit_batch_rows_count{table="checkout_attempts"} ${countInf}
flashsale_group_commit_batch_rows_bucket{le="1",table="purchases"} 7
flashsale_group_commit_batch_rows_bucket{le="5",table="purchases"} 7
flashsale_group_commit_batch_rows_bucket{le="+Inf",table="purchases"} 7
flashsale_group_commit_batch_rows_sum{table="purchases"} 7
flashsale_group_commit_batch_rows_count{table="purchases"} 7
flashsale_http_requests_total{route="checkout",outcome="ok"} 12
flashsale_http_requests_total{route="checkout",outcome="item_held"} 3
`;

describe('prometheus text', () => {
  it('reads samples with their labels in any order and sums a counter over its series', () => {
    const samples = parsePrometheusText(scrape(1, 2, 3, 6));
    expect(samples).toContainEqual({
      name: 'flashsale_group_commit_batch_rows_bucket',
      labels: { le: '+Inf', table: 'checkout_attempts' },
      value: 3,
    });
    expect(samples).toContainEqual({
      name: 'flashsale_http_requests_total',
      labels: { route: 'checkout', outcome: 'item_held' },
      value: 3,
    });
    expect(sumOf(samples, 'flashsale_http_requests_total', { route: 'checkout' })).toBe(15);
  });

  it('takes the histogram of one table and the difference of two scrapes', () => {
    const before = histogramOf(parsePrometheusText(scrape(1, 2, 3, 6)), 'flashsale_group_commit_batch_rows', {
      table: 'checkout_attempts',
    });
    const after = histogramOf(
      parsePrometheusText(scrape(1, 12, 103, 906)),
      'flashsale_group_commit_batch_rows',
      {
        table: 'checkout_attempts',
      },
    );
    expect(histogramDelta(after, before)).toEqual({
      buckets: [
        { le: 1, count: 0 },
        { le: 5, count: 10 },
        { le: Number.POSITIVE_INFINITY, count: 100 },
      ],
      sum: 900,
      count: 100,
    });
  });

  it.each<[number, [number, number][], number]>([
    // [q, buckets (le → cumulative count), expected], as Prometheus' histogram_quantile answers
    [
      0.5,
      [
        [1, 0],
        [2, 50],
        [4, 100],
        [Number.POSITIVE_INFINITY, 100],
      ],
      2,
    ],
    [
      0.75,
      [
        [1, 0],
        [2, 50],
        [4, 100],
        [Number.POSITIVE_INFINITY, 100],
      ],
      3,
    ],
    [
      0.5,
      [
        [10, 100],
        [Number.POSITIVE_INFINITY, 100],
      ],
      5,
    ],
    [
      0.99,
      [
        [1, 10],
        [2, 20],
        [Number.POSITIVE_INFINITY, 100],
      ],
      2,
    ],
    [
      0.99,
      [
        [1, 0],
        [Number.POSITIVE_INFINITY, 0],
      ],
      Number.NaN,
    ],
  ])('the %s-quantile of %j is %s', (q, buckets, expected) => {
    const histogram = { buckets: buckets.map(([le, count]) => ({ le, count })), sum: 0, count: 0 };
    expect(histogramQuantile(q, histogram)).toBe(expected);
  });
});
