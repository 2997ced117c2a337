// What all buyer sessions of one process share: the sale's item picker, what is known sold or held, the
// codes others left behind, which sale is on, and the demand figures the report gives, per sale:
// the items wanted by the sessions that started while it was on, plus, when it opened, what the
// buyers still shopping then had yet to buy (they shop on in the new sale).
import type { Scenario } from '../config/scenario.js';
import { CodeBook } from './code-book.js';
import { CurrentSale } from './current-sale.js';
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
  sale: CurrentSale;
  /** The current sale's demand figures. */
  readonly stats: BuyerStats;
  /** Demand figures per sale id (null: before any sale was known). */
  statsBySale: ReadonlyMap<number | null, BuyerStats>;
  /** Items the live normal and heavy sessions still want (each capped at the user limit). */
  demand: { outstanding: number };
  /** A session set out to buy `items` (capped at the user limit): the current sale's demand. */
  addWanted(items: number): void;
}>;

export function createBuyerContext(
  scenario: Scenario,
  saleSize: number,
  userLimit: number,
  firstItemId = 0,
  saleId: number | null = null,
): BuyerContext {
  const soldItems = new SoldItems(saleSize);
  const heldItems = new HeldItems(saleSize);
  const codes = new CodeBook();
  const statsBySale = new Map<number | null, BuyerStats>();
  const statsOf = (id: number | null): BuyerStats => {
    let stats = statsBySale.get(id);
    if (stats === undefined) {
      stats = { itemsWanted: 0, holdsAbandoned: 0 };
      statsBySale.set(id, stats);
    }
    return stats;
  };
  const demand = { outstanding: 0 };
  const sale = new CurrentSale(saleId, (newSaleId) => {
    soldItems.reset();
    heldItems.reset();
    codes.reset();
    statsOf(newSaleId).itemsWanted += demand.outstanding;
  });
  return {
    scenario,
    saleSize,
    userLimit,
    firstItemId,
    soldItems,
    heldItems,
    picker: new ItemPicker(saleSize, scenario.popularity, soldItems, heldItems),
    codes,
    sale,
    get stats() {
      return statsOf(sale.saleId);
    },
    statsBySale,
    demand,
    addWanted(items: number) {
      statsOf(sale.saleId).itemsWanted += items;
      demand.outstanding += items;
    },
  };
}

/** Demand figures of every sale added up. */
export function totalStats(context: BuyerContext): BuyerStats {
  const total: BuyerStats = { itemsWanted: 0, holdsAbandoned: 0 };
  for (const stats of context.statsBySale.values()) {
    total.itemsWanted += stats.itemsWanted;
    total.holdsAbandoned += stats.holdsAbandoned;
  }
  return total;
}
