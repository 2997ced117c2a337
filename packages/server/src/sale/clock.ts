// The service's sense of now, injected so expiry can be tested without sleeping. Which sale a
// moment belongs to is @flashsale/protocol's sale-period arithmetic, shared with the clients.
import type { Milliseconds } from '@flashsale/protocol';

/** The current time in epoch milliseconds. */
export type Clock = () => Milliseconds;

export const systemClock: Clock = () => Date.now();
