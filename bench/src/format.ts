// How figures read in the table and the README: rates with thousands separators, times in ms,
// memory in MB, ratios to two places. A missing figure reads "-".

type Figure = number | null | undefined;

const isMissing = (value: Figure): value is null | undefined =>
  value === null || value === undefined || Number.isNaN(value);

export const formatRate = (rps: Figure): string =>
  isMissing(rps) ? '-' : `${Math.round(rps).toLocaleString('en-US')}/s`;
export const formatCount = (n: Figure): string =>
  isMissing(n) ? '-' : Math.round(n).toLocaleString('en-US');
export const formatMs = (ms: Figure): string =>
  isMissing(ms) ? '-' : `${ms < 10 ? ms.toFixed(2) : ms.toFixed(1)} ms`;
export const formatMb = (bytes: Figure): string =>
  isMissing(bytes) ? '-' : `${(bytes / 2 ** 20).toFixed(0)} MB`;
export const formatRatio = (ratio: Figure): string => (isMissing(ratio) ? '-' : ratio.toFixed(2));

/** `value` to `digits` places; null for a missing figure (JSON has no NaN). */
export function round(value: Figure, digits = 2): number | null {
  return isMissing(value) ? null : Math.round(value * 10 ** digits) / 10 ** digits;
}

/** A run's verdict for a progress line: pass, or fail with its reasons. */
export const verdictText = (failures: readonly string[]): string =>
  failures.length === 0 ? 'pass' : `fail (${failures.join(', ')})`;
