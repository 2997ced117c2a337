// What all buyer sessions of one process share: the sale's item picker, what is known sold, the
// codes others left behind, and the demand figures the report gives.
import type { Scenario } from '../config/scenario.js';
import { CodeBook } from './code-book.js';
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
  soldItems: SoldItems;
  picker: ItemPicker;
  codes: CodeBook;
  stats: BuyerStats;
}>;

export function createBuyerContext(scenario: Scenario, saleSize: number, userLimit: number): BuyerContext {
  const soldItems = new SoldItems(saleSize);
  return {
    scenario,
    saleSize,
    userLimit,
    soldItems,
    picker: new ItemPicker(saleSize, scenario.popularity, soldItems),
    codes: new CodeBook(),
    stats: { itemsWanted: 0, holdsAbandoned: 0 },
  };
}
