import ms from 'ms';

export type Milliseconds = number;

const withUnit = /^\s*\d+(\.\d+)?\s*(ms|s|m|h|d)\s*$/;

/** Parses `500ms`, `10s`, `5m`, `1h`, `1d` into milliseconds; a bare number (no unit) is refused. */
export function parseDuration(text: string): Milliseconds | undefined {
  if (!withUnit.test(text)) return undefined;
  const value = ms(text.replace(/\s+/g, '') as ms.StringValue);
  return Number.isFinite(value) ? value : undefined;
}

/** Formats milliseconds back the way a person writes them (`300000` → `5m`). */
export function formatDuration(value: Milliseconds): string {
  return ms(value);
}
