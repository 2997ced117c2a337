// The reconciler keeps Redis and Postgres telling the same story, at start-up and every
// RECONCILE_INTERVAL, for every sale whose holds may still be live:
//   - releases holds that lapsed while nobody asked (so items return to sale without traffic);
//   - settles purchases admitted in Redis whose request died before Postgres had them: rolled
//     forward (the hold came from a durable checkout) or, if Postgres refuses, undone;
//   - shows in Redis purchases that only Postgres has (a write that landed although its request
//     saw an error); it only ever raises what Redis counts, never lowers it from Postgres;
//   - rebuilds a sale whose keys vanished and keeps the keys' expiry a day past the sale (the next
//     sale is prepared ahead of its start by prepare.ts).
// Every step is idempotent; a per-sale lock in Redis only saves duplicate work between instances.
import { type Milliseconds, saleIdAt } from '@flashsale/protocol';
import { isConnectionFailure } from '../store/failures.js';
import type { PurchaseRow, SaleInfo } from '../store/sale-store.js';
import type { SaleDeps } from './deps.js';
import { PENDING_GRACE_MS } from './timing.js';

const PENDING_PER_PASS = 500;
const MAX_SALES_PER_PASS = 64;

export type ReconcileReport = {
  saleId: number;
  rolledForward: number;
  undone: number;
  applied: number;
};

export type Reconciler = {
  runOnce(): Promise<ReconcileReport[]>;
  stop(): Promise<void>;
};

export function startReconciler(
  deps: SaleDeps,
  options: { intervalMs: Milliseconds; isEnabled: boolean },
): Reconciler {
  let running: Promise<ReconcileReport[]> | undefined;
  let isStopped = false;

  async function runOnce(): Promise<ReconcileReport[]> {
    const nowMs = deps.clock();
    const { saleDurationMs, holdTtlMs } = deps.config;
    const current = saleIdAt(nowMs, saleDurationMs);
    await deps.sales.open(current);
    if (!options.isEnabled) return [];

    const oldest = Math.max(
      saleIdAt(nowMs - holdTtlMs - PENDING_GRACE_MS, saleDurationMs),
      current - MAX_SALES_PER_PASS,
    );
    const reports: ReconcileReport[] = [];
    for (let saleId = current; saleId >= oldest; saleId--) {
      const sale = await deps.sales.find(saleId);
      if (sale === undefined) continue;
      const report = await reconcileSale(deps, sale);
      if (report !== undefined) reports.push(report);
    }
    return reports;
  }

  function tick(): Promise<ReconcileReport[]> {
    if (running === undefined) {
      running = runOnce()
        .catch((error: unknown) => {
          const event = isConnectionFailure(error) ? 'reconcile_deferred' : 'reconcile_failed';
          deps.log.warn(event, { error });
          return [];
        })
        .finally(() => {
          running = undefined;
        });
    }
    return running;
  }

  const timer = setInterval(() => {
    if (!isStopped) void tick();
  }, options.intervalMs);
  timer.unref();
  void tick();

  return {
    // A pass already running may have started before the caller's change: wait, then run anew.
    runOnce: async () => {
      await running;
      return tick();
    },
    async stop() {
      isStopped = true;
      clearInterval(timer);
      await running;
    },
  };
}

async function reconcileSale(deps: SaleDeps, sale: SaleInfo): Promise<ReconcileReport | undefined> {
  const lock = await deps.admission.lockSale(sale.saleId, 'reconcile', LOCK_TTL_MS);
  if (lock === undefined) return undefined; // another instance is on it right now
  try {
    return await reconcileLockedSale(deps, sale);
  } finally {
    await lock.release().catch(() => undefined); // expires anyway
  }
}

const LOCK_TTL_MS = 30_000;

async function reconcileLockedSale(deps: SaleDeps, sale: SaleInfo): Promise<ReconcileReport> {
  await deps.rebuilder.ensure(sale);
  const before = await deps.admission.saleCounts(sale.saleId, deps.clock(), 10_000);
  const report: ReconcileReport = { saleId: sale.saleId, rolledForward: 0, undone: 0, applied: 0 };
  if (before.kind === 'rebuild') return report; // vanished again since ensure(): the next pass rebuilds

  await settlePending(deps, sale, report);
  report.applied = await applyMissingPurchases(deps, sale);
  await deps.admission.retainSale(sale);

  if (report.rolledForward + report.undone + report.applied > 0) {
    deps.log.info('reconciled', { ...report });
    deps.metrics.reconciled.inc({ action: 'rolled_forward' }, report.rolledForward);
    deps.metrics.reconciled.inc({ action: 'undone' }, report.undone);
    deps.metrics.reconciled.inc({ action: 'applied_from_postgres' }, report.applied);
  }
  return report;
}

/** Purchases admitted in Redis long enough ago that their own request must be gone. */
async function settlePending(deps: SaleDeps, sale: SaleInfo, report: ReconcileReport): Promise<void> {
  const nowMs = deps.clock();
  const pending = await deps.admission.pendingPurchases(
    sale.saleId,
    nowMs - PENDING_GRACE_MS,
    PENDING_PER_PASS,
  );
  if (pending.length === 0) return;
  const rows: PurchaseRow[] = [];
  const orphans: string[] = [];
  for (const { code, admittedAtMs, entry } of pending) {
    if (entry === undefined) {
      orphans.push(code);
      continue;
    }
    rows.push({
      purchaseId: entry.purchaseId,
      saleId: sale.saleId,
      itemId: entry.itemId,
      userId: entry.userId,
      slot: entry.slot,
      code,
      // The request that admitted it, so the verifier can match the row to what its client saw.
      requestId: entry.requestId || 'reconciler',
      holdExpiresAtMs: entry.holdExpiresAtMs,
      purchasedAtMs: admittedAtMs,
    });
  }
  const results = await deps.store.writePurchases(rows);
  const durable: string[] = [...orphans];
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i]!;
    const result = results[i]!;
    if (result.status === 'refused') {
      await deps.admission.undoPurchase(sale.saleId, row.code, nowMs, result.isSlotTaken);
      report.undone += 1;
    } else if (result.status === 'exists' && result.stored.slot !== row.slot) {
      // Admitted anew after a rebuild that missed its first purchase: Postgres' slot wins.
      await deps.admission.adoptPurchase(sale.saleId, result.stored, result.isSlotTaken);
    } else {
      durable.push(row.code);
      if (result.status === 'stored') report.rolledForward += 1;
    }
  }
  await deps.admission.confirmPurchases(sale.saleId, durable);
}

/**
 * Purchases Postgres has and Redis does not show. Every Postgres row comes from a Redis admission,
 * so Postgres can only count more than Redis' purchased hash (pending ones included) when Redis
 * lost some; only then is the whole sale compared, which costs a scan of both.
 */
async function applyMissingPurchases(deps: SaleDeps, sale: SaleInfo): Promise<number> {
  const [inPostgres, inRedis] = await Promise.all([
    deps.store.countPurchases(sale.saleId),
    deps.admission.countPurchased(sale.saleId),
  ]);
  if (inPostgres <= inRedis) return 0;
  const all = await deps.store.purchasesOf(sale.saleId);
  const known = await deps.admission.purchasedCodes(sale.saleId);
  return deps.admission.applyPurchases(
    sale.saleId,
    all.filter((p) => !known.has(p.code)),
  );
}
