// The service's Prometheus metrics. One registry per server instance (tests run several in one
// process). Each request is counted into plain numbers of its (route, outcome) series, found by
// one map lookup; prom-client sees them only at scrape time (a prom-client observe per request
// validates and hashes its labels every time). The counters exist from the start; the gauges read
// parts built after them (the pool, the group commits, the HTTP server), which watch() names once
// they exist.
import {
  Counter,
  collectDefaultMetrics,
  Gauge,
  Histogram,
  type MetricValueWithName,
  Registry,
} from 'prom-client';

export type Route = 'checkout' | 'purchase' | 'health' | 'sale' | 'sale_items' | 'metrics' | 'other';

export type GaugeSources = {
  pgPool: () => { total: number; idle: number; waiting: number };
  queuedRows: () => Record<string, number>;
  inFlightRequests: () => number;
};

export type Metrics = ReturnType<typeof createMetrics>;

/**
 * Bucket bounds of the request duration histogram. Finer from 2 to 20 ms, where the p99 target
 * (10 ms at half the full-flow rate) is judged: with 5, 10 and 20 ms alone, a p99 read from the
 * buckets could only be interpolated across a bound twice its neighbour.
 */
export const requestSecondsBounds: readonly number[] = [
  0.0005, 0.001, 0.002, 0.003, 0.005, 0.0075, 0.01, 0.015, 0.02, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5,
];

export function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'flashsale_' });

  const requests = new Counter({
    name: 'flashsale_http_requests_total',
    help: 'HTTP requests answered, by route and outcome (ok or the error code).',
    labelNames: ['route', 'outcome'] as const,
    registers: [registry],
    collect() {
      // The requests counted since the last scrape, from the duration histogram's series.
      for (const series of requestSeconds.series()) {
        const counted = series.count - series.exported;
        if (counted > 0) this.inc(series.labels, counted);
        series.exported = series.count;
      }
    },
  });
  const requestSeconds = new RequestHistogram(
    'flashsale_http_request_duration_seconds',
    'Time from request to response, by route and outcome.',
    requestSecondsBounds,
  );
  registry.registerMetric(requestSeconds as unknown as Parameters<Registry['registerMetric']>[0]);
  const itemsSold = new Counter({
    name: 'flashsale_items_sold_total',
    help: 'Purchases made durable by this process.',
    registers: [registry],
  });
  const holdsPlaced = new Counter({
    name: 'flashsale_holds_placed_total',
    help: 'New holds placed by checkouts of this process.',
    registers: [registry],
  });
  const batchRows = new Histogram({
    name: 'flashsale_group_commit_batch_rows',
    help: 'Rows written per Postgres round trip, by table.',
    labelNames: ['table'] as const,
    buckets: [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000],
    registers: [registry],
  });
  const batchSeconds = new Histogram({
    name: 'flashsale_group_commit_duration_seconds',
    help: 'Time to commit one batch, by table.',
    labelNames: ['table'] as const,
    buckets: [0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [registry],
  });
  const redisCallInputs = new Histogram({
    name: 'flashsale_redis_call_inputs',
    help: 'Checkouts or purchases decided per Redis script call, by script.',
    labelNames: ['script'] as const,
    buckets: [1, 2, 4, 8, 16, 32, 64],
    registers: [registry],
  });
  const redisCallSeconds = new Histogram({
    name: 'flashsale_redis_call_duration_seconds',
    help: 'Time from sending a batched script call to its answer, by script.',
    labelNames: ['script'] as const,
    buckets: [0.0002, 0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 1],
    registers: [registry],
  });
  const batchFailures = new Counter({
    name: 'flashsale_group_commit_failures_total',
    help: 'Batches that could not be committed, by table.',
    labelNames: ['table'] as const,
    registers: [registry],
  });
  const compensations = new Counter({
    name: 'flashsale_compensations_total',
    help: 'Redis admissions undone or corrected because Postgres did not take them as admitted, by kind.',
    labelNames: ['kind'] as const,
    registers: [registry],
  });
  const reconciled = new Counter({
    name: 'flashsale_reconciled_total',
    help: 'Repairs made by the reconciler, by action.',
    labelNames: ['action'] as const,
    registers: [registry],
  });
  const rebuilds = new Counter({
    name: 'flashsale_redis_rebuilds_total',
    help: 'Sales whose Redis state was rebuilt from Postgres.',
    registers: [registry],
  });
  const rebuildWaits = new Counter({
    name: 'flashsale_redis_rebuild_waits_total',
    help: "Times this process waited for another instance's rebuild of a sale instead of rebuilding it.",
    registers: [registry],
  });
  return {
    registry,
    itemsSold,
    holdsPlaced,
    compensations,
    reconciled,
    rebuilds,
    rebuildWaits,
    batchFailures,
    observeRequest(route: Route, outcome: string, seconds: number): void {
      requestSeconds.observe(route, outcome, seconds);
    },
    /** A request refused before it was parsed (no route, no meaningful duration): counted only. */
    countUnparsed(outcome: string): void {
      requests.labels('other', outcome).inc();
    },
    observeBatch(table: string, rows: number, seconds: number): void {
      batchRows.labels(table).observe(rows);
      batchSeconds.labels(table).observe(seconds);
    },
    /** Per batched script call, not per request: a few hundred to a few thousand a second. */
    observeRedisCall(script: string, inputs: number, seconds: number): void {
      redisCallInputs.labels(script).observe(inputs);
      redisCallSeconds.labels(script).observe(seconds);
    },
    /** This registry's metrics in the Prometheus text format. */
    async text(): Promise<{ contentType: string; text: string }> {
      return { contentType: registry.contentType, text: await registry.metrics() };
    },
    /** Registers the gauges, read from `sources` at each scrape; called once. */
    watch(sources: GaugeSources): void {
      registerGauges(registry, sources);
    },
  };
}

