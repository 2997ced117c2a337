// Adds up reports of processes that ran side by side (shards, workers): counts and HdrHistograms
// add, timelines add second by second (aligned on wall-clock time), and every derived figure is
// recomputed from the sums, never averaged.
import {
  createHistogram,
  decodeHistogram,
  encodeHistogram,
  maxMs,
  percentileMs,
} from '../record/histograms.js';
import type { OutcomeCounts, SecondFigures } from '../record/timeline.js';
import { assembleReport, partsFromReport } from './json.js';
import type { OutcomeHistograms, ReportParts, SaleParts } from './parts.js';
import { mergeSalePeriods } from './sale-periods.js';
import type { SimReport } from './types.js';

export function mergeReports(reports: readonly SimReport[]): SimReport {
  const [first, ...rest] = reports;
  if (first === undefined) throw new RangeError('mergeReports needs at least one report');
  if (rest.length === 0) return first;
  return assembleReport(mergeParts(reports.map(partsFromReport)));
}

/** Merges the parts of processes that ran side by side; the first one's config stands for all. */
export function mergeParts(all: readonly ReportParts[]): ReportParts {
  const first = all[0] as ReportParts;
  const startedAtMs = Math.min(...all.map((parts) => parts.startedAtMs));
  const runIds = [...new Set(all.map((parts) => parts.runId))];
  const scheduleLagUs = createHistogram();
  const sendLagUs = createHistogram();
  for (const parts of all) {
    scheduleLagUs.add(parts.scheduleLagUs);
    sendLagUs.add(parts.sendLagUs);
  }
  return {
    runId: runIds.join('+'),
    shard: null,
    mergedFrom: sum(all, (parts) => parts.mergedFrom),
    config: first.config,
    startedAtMs,
    endedAtMs: Math.max(...all.map((parts) => parts.endedAtMs)),
    durationMs: Math.max(...all.map((parts) => parts.startedAtMs + parts.durationMs)) - startedAtMs,
    scheduled: sum(all, (parts) => parts.scheduled),
    late: sum(all, (parts) => parts.late),
    dropped: sum(all, (parts) => parts.dropped),
    // An upper bound: the processes need not have peaked at the same moment.
    maxInFlight: sum(all, (parts) => parts.maxInFlight),
    outcomes: mergeOutcomes(all),
    scheduleLagUs,
    sendLagUs,
    eventLoopLagMs: {
      p50: Math.max(...all.map((parts) => parts.eventLoopLagMs.p50)),
      p99: Math.max(...all.map((parts) => parts.eventLoopLagMs.p99)),
      max: Math.max(...all.map((parts) => parts.eventLoopLagMs.max)),
    },
    timeline: mergeTimelines(
      all.map((parts) => parts.timeline),
      startedAtMs,
    ),
    sale: mergeSales(all.map((parts) => parts.sale)),
    sales: mergeSalePeriods(all.map((parts) => parts.sales)),
    faults: all.flatMap((parts) => parts.faults),
    monitorRequests: sum(all, (parts) => parts.monitorRequests),
    interrupted: all.some((parts) => parts.interrupted),
  };
}

function mergeOutcomes(all: readonly ReportParts[]): Map<string, OutcomeHistograms> {
  const merged = new Map<string, OutcomeHistograms>();
  for (const parts of all) {
    for (const [key, stats] of parts.outcomes) {
      let into = merged.get(key);
      if (into === undefined) {
        into = { count: 0, responseUs: createHistogram(), serviceUs: createHistogram() };
        merged.set(key, into);
      }
      into.count += stats.count;
      into.responseUs.add(stats.responseUs);
      into.serviceUs.add(stats.serviceUs);
    }
  }
  return merged;
}

/**
 * Seconds are matched by wall-clock time: second k of the merge covers startedAtMs + k s, and
 * gets every process's second that began within it. A process that ended earlier keeps its
 * cumulative figure (purchases) in the later seconds, so sums never dip.
 */
