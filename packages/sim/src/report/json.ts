// The edge between the engine's camelCase and the report file's snake_case, both ways: a run's
// (or a merge's) parts become a SimReport, and a SimReport read back from a file becomes parts.
import type { SimOptions } from '../config/options.js';
import type { Scenario } from '../config/scenario.js';
import { SimError } from '../errors.js';
import { createHistogram, decodeHistogram, encodeHistogram, summarizeMs } from '../record/histograms.js';
import { isErrorOutcome, type OutcomeCode } from '../record/outcomes.js';
import type { OutcomeCounts, SecondFigures } from '../record/timeline.js';
import type { OutcomeHistograms, ReportParts, SaleParts } from './parts.js';
import { salePeriodFromReport, salePeriodReport } from './sale-periods.js';
import {
  type EndpointReport,
  type OutcomeReport,
  type ReportConfig,
  reportFormat,
  type SimReport,
  type TimelineSecondReport,
} from './types.js';

const endpoints = ['checkout', 'purchase'] as const;
/** Event-loop lag above this (ms) marks the generator as saturated. */
const saturatedLoopLagMs = 50;

export function assembleReport(parts: ReportParts): SimReport {
  const durationS = Math.max(parts.durationMs, 1) / 1000;
  const everything = mergedOutcome(parts.outcomes, () => true);
  let errors = 0;
  for (const [key, stats] of parts.outcomes) {
    if (isErrorOutcome[outcomeOf(key)]) errors += stats.count;
  }
  const sale = parts.sale;
  return {
    format: reportFormat,
    run_id: parts.runId,
    shard: parts.shard,
    merged_from: parts.mergedFrom,
    config: parts.config,
    started_at: new Date(parts.startedAtMs).toISOString(),
    ended_at: new Date(parts.endedAtMs).toISOString(),
    duration_ms: round3(parts.durationMs),
    target_rps: round3(parts.scheduled / durationS),
    achieved_rps: round3(everything.count / durationS),
    scheduled: parts.scheduled,
    requests: everything.count,
    late: parts.late,
    dropped: parts.dropped,
    errors,
    max_in_flight: parts.maxInFlight,
    latency_ms: summarizeMs(everything.responseUs),
    service_time_ms: summarizeMs(everything.serviceUs),
    by_endpoint: {
      checkout: endpointReport(parts.outcomes, 'checkout', durationS),
      purchase: endpointReport(parts.outcomes, 'purchase', durationS),
    },
    timeline: parts.timeline.map((second) => timelineSecondReport(second, parts.startedAtMs)),
    histograms: histogramsReport(parts),
    generator: generatorReport(parts),
    sale: saleReport(sale, parts.startedAtMs),
    sales: parts.sales.map((each) =>
      salePeriodReport(each, parts.startedAtMs, parts.startedAtMs + parts.durationMs),
    ),
    faults: [...parts.faults].sort((a, b) => a.at_ms - b.at_ms),
    // The brief's rule: demand above supply, or the sale seen sold out (see SaleReport.items_wanted).
    // Demand a run did not get to play out (it was interrupted) is no promise of a sell-out.
    sellout_expected:
      sale.soldOutAtMs !== null ||
      (sale.sold !== null && sale.sold >= sale.size) ||
      (!parts.interrupted && sale.itemsWanted > sale.size),
    monitor_requests: parts.monitorRequests,
    interrupted: parts.interrupted,
  };
}

function histogramsReport(parts: ReportParts): SimReport['histograms'] {
  const responseTimeUs: Record<string, string> = {};
  const serviceTimeUs: Record<string, string> = {};
  for (const [key, stats] of [...parts.outcomes].sort(([a], [b]) => a.localeCompare(b))) {
    responseTimeUs[key] = encodeHistogram(stats.responseUs);
    serviceTimeUs[key] = encodeHistogram(stats.serviceUs);
  }
  return {
    response_time_us: responseTimeUs,
    service_time_us: serviceTimeUs,
    schedule_lag_us: encodeHistogram(parts.scheduleLagUs),
    send_lag_us: encodeHistogram(parts.sendLagUs),
  };
}

function saleReport(sale: SaleParts, startedAtMs: number): SimReport['sale'] {
  const sinceStart = (atMs: number | null) => (atMs === null ? null : round3(atMs - startedAtMs));
  return {
    sale_id: sale.saleId,
    size: sale.size,
    size_source: sale.sizeSource,
    sold: sale.sold,
    purchases: sale.purchases,
    holds: sale.holds,
    holds_abandoned: sale.holdsAbandoned,
    items_wanted: sale.itemsWanted,
    demand_supply_ratio: round3(sale.itemsWanted / sale.size),
    first_sale_ms: sinceStart(sale.firstSaleAtMs),
    last_sale_ms: sinceStart(sale.lastSaleAtMs),
    sold_out_ms: sinceStart(sale.soldOutAtMs),
    items_per_buyer: Object.fromEntries(
      [...sale.itemsPerBuyer].sort(([a], [b]) => a - b).map(([items, buyers]) => [String(items), buyers]),
    ),
  };
}

