// Every fault kind's definition. A new kind is a file of its own implementing FaultDefinition
// (fault.ts), named in kinds.ts and here; the compiler points at whatever else still misses it
// (the chaos test's evidence checks among them).
import type { EvidenceOf, FaultDefinition } from './fault.js';
import { flushRedis } from './flush-redis.js';
import { killServer } from './kill-server.js';
import { killWorker } from './kill-worker.js';
import type { FaultKind } from './kinds.js';
import { pgDrop } from './pg-drop.js';
import { restartRedis } from './restart-redis.js';

/** A kind without a definition, or a definition without a kind, does not compile. */
export const faultDefinitions = {
  'kill-worker': killWorker,
  'kill-server': killServer,
  'flush-redis': flushRedis,
  'restart-redis': restartRedis,
  'pg-drop': pgDrop,
} satisfies Record<FaultKind, FaultDefinition<unknown>>;

/**
 * What shows a fault really happened, per kind (written to chaos.json): a fault that did nothing
 * (no worker to kill, no key to delete) must not pass for one that was survived.
 */
export type FaultEvidence = { [K in FaultKind]: EvidenceOf<(typeof faultDefinitions)[K]> };
