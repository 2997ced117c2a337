// issued-codes: every successful purchase used a code a checkout returned, to that buyer, for
// that item, and was sent before the hold lapsed when the checkout's answer said when.
import { type BlackBoxCheck, plural } from './check.js';
import { type LedgerFacts, ownerKey, type Purchase } from './facts.js';

export const issuedCodes: BlackBoxCheck = {
  id: 'issued-codes',
  title: 'every purchase used a code issued to that buyer for that item, before it lapsed',
  check({ facts, graceMs }) {
    const examples: string[] = [];
    const broken = new Set<string>();
    for (const purchase of facts.purchases) {
      if (broken.has(purchase.code)) continue;
      const problem = problemOf(facts, purchase, graceMs);
      if (problem === null) continue;
      broken.add(purchase.code);
      if (examples.length < 5) examples.push(`${problem} (${purchase.requestId})`);
    }
    return {
      counted: `${plural(facts.purchases.length, 'acknowledged purchase')}; ${plural(broken.size, 'code')} not as issued`,
      violations: broken.size,
      examples,
    };
  },
};

function problemOf(facts: LedgerFacts, purchase: Purchase, graceMs: number): string | null {
  const issued = facts.codes.get(purchase.code);
  if (purchase.buyer === null || purchase.issuedItemId === null) {
    return issued === undefined ? `code ${purchase.code} was accepted but no checkout returned it` : null;
  }
  const owner = issued?.owners.get(ownerKey(purchase.buyer, purchase.issuedItemId));
  if (owner === undefined) {
    return `code ${purchase.code} was accepted for ${purchase.buyer}/item ${purchase.issuedItemId}, but no checkout in the ledgers returned it to them`;
  }
  if (purchase.reportedItemId !== null && purchase.reportedItemId !== purchase.issuedItemId) {
    return `code ${purchase.code} was issued for item ${purchase.issuedItemId} but bought item ${purchase.reportedItemId}`;
  }
  // A replay repeats a purchase made earlier, while the hold was live.
  if (
    !purchase.isReplayed &&
    owner.expiresMs !== null &&
    purchase.sentMs !== null &&
    purchase.sentMs > owner.expiresMs + graceMs
  ) {
    return `code ${purchase.code} was accepted ${Math.round(purchase.sentMs - owner.expiresMs)} ms after its hold lapsed (${new Date(owner.expiresMs).toISOString()})`;
  }
  return null;
}
