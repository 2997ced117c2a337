// GET /sale/items: the page's wire shape (SPEC section 2, docs/openapi.yaml `ItemsPage`) and the
// one reader clients use. Like the GET /sale reader it is lenient: a body that is not a page is
// "no page" (null), and items with a malformed id or state are left out.

export type ItemState = 'available' | 'held' | 'sold';

/** The 200 body of GET /sale/items, as the service writes it. */
export type SaleItemsAnswer = Readonly<{
  sale_id: number;
  offset: number;
  limit: number;
  /** Items in the sale (not on this page). */
  total: number;
  items: readonly Readonly<{ id: number; name: string; image_url: string; state: ItemState }>[];
}>;

export type SaleItemsPage = Readonly<{
  saleId: number | null;
  total: number;
  items: readonly Readonly<{ itemId: number; state: ItemState }>[];
}>;

const itemStates: ReadonlySet<string> = new Set<ItemState>(['available', 'held', 'sold']);

/** Reads a GET /sale/items body; null when it is not one. */
export function readSaleItemsAnswer(body: string): SaleItemsPage | null {
  let document: unknown;
  try {
    document = JSON.parse(body);
  } catch {
    return null; // not JSON: not a page, which callers treat as "no page"
  }
  if (typeof document !== 'object' || document === null) return null;
  const page = document as Record<string, unknown>;
  if (!Number.isInteger(page.total) || !Array.isArray(page.items)) return null;
  const items: { itemId: number; state: ItemState }[] = [];
  for (const entry of page.items as unknown[]) {
    if (typeof entry !== 'object' || entry === null) continue;
    const { id, state } = entry as Record<string, unknown>;
    if (Number.isInteger(id) && typeof state === 'string' && itemStates.has(state))
      items.push({ itemId: id as number, state: state as ItemState });
  }
  return {
    saleId: typeof page.sale_id === 'number' ? page.sale_id : null,
    total: page.total as number,
    items,
  };
}