/** Reads a report back into parts (histograms decoded), for merging. */
export function partsFromReport(report: SimReport): ReportParts {
  const outcomes = new Map<string, OutcomeHistograms>();
  for (const [key, encoded] of Object.entries(report.histograms.response_time_us)) {
    const responseUs = decodeHistogram(encoded);
    const service = report.histograms.service_time_us[key];
    outcomes.set(key, {
      count: responseUs.totalCount,
      responseUs,
      serviceUs: service === undefined ? createHistogram() : decodeHistogram(service),
    });
  }
  const startedAtMs = Date.parse(report.started_at);
  const atMs = (sinceStartMs: number | null) => (sinceStartMs === null ? null : startedAtMs + sinceStartMs);
  const sale = report.sale;
  return {
    runId: report.run_id,
    shard: report.shard,
    mergedFrom: report.merged_from,
    config: report.config,
    startedAtMs,
    endedAtMs: Date.parse(report.ended_at),
    durationMs: report.duration_ms,
    scheduled: report.scheduled,
    late: report.late,
    dropped: report.dropped,
    maxInFlight: report.max_in_flight,
    outcomes,
    scheduleLagUs: decodeHistogram(report.histograms.schedule_lag_us),
    sendLagUs: decodeHistogram(report.histograms.send_lag_us),
    eventLoopLagMs: report.generator.event_loop_lag_ms,
    timeline: report.timeline.map(secondFromReport),
    sale: {
      saleId: sale.sale_id,
      size: sale.size,
      sizeSource: sale.size_source,
      sold: sale.sold,
      purchases: sale.purchases,
      holds: sale.holds,
      holdsAbandoned: sale.holds_abandoned,
      itemsWanted: sale.items_wanted,
      firstSaleAtMs: atMs(sale.first_sale_ms),
      lastSaleAtMs: atMs(sale.last_sale_ms),
      soldOutAtMs: atMs(sale.sold_out_ms),
      itemsPerBuyer: new Map(Object.entries(sale.items_per_buyer).map(([k, v]) => [Number(k), v])),
    },
    sales: (report.sales ?? []).map(salePeriodFromReport),
    faults: report.faults,
    monitorRequests: report.monitor_requests,
    interrupted: report.interrupted === true,
  };
}

/** Parses a report file's text; `where` names the file in the error. */
export function parseReport(text: string, where: string): SimReport {
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (error) {
    throw new SimError('invalid_report', `${where} is not JSON (${String(error)})`, { cause: error });
  }
  const report = document as Partial<Record<keyof SimReport, unknown>> | null;
  if (typeof report !== 'object' || report === null || report.format !== reportFormat) {
    throw new SimError(
      'invalid_report',
      `${where} is not a simulator report (no "format": "${reportFormat}")`,
    );
  }
  const required: readonly (keyof SimReport)[] = [
    'histograms',
    'timeline',
    'sale',
    'config',
    'generator',
    'faults',
  ];
  const missing = required.filter((key) => typeof report[key] !== 'object' || report[key] === null);
  if (missing.length > 0) throw new SimError('invalid_report', `${where} lacks ${missing.join(', ')}`);
  return document as SimReport;
}

export function reportConfigOf(options: SimOptions): ReportConfig {
  return {
    target: options.targets.join(','),
    shards: options.shard.count,
    profile: options.profile.name,
    stages: options.stages.map((stage) => ({ duration_ms: stage.durationMs, rps: stage.rps })),
    mix: options.mix,
    scenario: scenarioDocument(options.scenario),
    seed: options.seed,
    users: options.users,
    sale_size: options.saleSize,
    user_limit: options.userLimit,
    until_sellout: options.stopsAtSellout,
    connections: options.connections,
    max_in_flight: options.maxInFlight,
    timeout_ms: options.timeoutMs,
    late_after_ms: options.lateAfterMs,
    warm_up_ms: options.warmUpMs,
    thresholds: options.thresholds.map((threshold) => threshold.source),
    workers: options.workers,
    items_refresh_ms: options.itemsRefreshMs,
    report: options.reportPath,
    ledger: options.ledgerPath,
  };
}

/** A scenario in its file shape, so a report's config can be saved as a scenario file. */
function scenarioDocument(scenario: Scenario): unknown {
  const { normal, heavy, invalid } = scenario;
  return {
    normal: {
      items_wanted: normal.itemsWanted,
      think_ms: normal.thinkMs,
      abandon_rate: normal.abandonRate,
      max_attempts: normal.maxAttempts,
      purchase_retries: normal.purchaseRetries,
    },
    heavy: {
      items_wanted: heavy.itemsWanted,
      think_ms: heavy.thinkMs,
      recheckout_rate: heavy.recheckoutRate,
      limit_retries: heavy.limitRetries,
      max_attempts: heavy.maxAttempts,
      purchase_retries: heavy.purchaseRetries,
    },
    invalid: { requests: invalid.requests, think_ms: invalid.thinkMs },
    popularity: scenario.popularity,
  };
}

