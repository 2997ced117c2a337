// Durations the bench passes to `flashsale serve` and `flashsale simulate`, written in the one
// duration grammar of @flashsale/protocol.
import { formatDurationMs, type Milliseconds, parseDurationMs } from '@flashsale/protocol';

/** The way a person writes it when that is exact (8s, 7d), else in ms (formatDurationMs rounds). */
export function durationFlag(durationMs: Milliseconds): string {
  const text = formatDurationMs(durationMs);
  return parseDurationMs(text) === durationMs ? text : `${durationMs}ms`;
}
