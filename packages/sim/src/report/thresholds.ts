// --threshold objectives, as in k6: each keeps its source text, is parsed once before the run and
// checked against what its metric supports, then evaluated against the final report.
import { SimError } from '../errors.js';
import type { SimReport } from './types.js';

type LatencyStat = 'p50' | 'p90' | 'p99' | 'p999' | 'max' | 'mean';
type Operator = '<' | '<=' | '>' | '>=';

const latencyStats: readonly LatencyStat[] = ['p50', 'p90', 'p99', 'p999', 'max', 'mean'];
/** Latency metrics: the overall response time, or one endpoint's. */
const latencyMetrics = ['latency', 'checkout', 'purchase'] as const;
/** Counted metrics: a count, or with `%` a share of requests (of scheduled slots for dropped). */
const countedMetrics = ['errors', 'late', 'dropped'] as const;
const rateMetrics = ['rps'] as const;
const metricNames = [...latencyMetrics, ...countedMetrics, ...rateMetrics];

type LatencyMetric = (typeof latencyMetrics)[number];
type CountedMetric = (typeof countedMetrics)[number];

export type Threshold = Readonly<
  { source: string; operator: Operator; limit: number } & (
    | { kind: 'latency'; metric: LatencyMetric; stat: LatencyStat }
    | { kind: 'count'; metric: CountedMetric }
    | { kind: 'share'; metric: CountedMetric }
    | { kind: 'rate'; metric: 'rps' }
  )
>;

export type ThresholdResult = Readonly<{
  source: string;
  isPassed: boolean;
  actual: number;
  actualText: string;
}>;

const thresholdPattern =
  /^([a-z_][a-z0-9_]*?)(?:\.([a-z0-9]+(?:\.[0-9]+)?))?\s*(<=|>=|<|>)\s*(\d+(?:\.\d+)?)\s*(ms|s|us|%)?$/;
const msPerUnit: Readonly<Record<string, number>> = { us: 0.001, ms: 1, s: 1000 };

/** Parses one objective such as `checkout.p99<50ms`, `errors<0.1%`, `dropped<1` or `rps>=990`. */
export function parseThreshold(source: string): Threshold {
  const fail = (reason: string): never => {
    throw new SimError('invalid_threshold', `--threshold '${source}': ${reason}`, { flag: '--threshold' });
  };
  const match = thresholdPattern.exec(source.trim());
  if (match === null)
    return fail('expected metric[.stat]<op><value>[unit], e.g. checkout.p99<50ms or errors<0.1%');
  const [, metric = '', rawStat, operatorText, limitText, unit] = match;
  const operator = operatorText as Operator;
  const limit = Number(limitText);
  if (isOneOf(metric, latencyMetrics)) {
    const stat = rawStat === 'p99.9' ? 'p999' : rawStat;
    if (stat === undefined || !isOneOf(stat, latencyStats)) {
      return fail(`${metric} supports ${latencyStats.join(', ')} with ms, s or us (e.g. ${metric}.p99<50ms)`);
    }
    if (unit === '%') return fail(`${metric}.${stat} is a duration: use ms, s or us`);
    return { source, operator, limit: limit * (msPerUnit[unit ?? 'ms'] ?? 1), kind: 'latency', metric, stat };
  }
  if (isOneOf(metric, countedMetrics)) {
    if (rawStat !== undefined || (unit !== undefined && unit !== '%')) {
      return fail(`${metric} supports a count (${metric}<10) or a share of requests (${metric}<0.1%)`);
    }
    return { source, operator, limit, kind: unit === '%' ? 'share' : 'count', metric };
  }
  if (metric === 'rps') {
    if (rawStat !== undefined || unit !== undefined) return fail('rps supports a plain rate, e.g. rps>=990');
    return { source, operator, limit, kind: 'rate', metric };
  }
  return fail(`unknown metric '${metric}'; supported: ${metricNames.join(', ')}`);
}

export function parseThresholds(sources: readonly string[]): readonly Threshold[] {
  return sources.map(parseThreshold);
}

/** Evaluates every objective against a finished (or merged) report. */
export function checkThresholds(report: SimReport, thresholds: readonly Threshold[]): ThresholdResult[] {
  return thresholds.map((threshold) => {
    const { actual, actualText } = measure(report, threshold);
    return {
      source: threshold.source,
      isPassed: compare(actual, threshold.operator, threshold.limit),
      actual,
      actualText,
    };
  });
}

function measure(report: SimReport, threshold: Threshold): { actual: number; actualText: string } {
  switch (threshold.kind) {
    case 'latency': {
      const summary =
        threshold.metric === 'latency' ? report.latency_ms : report.by_endpoint[threshold.metric].latency_ms;
      const actual = summary[threshold.stat];
      return { actual, actualText: `${actual}ms` };
    }
    case 'count': {
      const actual = report[threshold.metric];
      return { actual, actualText: String(actual) };
    }
    case 'share': {
      const whole = threshold.metric === 'dropped' ? report.scheduled : report.requests;
      const actual = whole === 0 ? 0 : (100 * report[threshold.metric]) / whole;
      return { actual, actualText: `${Number(actual.toFixed(4))}%` };
    }
    case 'rate':
      return { actual: report.achieved_rps, actualText: `${report.achieved_rps}/s` };
  }
}

function compare(actual: number, operator: Operator, limit: number): boolean {
  switch (operator) {
    case '<':
      return actual < limit;
    case '<=':
      return actual <= limit;
    case '>':
      return actual > limit;
    case '>=':
      return actual >= limit;
  }
}

function isOneOf<T extends string>(value: string, options: readonly T[]): value is T {
  return (options as readonly string[]).includes(value);
}
