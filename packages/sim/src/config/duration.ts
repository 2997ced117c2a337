// Durations such as `500ms`, `10s`, `5m`, `1h`, read once at the edge into milliseconds.
import ms from 'ms';

const durationPattern = /^\d+(\.\d+)?(ms|s|m|h)$/;

/** Milliseconds for a duration text with a unit, or null when the text is not one. */
export function parseDurationMs(text: string): number | null {
  const trimmed = text.trim();
  if (!durationPattern.test(trimmed)) return null;
  return ms(trimmed as ms.StringValue);
}

/** `1500` → `1.5s`, for messages and summaries. */
export function formatDurationMs(durationMs: number): string {
  return ms(Math.round(durationMs));
}
