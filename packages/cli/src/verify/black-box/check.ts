// The contract of a black-box check: it reads the facts the ledgers gave (never a database),
// counts what it looked at and returns its violations. Indeterminate requests widen what it
// allows and are said in its counts; they never fail a check by themselves.
import type { Milliseconds } from '@flashsale/protocol';
import type { Finding } from '../result.js';
import type { LedgerFacts, Purchase } from './facts.js';

export const blackBoxIds = [
  'unique-codes',
  'single-sale',
  'user-limit',
  'issued-codes',
  'no-oversell',
  'sell-out',
] as const;
export type BlackBoxId = (typeof blackBoxIds)[number];

export type BlackBoxContext = {
  facts: LedgerFacts;
  /** Items in the sale; null: not known (the checks that need it SKIP). */
  saleSize: number | null;
  userLimit: number | null;
  firstItemId: number;
  /** Clock skew allowed between the client's times and the service's hold expiry. */
  graceMs: Milliseconds;
};

export type BlackBoxCheck = {
  id: BlackBoxId;
  title: string;
  /** What must be known or asked for the check to run; without it the check is SKIP. */
  requires?: 'sale-size' | 'user-limit' | 'expect-sellout';
  check: (context: BlackBoxContext) => Finding;
};

/**
 * The sales the client saw acknowledged: one per code and purchase id, or, when the answers carry
 * no purchase id, per code, buyer and item (a replayed or retried answer repeats a sale, it is not
 * another; one code acknowledged to two buyers, or under two purchase ids, is two).
 */
export function acknowledgedSales(facts: LedgerFacts): Purchase[] {
  const seen = new Set<string>();
  return facts.purchases.filter((purchase) => {
    const key = saleKey(purchase);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function saleKey(purchase: Purchase): string {
  return purchase.purchaseId !== null
    ? `${purchase.code}\u0000id\u0000${purchase.purchaseId}`
    : `${purchase.code}\u0000${purchase.buyer ?? ''}\u0000${purchase.itemId ?? ''}`;
}

/** Purchases that may have bought (no answer, or 5xx) with a code no acknowledged purchase used. */
export function possibleSales(facts: LedgerFacts, sales: readonly Purchase[]): Purchase[] {
  const attempt = (purchase: Purchase) =>
    `${purchase.code}\u0000${purchase.buyer ?? ''}\u0000${purchase.itemId ?? ''}`;
  const seen = new Set(sales.map(attempt));
  return facts.uncertainPurchases.filter((purchase) => {
    const key = attempt(purchase);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

export function groupBy<T, K>(values: readonly T[], keyOf: (value: T) => K | null): Map<K, T[]> {
  const groups = new Map<K, T[]>();
  for (const value of values) {
    const key = keyOf(value);
    if (key === null) continue;
    const group = groups.get(key);
    if (group === undefined) groups.set(key, [value]);
    else group.push(value);
  }
  return groups;
}

export function plural(count: number, one: string, many = `${one}s`): string {
  return `${count} ${count === 1 ? one : many}`;
}
