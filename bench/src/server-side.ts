// What the service itself saw during one simulate run, from its /metrics scraped before and after:
// its own p99 per route, its event-loop lag and its garbage collections by kind. The simulator
// measures from the intended send time; these split its p99 into the service's time (which holds
// the GC pauses) and the rest (the simulator's own lag, the network, the kernel).
import { histogramBetween, histogramQuantile, type Sample } from './prometheus.js';

/** To two decimals: these figures are never missing once the window has any requests. */
const round = (value: number) => Math.round(value * 100) / 100;

const requestSeconds = 'flashsale_http_request_duration_seconds';
const gcSeconds = 'flashsale_nodejs_gc_duration_seconds';
/** prom-client resets this gauge's histogram at each scrape: after a run, it covers the run. */
const eventLoopLagP99 = 'flashsale_nodejs_eventloop_lag_p99_seconds';

/** V8's collections as prom-client names them: scavenges, mark-compacts, incremental marking steps. */
export type GcKind = 'minor' | 'major' | 'incremental';
const gcKinds: readonly GcKind[] = ['minor', 'major', 'incremental'];

export type GcFigures = Readonly<{ count: number; per_s: number; total_ms: number; mean_ms: number | null }>;

export type ServerSideFigures = Readonly<{
  /** The service's own p99 (request in to response out), all outcomes of the route. */
  checkout_p99_ms: number | null;
  purchase_p99_ms: number | null;
  event_loop_lag_p99_ms: number | null;
  gc: Readonly<Record<GcKind, GcFigures>>;
  /** Share of the window the service spent in GC pauses, in percent. */
  gc_share: number;
}>;

function routeP99Ms(before: readonly Sample[], after: readonly Sample[], route: string): number | null {
  const window = histogramBetween(before, after, requestSeconds, { route });
  return window.count === 0 ? null : round(histogramQuantile(0.99, window) * 1000);
}

function gcFigures(
  before: readonly Sample[],
  after: readonly Sample[],
  kind: GcKind,
  windowS: number,
): GcFigures {
  const { count, sum } = histogramBetween(before, after, gcSeconds, { kind });
  const totalMs = sum * 1000;
  return {
    count,
    per_s: round(count / windowS),
    total_ms: round(totalMs),
    mean_ms: count === 0 ? null : round(totalMs / count),
  };
}

/** The service's figures between two scrapes of its /metrics, `windowS` seconds apart. */
export function serverSideFigures(
  before: readonly Sample[],
  after: readonly Sample[],
  windowS: number,
): ServerSideFigures {
  const gc = Object.fromEntries(
    gcKinds.map((kind) => [kind, gcFigures(before, after, kind, windowS)]),
  ) as Record<GcKind, GcFigures>;
  const lag = after.find((sample) => sample.name === eventLoopLagP99);
  const pausedMs = gc.minor.total_ms + gc.major.total_ms + gc.incremental.total_ms;
  return {
    checkout_p99_ms: routeP99Ms(before, after, 'checkout'),
    purchase_p99_ms: routeP99Ms(before, after, 'purchase'),
    event_loop_lag_p99_ms: lag === undefined ? null : round(lag.value * 1000),
    gc,
    gc_share: round((pausedMs / (windowS * 1000)) * 100),
  };
}

/** One line for the results table: the service's p99s and its GC pauses. */
export function formatServerSide(figures: ServerSideFigures | undefined): string {
  if (figures === undefined) return '-';
  const ms = (value: number | null) => (value === null ? '-' : `${value} ms`);
  const gc = (kind: GcKind) =>
    figures.gc[kind].count === 0 ? 'none' : `${figures.gc[kind].per_s}/s of ${ms(figures.gc[kind].mean_ms)}`;
  return `checkout ${ms(figures.checkout_p99_ms)}, purchase ${ms(figures.purchase_p99_ms)}; scavenges ${gc('minor')}, mark-compacts ${gc('major')}`;
}