function registerGauges(registry: Registry, sources: GaugeSources): void {
  new Gauge({
    name: 'flashsale_pg_pool_connections',
    help: 'Postgres pool connections, by state.',
    labelNames: ['state'] as const,
    registers: [registry],
    collect() {
      const pool = sources.pgPool();
      this.set({ state: 'total' }, pool.total);
      this.set({ state: 'idle' }, pool.idle);
      this.set({ state: 'waiting' }, pool.waiting);
    },
  });
  new Gauge({
    name: 'flashsale_group_commit_queue_rows',
    help: 'Rows waiting for their group commit, by table.',
    labelNames: ['table'] as const,
    registers: [registry],
    collect() {
      for (const [table, rows] of Object.entries(sources.queuedRows())) this.set({ table }, rows);
    },
  });
  new Gauge({
    name: 'flashsale_http_requests_in_flight',
    help: 'Requests received and not yet answered.',
    registers: [registry],
    collect() {
      this.set(sources.inFlightRequests());
    },
  });
}

type Series = {
  labels: { route: string; outcome: string };
  /** Observations per bucket (not cumulative); the last is above every bound. */
  buckets: Float64Array;
  sum: number;
  count: number;
  /** `count` when flashsale_http_requests_total last took it. */
  exported: number;
};

/**
 * A histogram by route and outcome in the shape prom-client exports (the same lines as its
 * Histogram), kept as plain numbers per series.
 */
class RequestHistogram {
  readonly type = 'histogram';
  readonly aggregator = 'sum';
  readonly #bounds: readonly number[];
  readonly #series = new Map<string, Series>();

  constructor(
    readonly name: string,
    readonly help: string,
    bounds: readonly number[],
  ) {
    this.#bounds = bounds;
  }

  observe(route: string, outcome: string, seconds: number): void {
    const key = `${route} ${outcome}`;
    let series = this.#series.get(key);
    if (series === undefined) {
      series = {
        labels: { route, outcome },
        buckets: new Float64Array(this.#bounds.length + 1),
        sum: 0,
        count: 0,
        exported: 0,
      };
      this.#series.set(key, series);
    }
    let bucket = 0;
    while (bucket < this.#bounds.length && seconds > this.#bounds[bucket]!) bucket += 1;
    series.buckets[bucket]! += 1;
    series.sum += seconds;
    series.count += 1;
  }

  series(): IterableIterator<Series> {
    return this.#series.values();
  }

  /** What prom-client's registry reads of a metric (its Histogram answers the same). */
  async get() {
    const values: MetricValueWithName<string>[] = [];
    for (const { labels, buckets, sum, count } of this.#series.values()) {
      let cumulative = 0;
      this.#bounds.forEach((le, i) => {
        cumulative += buckets[i]!;
        values.push({ metricName: `${this.name}_bucket`, labels: { le, ...labels }, value: cumulative });
      });
      values.push({ metricName: `${this.name}_bucket`, labels: { le: '+Inf', ...labels }, value: count });
      values.push({ metricName: `${this.name}_sum`, labels, value: sum });
      values.push({ metricName: `${this.name}_count`, labels, value: count });
    }
    return { name: this.name, help: this.help, type: this.type, aggregator: this.aggregator, values };
  }

  reset(): void {
    this.#series.clear();
  }
}
