// The service's sense of now, injected so expiry can be tested without sleeping. Which sale a
// moment belongs to is @flashsale/protocol's sale-period arithmetic, shared with the clients.
//
// Every instance must agree on now: the sale id and every hold's deadline come from it, and
// instances decide on each other's holds. So the service's clock is its own clock aligned to one
// source all instances share, Redis' TIME (in a cluster, always the node of one fixed slot): the
// offset is measured at start-up (the best of a few round trips) and again every SYNC_INTERVAL_MS.
// Two instances then disagree by at most half of each one's sync round trip plus the drift of
// their clocks since the last sync (well under 100 ms on a LAN), whatever their own clocks say.
import type { Milliseconds } from '@flashsale/protocol';

/** The current time in epoch milliseconds. */
export type Clock = () => Milliseconds;

export const systemClock: Clock = () => Date.now();

export const SYNC_INTERVAL_MS: Milliseconds = 10_000;
const SAMPLES = 3;

export type SharedClock = {
  clock: Clock;
  /** The last measured offset (shared minus local) and the round trip it was measured with. */
  offset(): { offsetMs: number; roundTripMs: number };
  /** Measures the offset again now. */
  sync(): Promise<void>;
  stop(): void;
};

/**
 * `local` aligned to `sharedMs` (Redis TIME). Rejects when the shared source cannot be read at
 * start; later syncs that fail keep the last offset and call `onSyncFailed`.
 */
export async function createSharedClock(
  sharedMs: () => Promise<Milliseconds>,
  options: { local?: Clock; onSyncFailed?: (error: unknown) => void } = {},
): Promise<SharedClock> {
  const local = options.local ?? systemClock;
  let best = await measure(sharedMs, local);
  const sync = async () => {
    best = await measure(sharedMs, local);
  };
  const timer = setInterval(() => {
    sync().catch((error: unknown) => options.onSyncFailed?.(error));
  }, SYNC_INTERVAL_MS);
  timer.unref();
  return {
    clock: () => local() + best.offsetMs,
    offset: () => best,
    sync,
    stop: () => clearInterval(timer),
  };
}

async function measure(
  sharedMs: () => Promise<Milliseconds>,
  local: Clock,
): Promise<{ offsetMs: number; roundTripMs: number }> {
  let best: { offsetMs: number; roundTripMs: number } | undefined;
  for (let i = 0; i < SAMPLES; i++) {
    const before = local();
    const shared = await sharedMs();
    const after = local();
    const roundTripMs = after - before;
    // The shared reading was taken somewhere inside the round trip: its middle is the best guess.
    const sample = { offsetMs: Math.round(shared - (before + after) / 2), roundTripMs };
    if (best === undefined || sample.roundTripMs < best.roundTripMs) best = sample;
  }
  return best!;
}
