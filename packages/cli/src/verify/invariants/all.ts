// Every invariant of SPEC section 4, in the SPEC's order. The Record makes a missing id a
// compile error.
import type { InvariantId } from '../report.js';
import { ackedDurable } from './acked-durable.js';
import { attemptsPersisted } from './attempts-persisted.js';
import type { Invariant } from './invariant.js';
import { noOversell } from './no-oversell.js';
import { noStuckHolds } from './no-stuck-holds.js';
import { provenance } from './provenance.js';
import { redisAgrees } from './redis-agrees.js';
import { sellOut } from './sell-out.js';
import { userLimit } from './user-limit.js';

export const invariants: Readonly<Record<InvariantId, Invariant>> = {
  'no-oversell': noOversell,
  'sell-out': sellOut,
  'user-limit': userLimit,
  provenance,
  'attempts-persisted': attemptsPersisted,
  'acked-durable': ackedDurable,
  'redis-agrees': redisAgrees,
  'no-stuck-holds': noStuckHolds,
};
