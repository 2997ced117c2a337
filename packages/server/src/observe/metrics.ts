// The service's Prometheus metrics. One registry per server instance (tests run several in one
// process); labelled children are cached so the hot path does no label hashing. The counters
// exist from the start; the gauges read parts built after them (the pool, the group commits, the
// HTTP server), which watch() names once they exist.
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

export type Route = 'checkout' | 'purchase' | 'health' | 'sale' | 'sale_items' | 'metrics' | 'other';

export type GaugeSources = {
  pgPool: () => { total: number; idle: number; waiting: number };
  queuedRows: () => Record<string, number>;
  inFlightRequests: () => number;
};

export type Metrics = ReturnType<typeof createMetrics>;

export function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'flashsale_' });

  const requests = new Counter({
    name: 'flashsale_http_requests_total',
    help: 'HTTP requests answered, by route and outcome (ok or the error code).',
    labelNames: ['route', 'outcome'] as const,
    registers: [registry],
  });
  const requestSeconds = new Histogram({
    name: 'flashsale_http_request_duration_seconds',
    help: 'Time from request to response, by route and outcome.',
    labelNames: ['route', 'outcome'] as const,
    buckets: [0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });
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
  type Child = { count: { inc(): void }; seconds: { observe(v: number): void } };
  const children = new Map<string, Child>();

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
      const key = `${route} ${outcome}`;
      let child = children.get(key);
      if (child === undefined) {
        child = { count: requests.labels(route, outcome), seconds: requestSeconds.labels(route, outcome) };
        children.set(key, child);
      }
      child.count.inc();
      child.seconds.observe(seconds);
    },
    /** A request refused before it was parsed (no route, no meaningful duration): counted only. */
    countUnparsed(outcome: string): void {
      requests.labels('other', outcome).inc();
    },
    observeBatch(table: string, rows: number, seconds: number): void {
      batchRows.labels(table).observe(rows);
      batchSeconds.labels(table).observe(seconds);
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
