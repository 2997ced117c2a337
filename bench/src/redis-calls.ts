// The service's batched Redis script calls over a measured window, from the difference of two
// /metrics scrapes: how many checkouts (or purchases) a call carried, and how long a call was out.
// Beside the group commit's figures they say where a request waited in the service.
import { formatMs, round } from './format.js';
import { histogramBetween, histogramQuantile, type Sample } from './prometheus.js';

export type CallScript = 'checkout' | 'purchase';

export type RedisCallFigures = Readonly<{
  calls: number;
  calls_per_s: number | null;
  inputs: number;
  inputs_per_call_mean: number | null;
  inputs_per_call_p99: number | null;
  call_ms_mean: number | null;
  call_ms_p99: number | null;
}>;

export function redisCallFigures(
  metricsBefore: readonly Sample[],
  metricsAfter: readonly Sample[],
  script: CallScript,
  windowS: number,
): RedisCallFigures {
  const between = (name: string) => histogramBetween(metricsBefore, metricsAfter, name, { script });
  const inputs = between('flashsale_redis_call_inputs');
  const seconds = between('flashsale_redis_call_duration_seconds');
  return {
    calls: inputs.count,
    calls_per_s: round(inputs.count / windowS, 0),
    inputs: inputs.sum,
    inputs_per_call_mean: round(inputs.sum / inputs.count),
    inputs_per_call_p99: round(histogramQuantile(0.99, inputs)),
    call_ms_mean: round((seconds.sum / seconds.count) * 1000),
    call_ms_p99: round(histogramQuantile(0.99, seconds) * 1000),
  };
}

/** e.g. `0.8 ms (21.3 a call)`. */
export const formatRedisCalls = (calls: RedisCallFigures): string =>
  `${formatMs(calls.call_ms_mean)} (${calls.inputs_per_call_mean ?? '-'} a call)`;
