// The one clock of a run's reported moments (its start, every request, faults, the sell-out):
// epoch ms read off the monotonic performance clock, never Date.now(), so they all compare.

export function epochNowMs(): number {
  return performance.timeOrigin + performance.now();
}

/** The epoch ms of a performance.now() reading. */
export function epochMsOf(performanceMs: number): number {
  return performance.timeOrigin + performanceMs;
}

/** The performance.now() reading of an epoch ms. */
export function performanceMsOf(epochMs: number): number {
  return epochMs - performance.timeOrigin;
}
