import { describe, expect, it } from 'vitest';
import { parsePrometheusText } from '../src/prometheus.js';
import { formatServerSide, serverSideFigures } from '../src/server-side.js';

type Scrape = {
  /** Checkout requests at or under 5 ms, 10 ms, in all (ok), and refused item_held (all under 5 ms). */
  checkout: [number, number, number];
  held: number;
  minor: [count: number, seconds: number];
  major: [count: number, seconds: number];
  lagSeconds: number;
};

const scrape = ({ checkout: [le5, le10, all], held, minor, major, lagSeconds }: Scrape) =>
  parsePrometheusText(`# TYPE flashsale_http_request_duration_seconds histogram
flashsale_http_request_duration_seconds_bucket{le="0.005",route="checkout",outcome="ok"} ${le5}
flashsale_http_request_duration_seconds_bucket{le="0.01",route="checkout",outcome="ok"} ${le10}
flashsale_http_request_duration_seconds_bucket{le="+Inf",route="checkout",outcome="ok"} ${all}
flashsale_http_request_duration_seconds_sum{route="checkout",outcome="ok"} 1
flashsale_http_request_duration_seconds_count{route="checkout",outcome="ok"} ${all}
flashsale_http_request_duration_seconds_bucket{le="0.005",route="checkout",outcome="item_held"} ${held}
flashsale_http_request_duration_seconds_bucket{le="0.01",route="checkout",outcome="item_held"} ${held}
flashsale_http_request_duration_seconds_bucket{le="+Inf",route="checkout",outcome="item_held"} ${held}
flashsale_http_request_duration_seconds_sum{route="checkout",outcome="item_held"} 0.1
flashsale_http_request_duration_seconds_count{route="checkout",outcome="item_held"} ${held}
flashsale_nodejs_eventloop_lag_p99_seconds ${lagSeconds}
flashsale_nodejs_gc_duration_seconds_bucket{le="0.01",kind="minor"} ${minor[0]}
flashsale_nodejs_gc_duration_seconds_sum{kind="minor"} ${minor[1]}
flashsale_nodejs_gc_duration_seconds_count{kind="minor"} ${minor[0]}
flashsale_nodejs_gc_duration_seconds_sum{kind="major"} ${major[1]}
flashsale_nodejs_gc_duration_seconds_count{kind="major"} ${major[0]}
`);

describe('the service side of a run', () => {
  const before = scrape({
    checkout: [50, 50, 50],
    held: 10,
    minor: [4, 0.008],
    major: [1, 0.01],
    lagSeconds: 0.5,
  });
  // In the window: 985 ok checkouts under 5 ms, none between 5 and 10 ms, 15 above; 0 refused.
  // 20 scavenges of 2 ms, 2 mark-compacts of 10 ms over 10 s.
  const after = scrape({
    checkout: [1035, 1035, 1050],
    held: 10,
    minor: [24, 0.048],
    major: [3, 0.03],
    lagSeconds: 0.0123,
  });

  it('takes the p99 of a route over the window only, all outcomes together', () => {
    const figures = serverSideFigures(before, after, 10);
    // rank 990 of 1000 falls in +Inf: histogram_quantile answers the highest bound.
    expect(figures.checkout_p99_ms).toBe(10);
    expect(figures.purchase_p99_ms).toBeNull();
  });

  it('counts the collections of the window by kind, with their mean pause and share of the time', () => {
    const figures = serverSideFigures(before, after, 10);
    expect(figures.gc.minor).toEqual({ count: 20, per_s: 2, total_ms: 40, mean_ms: 2 });
    expect(figures.gc.major).toEqual({ count: 2, per_s: 0.2, total_ms: 20, mean_ms: 10 });
    expect(figures.gc.incremental).toEqual({ count: 0, per_s: 0, total_ms: 0, mean_ms: null });
    expect(figures.gc_share).toBe(0.6);
    // The gauge is reset by each scrape: the one after the run is the run's.
    expect(figures.event_loop_lag_p99_ms).toBe(12.3);
  });

  it('reads as one table cell', () => {
    expect(formatServerSide(serverSideFigures(before, after, 10))).toBe(
      'checkout 10 ms, purchase -; scavenges 2/s of 2 ms, mark-compacts 0.2/s of 10 ms',
    );
    expect(formatServerSide(undefined)).toBe('-');
    const none = scrape({
      checkout: [1035, 1035, 1050],
      held: 10,
      minor: [24, 0.048],
      major: [1, 0.01],
      lagSeconds: 0,
    });
    expect(formatServerSide(serverSideFigures(before, none, 10))).toContain('mark-compacts none');
  });
});
