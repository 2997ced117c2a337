// unique-codes: no code was returned to two different buyers, or for two different items.
import { type BlackBoxCheck, plural } from './check.js';

export const uniqueCodes: BlackBoxCheck = {
  id: 'unique-codes',
  title: 'no code returned to two buyers or for two items',
  check({ facts }) {
    const examples: string[] = [];
    let violations = 0;
    for (const [code, issued] of facts.codes) {
      const owners = [...issued.owners.values()];
      const users = new Set(owners.map((owner) => owner.userId));
      const items = new Set(owners.map((owner) => owner.itemId));
      if (users.size < 2 && items.size < 2) continue;
      violations += 1;
      if (examples.length < 5) {
        const shown = owners
          .slice(0, 3)
          .map((owner) => `${owner.userId}/item ${owner.itemId} (${owner.requestId})`);
        examples.push(
          `code ${code} returned to ${plural(users.size, 'buyer')} for ${plural(items.size, 'item')}: ${shown.join(', ')}${owners.length > 3 ? ', ...' : ''}`,
        );
      }
    }
    return {
      counted: `${plural(facts.codes.size, 'code')} from ${plural(facts.counts.checkoutsOk, 'successful checkout')}; ${violations} shared`,
      violations,
      examples,
    };
  },
};
