// How figures read on the page: counts grouped, latencies with sensible decimals, shares in percent.

export function formatCount(count: number): string {
  return Math.round(count).toLocaleString('en-US');
}

export function formatMs(ms: number): string {
  const decimals = ms < 1 ? 3 : ms < 10 ? 2 : ms < 100 ? 1 : 0;
  return `${ms.toLocaleString('en-US', { minimumFractionDigits: decimals, maximumFractionDigits: decimals })} ms`;
}

export function formatRate(perSecond: number): string {
  return `${perSecond.toLocaleString('en-US', { maximumFractionDigits: perSecond < 10 ? 1 : 0 })}/s`;
}

export function formatShare(part: number, whole: number): string {
  if (whole === 0) return '0%';
  const percent = (100 * part) / whole;
  return `${percent.toLocaleString('en-US', { maximumFractionDigits: percent < 1 ? 2 : 1 })}%`;
}

/** 850 ms, 12.3 s, 2 min 5 s. */
export function formatDurationMs(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 120_000) return `${(ms / 1000).toLocaleString('en-US', { maximumFractionDigits: 1 })} s`;
  const seconds = Math.round(ms / 1000);
  return `${Math.floor(seconds / 60)} min ${seconds % 60} s`;
}
