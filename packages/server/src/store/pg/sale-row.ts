// The sale row as it is selected and decoded by every reader: the service when it opens or finds a
// sale, and the verifier when it finds the sale to check. Times come back as epoch ms.
import type { SaleInfo } from '../sale-store.js';

/** The select list of a `sales` row, for `SELECT ${saleColumns} FROM sales ...`. */
export const saleColumns = `sale_id, (extract(epoch FROM starts_at) * 1000)::float8 AS starts_ms,
  (extract(epoch FROM ends_at) * 1000)::float8 AS ends_ms, size, user_limit, hold_ttl_ms`;

export type SaleRow = {
  /** int8: pg hands it over as a string. */
  sale_id: string;
  starts_ms: number;
  ends_ms: number;
  size: number;
  user_limit: number;
  hold_ttl_ms: number;
};

export function saleOfRow(row: SaleRow): SaleInfo {
  return {
    saleId: Number(row.sale_id),
    startsAtMs: row.starts_ms,
    endsAtMs: row.ends_ms,
    size: row.size,
    userLimit: row.user_limit,
    holdTtlMs: row.hold_ttl_ms,
  };
}
