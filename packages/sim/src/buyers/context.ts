// What all buyer sessions of one process share: the sale's item picker, what is known sold or held, the
// codes others left behind, and the demand figures the report gives.
import type { Scenario } from '../config/scenario.js';
import { CodeBook } from './code-book.js';
import { HeldItems } from './held-items.js';
import { ItemPicker } from './popularity.js';
import { SoldItems } from './sold-items.js';

export type BuyerStats = {
  /** Items wanted by normal and heavy buyers, each capped at the user limit. */
  itemsWanted: number;
  holdsAbandoned: number;
};

export type BuyerContext = Readonly<{
  scenario: Scenario;
  saleSize: number;
  userLimit: number;
  /** The target's lowest item id: buyers pick an index in [0, saleSize) and send this plus it. */
  firstItemId: number;
  soldItems: SoldItems;
  heldItems: HeldItems;
  picker: ItemPicker;
  codes: CodeBook;
  stats: BuyerStats;
}>;

export function createBuyerContext(
  scenario: Scenario,
  saleSize: number,
  userLimit: number,
  firstItemId = 0,
): BuyerContext {
  const soldItems = new SoldItems(saleSize);
  const heldItems = new HeldItems(saleSize);
  return {
    scenario,
    saleSize,
    userLimit,
    firstItemId,
    soldItems,
    heldItems,
    picker: new ItemPicker(saleSize, scenario.popularity, soldItems, heldItems),
    codes: new CodeBook(),
    stats: { itemsWanted: 0, holdsAbandoned: 0 },
  };
}
