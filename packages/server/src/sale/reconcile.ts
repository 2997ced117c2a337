// The reconciler keeps Redis and Postgres telling the same story, at start-up and every
// RECONCILE_INTERVAL, for every sale whose holds may still be live:
//   - releases holds that lapsed while nobody asked (so items return to sale without traffic);
//   - settles purchases admitted in Redis whose request died before Postgres had them: rolled
//     forward (the hold came from a durable checkout) or, if Postgres refuses, undone;
//   - shows in Redis purchases that only Postgres has (a write that landed although its request
//     saw an error); it only ever raises what Redis counts, never lowers it from Postgres;
//   - rebuilds a sale whose keys vanished, opens the next sale ahead of its start, and keeps the
//     keys' expiry a day past the sale.
// Every step is idempotent; a per-sale lock in Redis only saves duplicate work between instances.
import { randomUUID } from 'node:crypto';
import { type Milliseconds, nextSaleStartMs, saleIdAt } from '@flashsale/protocol';
import type { PurchaseRecord } from '../admission/admission.js';
import { saleDataKeys, saleKeys } from '../admission/keys.js';
import { isConnectionFailure } from '../store/failures.js';
import type { PurchaseRow } from '../store/purchases.js';
import type { SaleDeps } from './deps.js';
import type { SaleInfo } from './open.js';
import { retainUntilMs } from './rebuild.js';
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
  const token = randomUUID();
  let running: Promise<ReconcileReport[]> | undefined;
  let isStopped = false;

  async function runOnce(): Promise<ReconcileReport[]> {
    const nowMs = deps.clock();
    const { saleDurationMs, holdTtlMs } = deps.config;
    const current = saleIdAt(nowMs, saleDurationMs);
    await deps.sales.open(current);
    const leadMs = Math.min(60_000, saleDurationMs / 4);
    if (nextSaleStartMs(nowMs, saleDurationMs) - nowMs <= leadMs) await deps.sales.open(current + 1);
    if (!options.isEnabled) return [];

    const oldest = Math.max(
      saleIdAt(nowMs - holdTtlMs - PENDING_GRACE_MS, saleDurationMs),
      current - MAX_SALES_PER_PASS,
    );
    const reports: ReconcileReport[] = [];
    for (let saleId = current; saleId >= oldest; saleId--) {
      const sale = await deps.sales.find(saleId);
      if (sale === undefined) continue;
      const report = await reconcileSale(deps, sale, token);
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

async function reconcileSale(
  deps: SaleDeps,
  sale: SaleInfo,
  token: string,
): Promise<ReconcileReport | undefined> {
  const keys = saleKeys(sale.saleId);
  const isMine = (await deps.redis.set(keys.reconcileLock, token, 'PX', LOCK_TTL_MS, 'NX')) === 'OK';
  if (!isMine) return undefined; // another instance is on it right now
  try {
    return await reconcileLockedSale(deps, sale);
  } finally {
    await deps.redis.eval(RELEASE_IF_MINE, 1, keys.reconcileLock, token).catch(() => undefined); // expires anyway
  }
}

const LOCK_TTL_MS = 30_000;
const RELEASE_IF_MINE =
  "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0";

async function reconcileLockedSale(deps: SaleDeps, sale: SaleInfo): Promise<ReconcileReport> {
  await deps.rebuilder.ensure(sale);
  const before = await deps.admission.saleCounts(sale.saleId, deps.clock(), 10_000);
  const report: ReconcileReport = { saleId: sale.saleId, rolledForward: 0, undone: 0, applied: 0 };
  if (before.kind === 'rebuild') return report; // vanished again since ensure(): the next pass rebuilds

  await settlePending(deps, sale, report);
  report.applied = await applyMissingPurchases(deps, sale);

  const retainUntil = retainUntilMs(sale);
  const tx = deps.redis.multi();
  for (const key of saleDataKeys(sale.saleId)) {
    tx.pexpireat(key, retainUntil);
  }
  await tx.exec();

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
  const keys = saleKeys(sale.saleId);
  const nowMs = deps.clock();
  // Scored by admission time: that is when the purchase happened, and what its row records.
  const scored = await deps.redis.zrangebyscore(
    keys.pending,
    '-inf',
    nowMs - PENDING_GRACE_MS,
    'WITHSCORES',
    'LIMIT',
    0,
    PENDING_PER_PASS,
  );
  const codes = scored.filter((_, i) => i % 2 === 0);
  const admittedAtMs = scored.filter((_, i) => i % 2 === 1).map(Number);
  if (codes.length === 0) return;
  const entries = await deps.redis.hmget(keys.purchased, ...codes);
  const rows: PurchaseRow[] = [];
  const orphans: string[] = [];
  codes.forEach((code, i) => {
    const entry = entries[i];
    const parsed = entry == null ? undefined : parsePurchased(code, entry);
    if (parsed === undefined) {
      orphans.push(code);
      return;
    }
    rows.push({
      purchaseId: parsed.purchaseId,
      saleId: sale.saleId,
      itemId: parsed.itemId,
      userId: parsed.userId,
      slot: parsed.slot,
      code,
      // The request that admitted it, so the verifier can match the row to what its client saw.
      requestId: parsed.requestId,
      holdExpiresAtMs: parsed.holdExpiresAtMs,
      purchasedAtMs: admittedAtMs[i]!,
    });
  });
  const results = await deps.writePurchasesNow(rows);
  const durable: string[] = [...orphans];
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i]!;
    const result = results[i]!;
    if (result.status === 'refused') {
      await deps.admission.undoPurchase(sale.saleId, row.code, nowMs, result.isSlotTaken);
      report.undone += 1;
    } else {
      durable.push(row.code);
      if (result.status === 'stored') report.rolledForward += 1;
    }
  }
  await deps.admission.confirmPurchases(sale.saleId, durable);
}

