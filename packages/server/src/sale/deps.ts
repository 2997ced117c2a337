// What the sale operations need, built once per process by start.ts: the two doors (admission
// to Redis, the store to Postgres), the store's group commits, and the process's own parts.
import type { Admission } from '../admission/admission.js';
import type { ServerConfig } from '../config/settings.js';
import type { Logger } from '../observe/log.js';
import type { Metrics } from '../observe/metrics.js';
import type { GroupCommit } from '../store/group-commit.js';
import type { AttemptRow, PurchaseRow, PurchaseWrite, SaleStore } from '../store/sale-store.js';
import type { SaleBook } from './book.js';
import type { Clock } from './clock.js';
import type { Rebuilder } from './rebuild.js';

export type SaleDeps = {
  config: Readonly<ServerConfig>;
  clock: Clock;
  admission: Admission;
  store: SaleStore;
  attempts: GroupCommit<AttemptRow, true>;
  purchases: GroupCommit<PurchaseRow, PurchaseWrite>;
  sales: SaleBook;
  rebuilder: Rebuilder;
  metrics: Metrics;
  log: Logger;
};