export function mergeTimelines(
  timelines: readonly (readonly SecondFigures[])[],
  startedAtMs: number,
): SecondFigures[] {
  const buckets = new Map<number, SecondFigures[]>();
  for (const timeline of timelines) {
    for (const second of timeline) {
      const index = Math.max(0, Math.round((second.atMs - startedAtMs) / 1000));
      const bucket = buckets.get(index) ?? [];
      bucket.push(second);
      buckets.set(index, bucket);
    }
  }
  const lastPurchases = timelines.map(() => 0);
  const sourceOf = new Map<SecondFigures, number>();
  timelines.forEach((timeline, source) => {
    for (const second of timeline) sourceOf.set(second, source);
  });
  return [...buckets.keys()]
    .sort((a, b) => a - b)
    .map((index) => {
      const seconds = buckets.get(index) ?? [];
      for (const second of seconds) lastPurchases[sourceOf.get(second) ?? 0] = second.purchases;
      return mergeSecond(
        index,
        startedAtMs + index * 1000,
        seconds,
        lastPurchases.reduce((a, b) => a + b, 0),
      );
    });
}

/** Adds up the figures several processes gave for one second. */
export function mergeSecond(
  index: number,
  atMs: number,
  seconds: readonly SecondFigures[],
  purchases: number,
): SecondFigures {
  const histogram = createHistogram('coarse');
  const outcomes: OutcomeCounts = {};
  for (const second of seconds) {
    histogram.add(decodeHistogram(second.histogram));
    for (const [code, count] of Object.entries(second.outcomes) as [keyof OutcomeCounts, number][]) {
      outcomes[code] = (outcomes[code] ?? 0) + count;
    }
  }
  const itemsSold = seconds.map((second) => second.itemsSold).filter((sold) => sold !== null);
  const loopLag = seconds.map((second) => second.eventLoopLagP99Ms).filter((lag) => lag !== null);
  return {
    second: index,
    atMs,
    target: sum(seconds, (second) => second.target),
    sent: sum(seconds, (second) => second.sent),
    done: sum(seconds, (second) => second.done),
    late: sum(seconds, (second) => second.late),
    dropped: sum(seconds, (second) => second.dropped),
    errors: sum(seconds, (second) => second.errors),
    inFlight: sum(seconds, (second) => second.inFlight),
    p50Ms: percentileMs(histogram, 50),
    p99Ms: percentileMs(histogram, 99),
    maxMs: maxMs(histogram),
    outcomes,
    purchases,
    itemsSold: itemsSold.length === 0 ? null : Math.max(...itemsSold),
    eventLoopLagP99Ms: loopLag.length === 0 ? null : Math.max(...loopLag),
    faults: seconds.flatMap((second) => second.faults),
    histogram: encodeHistogram(histogram),
  };
}

function mergeSales(sales: readonly SaleParts[]): SaleParts {
  const first = sales[0] as SaleParts;
  const itemsPerBuyer = new Map<number, number>();
  for (const sale of sales) {
    for (const [items, buyers] of sale.itemsPerBuyer)
      itemsPerBuyer.set(items, (itemsPerBuyer.get(items) ?? 0) + buyers);
  }
  const sold = sales.map((sale) => sale.sold).filter((value) => value !== null);
  return {
    saleId: sales.find((sale) => sale.saleId !== null)?.saleId ?? null,
    size: first.size,
    sizeSource: first.sizeSource,
    sold: sold.length === 0 ? null : Math.max(...sold),
    purchases: sum(sales, (sale) => sale.purchases),
    holds: sum(sales, (sale) => sale.holds),
    holdsAbandoned: sum(sales, (sale) => sale.holdsAbandoned),
    itemsWanted: sum(sales, (sale) => sale.itemsWanted),
    firstSaleAtMs: earliest(sales.map((sale) => sale.firstSaleAtMs)),
    lastSaleAtMs: latest(sales.map((sale) => sale.lastSaleAtMs)),
    soldOutAtMs: earliest(sales.map((sale) => sale.soldOutAtMs)),
    itemsPerBuyer,
  };
}

function sum<T>(values: readonly T[], figureOf: (value: T) => number): number {
  return values.reduce((total, value) => total + figureOf(value), 0);
}

function earliest(times: readonly (number | null)[]): number | null {
  const known = times.filter((time) => time !== null);
  return known.length === 0 ? null : Math.min(...known);
}

function latest(times: readonly (number | null)[]): number | null {
  const known = times.filter((time) => time !== null);
  return known.length === 0 ? null : Math.max(...known);
}