const countPurchases = 'SELECT count(*)::int AS n FROM purchases WHERE sale_id = $1';
const selectPurchases = `
  SELECT code, purchase_id, item_id, user_id, slot, request_id,
         (extract(epoch FROM hold_expires_at) * 1000)::int8::text AS expires_ms
  FROM purchases WHERE sale_id = $1`;

/**
 * Purchases Postgres has and Redis does not show. Every Postgres row comes from a Redis admission,
 * so Postgres can only count more than Redis' purchased hash (pending ones included) when Redis
 * lost some; only then is the whole sale compared, which costs a scan of both.
 */
async function applyMissingPurchases(deps: SaleDeps, sale: SaleInfo): Promise<number> {
  const keys = saleKeys(sale.saleId);
  const [{ rows }, inRedis] = await Promise.all([
    deps.pool.query<{ n: number }>({ name: 'reconcile_count', text: countPurchases, values: [sale.saleId] }),
    deps.redis.hlen(keys.purchased),
  ]);
  if (rows[0]!.n <= inRedis) return 0;

  const all = await deps.pool.query<{
    code: string;
    purchase_id: string;
    item_id: number;
    user_id: string;
    slot: number;
    request_id: string;
    expires_ms: string;
  }>({ name: 'reconcile_purchases', text: selectPurchases, values: [sale.saleId] });
  const known = new Set(await deps.redis.hkeys(keys.purchased));
  const missing: PurchaseRecord[] = all.rows
    .filter((r) => !known.has(r.code))
    .map((r) => ({
      code: r.code,
      purchaseId: r.purchase_id,
      itemId: r.item_id,
      userId: r.user_id,
      slot: r.slot,
      holdExpiresAtMs: Number(r.expires_ms),
      requestId: r.request_id,
    }));
  return deps.admission.applyPurchases(sale.saleId, missing);
}

function parsePurchased(code: string, entry: string) {
  const parts = entry.split('|');
  if (parts.length < 5 || parts.length > 6) return undefined;
  return {
    code,
    purchaseId: parts[0]!,
    itemId: Number(parts[1]),
    userId: parts[2]!,
    slot: Number(parts[3]),
    holdExpiresAtMs: Number(parts[4]),
    requestId: parts[5] || 'reconciler',
  };
}
