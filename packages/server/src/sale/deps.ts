import type { Redis } from 'ioredis';
import type pg from 'pg';
import type { Admission } from '../admission/admission.js';
import type { ServerConfig } from '../config/settings.js';
import type { Logger } from '../observe/log.js';
import type { Metrics } from '../observe/metrics.js';
import type { AttemptRow } from '../store/attempts.js';
import type { GroupCommit } from '../store/group-commit.js';
import type { PurchaseRow, PurchaseWrite } from '../store/purchases.js';
import type { SaleBook } from './book.js';
import type { Clock } from './clock.js';
import type { createRebuilder } from './rebuild.js';

/** What the sale operations need; built once per server in index wiring. */
export type SaleDeps = {
  config: Readonly<ServerConfig>;
  clock: Clock;
  pool: pg.Pool;
  redis: Redis;
  admission: Admission;
  attempts: GroupCommit<AttemptRow, true>;
  purchases: GroupCommit<PurchaseRow, PurchaseWrite>;
  /** The same write as `purchases`, outside group commit (the reconciler's path). */
  writePurchasesNow: (rows: readonly PurchaseRow[]) => Promise<readonly PurchaseWrite[]>;
  sales: SaleBook;
  rebuilder: ReturnType<typeof createRebuilder>;
  metrics: Metrics;
  log: Logger;
};
