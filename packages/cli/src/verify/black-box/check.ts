// The contract of a black-box check: it reads the facts the ledgers gave (never a database),
// counts what it looked at and returns its violations. Indeterminate requests widen what it
// allows and are said in its counts; they never fail a check by themselves.
import type { Milliseconds } from '@flashsale/protocol';
import type { Finding } from '../invariants/invariant.js';
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
 * The sales the client saw acknowledged: one per code and purchase id (a replayed answer repeats
 * a sale, it is not another; the same code acknowledged under two purchase ids is two).
 */
export function acknowledgedSales(facts: LedgerFacts): Purchase[] {
  const seen = new Set<string>();
  const sales: Purchase[] = [];
  for (const purchase of facts.purchases) {
    const key = `${purchase.code}\u0000${purchase.purchaseId ?? ''}`;
    if (seen.has(key)) continue;
    seen.add(key);
    sales.push(purchase);
  }
  // A replay of a code whose first answer also came repeats nothing new; without a purchase id
  // to tell, a code counts once.
  const byCode = new Map<string, Purchase[]>();
  for (const sale of sales) byCode.set(sale.code, [...(byCode.get(sale.code) ?? []), sale]);
  return [...byCode.values()].flatMap((group) => {
    const withIds = group.filter((sale) => sale.purchaseId !== null);
    return withIds.length > 0 ? withIds : group.slice(0, 1);
  });
}

/** Purchases that may have bought (no answer, or 5xx) with a code no acknowledged purchase used. */
export function possibleSales(facts: LedgerFacts, sales: readonly Purchase[]): Purchase[] {
  const sold = new Set(sales.map((sale) => sale.code));
  const seen = new Set<string>();
  return facts.uncertainPurchases.filter((purchase) => {
    if (sold.has(purchase.code) || seen.has(purchase.code)) return false;
    seen.add(purchase.code);
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
