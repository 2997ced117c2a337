// What the ledgers alone say happened, gathered in one pass over every line of every shard: the
// codes checkouts returned (to whom, for what, until when), the purchases acknowledged, those
// whose fate is unknown (timeouts, resets, 5xx), and every sold_out answer. The black-box checks
// read these facts and never the service's database.
import type { LedgerRequest } from '@flashsale/protocol';
import { readLedger } from '../ledger.js';

/** One (buyer, item) a code was returned to, with the latest hold expiry an answer gave. */
export type CodeOwner = { userId: string; itemId: number; expiresMs: number | null; requestId: string };

export type IssuedCode = {
  /** Keyed by `ownerKey(user, item)`. */
  owners: Map<string, CodeOwner>;
};

export type Purchase = {
  requestId: string;
  code: string;
  /** The buyer the code book says the code was issued to; null: none of our checkouts returned it. */
  buyer: string | null;
  /** The item as the answer reported it, else as the code book knows it; null: neither says. */
  itemId: number | null;
  issuedItemId: number | null;
  reportedItemId: number | null;
  purchaseId: string | null;
  isReplayed: boolean;
  sentMs: number | null;
};

export type SoldOutAnswer = { requestId: string; itemId: number; doneMs: number };

export type LedgerCounts = {
  files: readonly string[];
  lines: number;
  requests: number;
  faults: number;
  checkoutsOk: number;
  purchasesOk: number;
  /** Requests that may or may not have taken effect: no answer, or a 5xx. */
  indeterminate: number;
  /** Lines of another sale than the one checked (only when a sale is given). */
  otherSales: number;
};

export class LedgerFacts {
  readonly codes = new Map<string, IssuedCode>();
  readonly purchases: Purchase[] = [];
  /** Purchases whose answer never came (or was a 5xx): they may have bought. */
  readonly uncertainPurchases: Purchase[] = [];
  /** The earliest sold_out answer of each item (a later one is premature only if this one is). */
  readonly firstSoldOut = new Map<number, SoldOutAnswer>();
  readonly counts: LedgerCounts;

  constructor(files: readonly string[]) {
    this.counts = {
      files,
      lines: 0,
      requests: 0,
      faults: 0,
      checkoutsOk: 0,
      purchasesOk: 0,
      indeterminate: 0,
      otherSales: 0,
    };
  }

  add(request: LedgerRequest): void {
    if (request.outcome === 'indeterminate') this.counts.indeterminate += 1;
    if (request.endpoint === 'checkout') this.#addCheckout(request);
    else this.#addPurchase(request);
  }

  /**
   * Purchases whose line does not say whom and what its code was issued for (ledgers older than
   * the code book's fields) are attributed by the one checkout that returned their code, if one did.
   */
  attributeFromCheckouts(): void {
    for (const purchase of [...this.purchases, ...this.uncertainPurchases]) {
      if (purchase.buyer !== null) continue;
      const owners = this.codes.get(purchase.code)?.owners;
      if (owners?.size !== 1) continue;
      const [owner] = owners.values();
      purchase.buyer = owner?.userId ?? null;
      purchase.itemId ??= owner?.itemId ?? null;
    }
  }

  #addCheckout(request: LedgerRequest): void {
    if (request.outcome === 'fail' && request.error === 'sold_out' && isItemId(request.itemId)) {
      const doneMs = request.doneMs ?? request.intendedMs;
      const first = this.firstSoldOut.get(request.itemId);
      if (first === undefined || doneMs < first.doneMs) {
        this.firstSoldOut.set(request.itemId, {
          requestId: request.requestId,
          itemId: request.itemId,
          doneMs,
        });
      }
      return;
    }
    if (request.outcome !== 'ok' || request.code === null) return;
    this.counts.checkoutsOk += 1;
    if (request.userId === null || !isItemId(request.itemId)) return;
    let issued = this.codes.get(request.code);
    if (issued === undefined) {
      issued = { owners: new Map() };
      this.codes.set(request.code, issued);
    }
    const key = ownerKey(request.userId, request.itemId);
    const owner = issued.owners.get(key);
    if (owner === undefined) {
      issued.owners.set(key, {
        userId: request.userId,
        itemId: request.itemId,
        expiresMs: request.expiresMs,
        requestId: request.requestId,
      });
    } else if (
      request.expiresMs !== null &&
      (owner.expiresMs === null || request.expiresMs > owner.expiresMs)
    ) {
      owner.expiresMs = request.expiresMs; // a re-checkout of a held item may extend its hold
    }
  }

  #addPurchase(request: LedgerRequest): void {
    if (request.code === null || request.outcome === 'fail') return;
    const purchase: Purchase = {
      requestId: request.requestId,
      code: request.code,
      buyer: request.issuedUserId,
      itemId: request.reportedItemId ?? request.issuedItemId,
      issuedItemId: request.issuedItemId,
      reportedItemId: request.reportedItemId,
      purchaseId: request.purchaseId,
      isReplayed: request.isReplayed,
      sentMs: request.sentMs,
    };
    if (request.outcome === 'ok') {
      this.counts.purchasesOk += 1;
      this.purchases.push(purchase);
    } else {
      this.uncertainPurchases.push(purchase);
    }
  }
}

export function ownerKey(userId: string, itemId: number): string {
  return `${userId}\u0000${itemId}`;
}

function isItemId(value: number | null): value is number {
  return value !== null && Number.isSafeInteger(value);
}

/** Reads every ledger into one set of facts; `saleId` keeps only that sale's lines (and those of none). */
export async function gatherFacts(paths: readonly string[], saleId: number | null): Promise<LedgerFacts> {
  const facts = new LedgerFacts(paths);
  for (const path of paths) {
    for await (const batch of readLedger(path)) {
      for (const entry of batch) {
        facts.counts.lines += 1;
        if (entry.kind === 'fault') {
          facts.counts.faults += 1;
          continue;
        }
        facts.counts.requests += 1;
        if (saleId !== null && entry.request.saleId !== null && entry.request.saleId !== saleId) {
          facts.counts.otherSales += 1;
          continue;
        }
        facts.add(entry.request);
      }
    }
  }
  facts.attributeFromCheckouts();
  return facts;
}
