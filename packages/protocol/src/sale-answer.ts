// GET /sale: the answer's wire shape (SPEC section 2) and the one reader of it that every client
// uses. The reader is lenient on purpose: clients may point at other implementations, so only
// the counts are required, and anything else (an error page, another service) is "no sale".

/** The 200 body of GET /sale, as the service writes it. */
export type SaleAnswer = Readonly<{
  sale_id: number;
  /** ISO 8601. */
  starts_at: string;
  ends_at: string;
  size: number;
  sold: number;
  held: number;
  available: number;
}>;

export type SaleSnapshot = Readonly<{
  /** null when the answer did not say (not a flashsale service). */
  saleId: number | null;
  /** The sale's period, epoch ms; null when the answer did not say. */
  startsAtMs: number | null;
  endsAtMs: number | null;
  size: number;
  sold: number;
  held: number;
  available: number;
}>;

/** Reads a GET /sale body; null when it is not one. */
export function readSaleAnswer(body: string): SaleSnapshot | null {
  let document: unknown;
  try {
    document = JSON.parse(body);
  } catch {
    return null; // not JSON: not a sale answer, which callers treat as "no snapshot"
  }
  if (typeof document !== 'object' || document === null) return null;
  const sale = document as Record<string, unknown>;
  const { size, sold, held, available } = sale;
  if (!isCount(size) || size === 0 || !isCount(sold) || !isCount(held) || !isCount(available)) return null;
  return {
    saleId: typeof sale.sale_id === 'number' ? sale.sale_id : null,
    startsAtMs: timeOf(sale.starts_at),
    endsAtMs: timeOf(sale.ends_at),
    size,
    sold,
    held,
    available,
  };
}

/** Sold out: nothing left to hold and no hold that could lapse back into the sale. */
export function isSoldOut(snapshot: SaleSnapshot): boolean {
  return snapshot.sold >= snapshot.size || (snapshot.available === 0 && snapshot.held === 0);
}

function timeOf(value: unknown): number | null {
  const ms = typeof value === 'string' ? Date.parse(value) : Number.NaN;
  return Number.isNaN(ms) ? null : ms;
}

function isCount(value: unknown): value is number {
  return Number.isInteger(value) && (value as number) >= 0;
}
