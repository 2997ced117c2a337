// The sale as GET /sale describes it (SPEC section 2).

export type SaleSnapshot = Readonly<{
  saleId: number | null;
  size: number;
  sold: number;
  held: number;
  available: number;
}>;

/** Reads a GET /sale body; null when it is not one (another service, an error page). */
export function readSaleSnapshot(document: unknown): SaleSnapshot | null {
  if (typeof document !== 'object' || document === null) return null;
  const sale = document as Record<string, unknown>;
  const { size, sold, held, available } = sale;
  if (!isCount(size) || size === 0 || !isCount(sold) || !isCount(held) || !isCount(available)) return null;
  return { saleId: typeof sale.sale_id === 'number' ? sale.sale_id : null, size, sold, held, available };
}

/** Sold out: nothing left to hold and no hold that could lapse back into the sale. */
export function isSoldOut(snapshot: SaleSnapshot): boolean {
  return snapshot.sold >= snapshot.size || (snapshot.available === 0 && snapshot.held === 0);
}

function isCount(value: unknown): value is number {
  return Number.isInteger(value) && (value as number) >= 0;
}