function endpointReport(
  outcomes: ReadonlyMap<string, OutcomeHistograms>,
  endpoint: (typeof endpoints)[number],
  durationS: number,
): EndpointReport {
  const prefix = `${endpoint}.`;
  const mine = [...outcomes]
    .filter(([key]) => key.startsWith(prefix))
    .sort(([, a], [, b]) => b.count - a.count);
  const total = mergedOutcome(outcomes, (key) => key.startsWith(prefix));
  const byOutcome: Record<string, OutcomeReport> = {};
  const counts: Record<string, number> = {};
  for (const [key, stats] of mine) {
    const outcome = key.slice(prefix.length);
    counts[outcome] = stats.count;
    byOutcome[outcome] = {
      count: stats.count,
      rate_per_s: round3(stats.count / durationS),
      latency_ms: summarizeMs(stats.responseUs),
      service_time_ms: summarizeMs(stats.serviceUs),
    };
  }
  return {
    requests: total.count,
    latency_ms: summarizeMs(total.responseUs),
    service_time_ms: summarizeMs(total.serviceUs),
    outcomes: counts,
    by_outcome: byOutcome,
  };
}

function mergedOutcome(
  outcomes: ReadonlyMap<string, OutcomeHistograms>,
  isIncluded: (key: string) => boolean,
): OutcomeHistograms {
  const merged: OutcomeHistograms = { count: 0, responseUs: createHistogram(), serviceUs: createHistogram() };
  for (const [key, stats] of outcomes) {
    if (!isIncluded(key)) continue;
    merged.count += stats.count;
    merged.responseUs.add(stats.responseUs);
    merged.serviceUs.add(stats.serviceUs);
  }
  return merged;
}

function generatorReport(parts: ReportParts): SimReport['generator'] {
  const scheduleLag = summarizeMs(parts.scheduleLagUs);
  const sendLag = summarizeMs(parts.sendLagUs);
  const lateAfterMs = parts.config.late_after_ms;
  const warnings: string[] = [];
  const isBehindSchedule = scheduleLag.p99 > lateAfterMs;
  const isLoopStalled = parts.eventLoopLagMs.p99 > saturatedLoopLagMs;
  if (isBehindSchedule) {
    warnings.push(
      `the generator fell behind its own schedule (schedule lag p99 ${scheduleLag.p99}ms > ${lateAfterMs}ms): ` +
        'it is CPU-bound, so latencies include its own delay; lower --rps or add --workers',
    );
  }
  if (isLoopStalled) {
    warnings.push(`the generator's event loop stalled (lag p99 ${parts.eventLoopLagMs.p99}ms)`);
  }
  if (parts.dropped > 0) {
    warnings.push(
      `${parts.dropped} requests were not sent (more than --max-in-flight outstanding, or queued at the end)`,
    );
  }
  if (!isBehindSchedule && parts.late > 0) {
    warnings.push(
      `${parts.late} requests waited for a free connection (sent > ${lateAfterMs}ms late): ` +
        'the service answered slower than --connections allows at this rate',
    );
  }
  return {
    schedule_lag_ms: scheduleLag,
    send_lag_ms: sendLag,
    event_loop_lag_ms: parts.eventLoopLagMs,
    is_saturated: isBehindSchedule || isLoopStalled,
    warnings,
  };
}

function timelineSecondReport(second: SecondFigures, startedAtMs: number): TimelineSecondReport {
  return {
    t: Math.max(0, Math.round((second.atMs - startedAtMs) / 1000)),
    at_ms: round3(second.atMs),
    target: second.target,
    sent: second.sent,
    done: second.done,
    late: second.late,
    dropped: second.dropped,
    errors: second.errors,
    in_flight: second.inFlight,
    p50_ms: second.p50Ms,
    p99_ms: second.p99Ms,
    max_ms: second.maxMs,
    outcomes: second.outcomes,
    purchases: second.purchases,
    items_sold: second.itemsSold,
    event_loop_lag_p99_ms: second.eventLoopLagP99Ms,
    faults: second.faults,
    histogram: second.histogram,
  };
}

function secondFromReport(second: TimelineSecondReport): SecondFigures {
  return {
    second: second.t,
    atMs: second.at_ms,
    target: second.target,
    sent: second.sent,
    done: second.done,
    late: second.late,
    dropped: second.dropped,
    errors: second.errors,
    inFlight: second.in_flight,
    p50Ms: second.p50_ms,
    p99Ms: second.p99_ms,
    maxMs: second.max_ms,
    outcomes: second.outcomes as OutcomeCounts,
    purchases: second.purchases,
    itemsSold: second.items_sold,
    eventLoopLagP99Ms: second.event_loop_lag_p99_ms,
    faults: second.faults,
    histogram: second.histogram,
  };
}

function outcomeOf(key: string): OutcomeCode {
  return key.slice(key.indexOf('.') + 1) as OutcomeCode;
}

function round3(value: number): number {
  return Math.round(value * 1000) / 1000;
}
