// The one duration grammar of every flag, environment variable and setting: a number with its
// unit (`500ms`, `10s`, `5m`, `1h`, `1d`), read once at the edge into milliseconds. A bare number
// is refused: its unit would be a guess.
import ms from 'ms';

export type Milliseconds = number;

const withUnit = /^\s*\d+(\.\d+)?\s*(ms|s|m|h|d)\s*$/;

/** Milliseconds for a duration text with a unit, or null when the text is not one. */
export function parseDurationMs(text: string): Milliseconds | null {
  if (!withUnit.test(text)) return null;
  const value = ms(text.replace(/\s+/g, '') as ms.StringValue);
  return Number.isFinite(value) ? value : null;
}

/** Milliseconds the way a person writes them (`300000` → `5m`), for messages and summaries. */
export function formatDurationMs(durationMs: Milliseconds): string {
  return ms(Math.round(durationMs));
}
