// The one door to Postgres, the durable record: what the rest of the service may ask of it, and
// what each answer guarantees. `pg/` implements it; nothing outside `store/` imports pg.
//
// Failures: every method rejects when it cannot answer. An error for which isConnectionFailure()
// (store/failures.ts) is true means Postgres is unavailable right now (the caller answers 503 and
// may retry); any other error is a bug. A statement never runs longer than STATEMENT_TIMEOUT_MS
// (store/timeouts.ts), so a write has either landed or failed by then.
import type { Milliseconds } from '@flashsale/protocol';

/** A sale as stored: its row in `sales`. */
export type SaleInfo = {
  saleId: number;
  startsAtMs: Milliseconds;
  endsAtMs: Milliseconds;
  size: number;
  userLimit: number;
  holdTtlMs: Milliseconds;
};

/** The name and picture of an item, written once when its sale opens. */
export type ItemText = { name: string; imageUrl: string };

export type ItemRow = ItemText & { itemId: number };

export type AttemptOutcome = 'ok' | 'sold_out' | 'item_held' | 'user_limit';

/** One checkout attempt, admitted or refused; `attemptId` is its own key. */
export type AttemptRow = {
  attemptId: string;
  requestId: string;
  saleId: number;
  userId: string;
  itemId: number;
  outcome: AttemptOutcome;
  code: string | null;
  expiresAtMs: Milliseconds | null;
  attemptedAtMs: Milliseconds;
};

/** A purchase to make durable; `code` is unique, `purchaseId` derived from it. */
export type PurchaseRow = {
  purchaseId: string;
  saleId: number;
  itemId: number;
  userId: string;
  slot: number;
  code: string;
  requestId: string;
  holdExpiresAtMs: Milliseconds;
  purchasedAtMs: Milliseconds;
};

export type PurchaseWrite =
  | { status: 'stored' }
  /**
   * The code had already been made durable: a retry, the reconciler got there first, or Redis
   * admitted the code anew after a rebuild that missed its first purchase, still in flight.
   * `stored`: the row as Postgres has it (its slot and time may differ from the row written);
   * `isSlotTaken`: another purchase of this buyer holds the written row's slot.
   */
  | { status: 'exists'; stored: StoredPurchase; isSlotTaken: boolean }
  /**
   * Postgres refused the row: the item is sold to another code, or the buyer has no free slot.
   * `isSlotTaken`: another purchase of this buyer holds the row's slot (whatever the reason).
   */
  | { status: 'refused'; reason: 'item_sold' | 'slot_taken' | 'invalid'; isSlotTaken: boolean };

/** A purchase Postgres has, as the sale's Redis state records it. */
export type PurchaseRecord = {
  code: string;
  purchaseId: string;
  requestId: string;
  itemId: number;
  userId: string;
  slot: number;
  holdExpiresAtMs: Milliseconds;
};

/** A purchase as Postgres has it, with the moment it was admitted. */
export type StoredPurchase = PurchaseRecord & { purchasedAtMs: Milliseconds };

/** A code an admitted checkout handed out and no purchase used, with its latest deadline. */
export type CodeRecord = { code: string; itemId: number; userId: string; expiresAtMs: Milliseconds };

/** Everything a sale's Redis state is rebuilt from. */
export type SaleRecords = { purchases: PurchaseRecord[]; codes: CodeRecord[] };

export type PoolStats = { total: number; idle: number; waiting: number };

export interface SaleStore {
  /** The sale's row, or undefined when no instance has opened it. */
  findSale(saleId: number): Promise<SaleInfo | undefined>;

  /**
   * Creates the sale with its items (named by `itemText`) and its purchase slots unless it exists,
   * all or nothing. Any number of instances may race: exactly one creates it (`isNew`), and every
   * caller gets the sale as stored, which may differ from `sale` when another instance won.
   */
  openSale(
    sale: SaleInfo,
    itemText: (itemId: number) => ItemText,
  ): Promise<{ sale: SaleInfo; isNew: boolean }>;

  /** Up to `limit` items of the sale with ids from `fromItemId` on, by id. */
  itemsPage(saleId: number, fromItemId: number, limit: number): Promise<ItemRow[]>;

  /**
   * Makes the attempts durable (group commit's flush): resolves once committed, one `true` per
   * row. Idempotent by attemptId, so a batch retried after a lost connection is harmless.
   */
  writeAttempts(rows: readonly AttemptRow[]): Promise<readonly true[]>;

  /**
   * Makes the purchases durable: resolves once committed, with each row's result by index.
   * Idempotent by code (`exists`). A row the constraints refuse is `refused` (never thrown)
   * and does not keep the other rows from landing.
   */
  writePurchases(rows: readonly PurchaseRow[]): Promise<readonly PurchaseWrite[]>;

  /** The sale's purchases and its unpurchased codes, read for a rebuild of its Redis state. */
  saleRecords(saleId: number): Promise<SaleRecords>;

  /** How many purchases of the sale are durable. */
  countPurchases(saleId: number): Promise<number>;

  /** Every durable purchase of the sale. */
  purchasesOf(saleId: number): Promise<PurchaseRecord[]>;

  /** Resolves when Postgres answers a trivial statement. */
  ping(): Promise<void>;

  /** Connections of the pool, for the metrics. */
  poolStats(): PoolStats;

  /** Ends every connection; calls made after it reject. */
  close(): Promise<void>;
}
