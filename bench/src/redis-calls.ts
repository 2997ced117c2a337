// The service's batched Redis script calls over a measured window, from the difference of two
// /metrics scrapes: how many checkouts (or purchases) a call carried, and how long a call was out.
// Beside the group commit's figures they say where a request waited in the service.
import { batchFigures } from './batches.js';
import { formatMs } from './format.js';
import type { Sample } from './prometheus.js';

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
  const calls = batchFigures(
    metricsBefore,
    metricsAfter,
    {
      size: 'flashsale_redis_call_inputs',
      seconds: 'flashsale_redis_call_duration_seconds',
      labels: { script },
    },
    windowS,
  );
  return {
    calls: calls.batches,
    calls_per_s: calls.batches_per_s,
    inputs: calls.items,
    inputs_per_call_mean: calls.size_mean,
    inputs_per_call_p99: calls.size_p99,
    call_ms_mean: calls.ms_mean,
    call_ms_p99: calls.ms_p99,
  };
}

/** e.g. `0.8 ms (21.3 a call)`. */
export const formatRedisCalls = (calls: RedisCallFigures): string =>
  `${formatMs(calls.call_ms_mean)} (${calls.inputs_per_call_mean ?? '-'} a call)`;
