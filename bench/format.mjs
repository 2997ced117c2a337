// How figures read in the table and the README: rates with thousands separators, times in ms,
// memory in MB, ratios to two places. A missing figure reads "-".

const missing = (value) => value === null || value === undefined || Number.isNaN(value);

export const formatRate = (rps) => (missing(rps) ? '-' : `${Math.round(rps).toLocaleString('en-US')}/s`);
export const formatCount = (n) => (missing(n) ? '-' : Math.round(n).toLocaleString('en-US'));
export const formatMs = (ms) => (missing(ms) ? '-' : `${ms < 10 ? ms.toFixed(2) : ms.toFixed(1)} ms`);
export const formatMb = (bytes) => (missing(bytes) ? '-' : `${(bytes / 2 ** 20).toFixed(0)} MB`);
export const formatRatio = (ratio) => (missing(ratio) ? '-' : ratio.toFixed(2));

export const round = (value, digits = 2) =>
  missing(value) ? null : Math.round(value * 10 ** digits) / 10 ** digits;
