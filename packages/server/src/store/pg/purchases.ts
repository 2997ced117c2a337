// Purchases: written by group commit before the 200 leaves. ON CONFLICT makes a retried batch
// harmless; a row the constraints refuse (an item already sold, a slot already taken) is reported
// back to its request, which undoes its admission in Redis. Read back whole for a rebuild of the
// sale's Redis state and for the reconciler.

import type pg from 'pg';
import type { PurchaseRecord, PurchaseRow, PurchaseWrite } from '../sale-store.js';
import { type KeptConnection, keptConnection } from './pool.js';

const insertPurchases = `
  INSERT INTO purchases
    (purchase_id, sale_id, item_id, user_id, slot, code, request_id, hold_expires_at, purchased_at)
  SELECT p, s, i, u, sl, c, r, to_timestamp(e / 1000.0), to_timestamp(t / 1000.0)
  FROM unnest($1::uuid[], $2::int8[], $3::int4[], $4::text[], $5::int4[], $6::text[], $7::text[],
              $8::float8[], $9::float8[]) AS x(p, s, i, u, sl, c, r, e, t)
  ON CONFLICT DO NOTHING
  RETURNING code, slot`;

const countOfSale = 'SELECT count(*)::int AS n FROM purchases WHERE sale_id = $1';

const selectOfSale = `
  SELECT code, purchase_id, item_id, user_id, slot, request_id,
         (extract(epoch FROM hold_expires_at) * 1000)::int8::text AS expires_ms
  FROM purchases WHERE sale_id = $1`;

const findByCodes = `
  SELECT code, purchase_id, item_id, user_id, slot, request_id,
         (extract(epoch FROM hold_expires_at) * 1000)::int8::text AS expires_ms,
         round(extract(epoch FROM purchased_at) * 1000)::int8::text AS purchased_ms
  FROM purchases WHERE code = ANY($1::text[])`;

const findSoldItems = `
  SELECT sale_id, item_id FROM purchases p
  WHERE (sale_id, item_id) IN (SELECT * FROM unnest($1::int8[], $2::int4[]))`;

const findTakenSlots = `
  SELECT sale_id, user_id, slot FROM purchases p
  WHERE (sale_id, user_id, slot) IN (SELECT * FROM unnest($1::int8[], $2::text[], $3::int4[]))`;

/** Writes a batch of purchases; `release` gives back the connection it keeps between batches. */
export function purchaseWriter(pool: pg.Pool) {
  const connection = keptConnection(pool);
  const write = async (rows: readonly PurchaseRow[]): Promise<readonly PurchaseWrite[]> => {
    try {
      return await insertBatch(pool, connection, rows);
    } catch (error) {
      // A foreign key or check violation fails the whole statement; isolate the bad row so the
      // others still land.
      if (!isConstraintViolation(error) || rows.length === 1) {
        if (isConstraintViolation(error))
          return [{ status: 'refused', reason: 'invalid', isSlotTaken: false }];
        throw error;
      }
      const results: PurchaseWrite[] = [];
      for (const row of rows) {
        try {
          results.push(...(await insertBatch(pool, connection, [row])));
        } catch (rowError) {
          if (!isConstraintViolation(rowError)) throw rowError;
          results.push({ status: 'refused', reason: 'invalid', isSlotTaken: false });
        }
      }
      return results;
    }
  };
  return { write, release: connection.release };
}

async function insertBatch(
  pool: pg.Pool,
  connection: KeptConnection,
  rows: readonly PurchaseRow[],
): Promise<PurchaseWrite[]> {
  const n = rows.length;
  const columns = {
    ids: new Array<string>(n),
    saleIds: new Array<number>(n),
    itemIds: new Array<number>(n),
    userIds: new Array<string>(n),
    slots: new Array<number>(n),
    codes: new Array<string>(n),
    requestIds: new Array<string>(n),
    expires: new Array<number>(n),
    times: new Array<number>(n),
  };
  for (let i = 0; i < n; i++) {
    const row = rows[i]!;
    columns.ids[i] = row.purchaseId;
    columns.saleIds[i] = row.saleId;
    columns.itemIds[i] = row.itemId;
    columns.userIds[i] = row.userId;
    columns.slots[i] = row.slot;
    columns.codes[i] = row.code;
    columns.requestIds[i] = row.requestId;
    columns.expires[i] = row.holdExpiresAtMs;
    columns.times[i] = row.purchasedAtMs;
  }
  const inserted = await connection.query<{ code: string; slot: number }>({
    name: 'insert_purchases',
    text: insertPurchases,
    values: Object.values(columns),
  });
  if (inserted.rowCount === n) return new Array<PurchaseWrite>(n).fill({ status: 'stored' });

  // By code and slot: one batch can carry a code twice (a purchase in flight, and the same code
  // admitted anew after a rebuild that missed it), perhaps in two slots, and only one is stored.
  const storedSlots = new Map(inserted.rows.map((r) => [r.code, r.slot]));
  const isStored = (row: PurchaseRow) => storedSlots.get(row.code) === row.slot;
  const missing = rows.filter((r) => !isStored(r));
  const existing = new Map(
    (
      await pool.query<PurchaseRowText & { purchased_ms: string }>({
        name: 'purchases_by_code',
        text: findByCodes,
        values: [missing.map((r) => r.code)],
      })
    ).rows.map((r) => [r.code, { ...purchaseRecordOf(r), purchasedAtMs: Number(r.purchased_ms) }]),
  );
  const refused = missing.filter((r) => !existing.has(r.code));
  // A row that exists in another slot (its first admission was lost in a rebuild): Redis moves it
  // there, and may free the slot it gave unless another purchase of the buyer holds it.
  const moved = missing.filter((r) => (existing.get(r.code)?.slot ?? r.slot) !== r.slot);
  const soldItems = new Set<string>();
  const takenSlots = new Set<string>();
  if (refused.length + moved.length > 0) {
    // Both, whatever refused the row: undoing it in Redis must not free a slot Postgres says is owned.
    const slotRows = [...refused, ...moved];
    const [sold, slots] = await Promise.all([
      pool.query<{ sale_id: string; item_id: number }>({
        name: 'purchases_sold_items',
        text: findSoldItems,
        values: [refused.map((r) => r.saleId), refused.map((r) => r.itemId)],
      }),
      pool.query<{ sale_id: string; user_id: string; slot: number }>({
        name: 'purchases_taken_slots',
        text: findTakenSlots,
        values: [slotRows.map((r) => r.saleId), slotRows.map((r) => r.userId), slotRows.map((r) => r.slot)],
      }),
    ]);
    for (const r of sold.rows) soldItems.add(`${r.sale_id}:${r.item_id}`);
    for (const r of slots.rows) takenSlots.add(`${r.sale_id}:${r.user_id}:${r.slot}`);
  }
  return rows.map((row): PurchaseWrite => {
    if (isStored(row)) return { status: 'stored' };
    const prior = existing.get(row.code);
    const isSlotTaken = takenSlots.has(`${row.saleId}:${row.userId}:${row.slot}`);
    if (prior !== undefined)
      return { status: 'exists', stored: prior, isSlotTaken: prior.slot !== row.slot && isSlotTaken };
    return {
      status: 'refused',
      reason: soldItems.has(`${row.saleId}:${row.itemId}`) ? 'item_sold' : 'slot_taken',
      isSlotTaken,
    };
  });
}

function isConstraintViolation(error: unknown): boolean {
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' && code.startsWith('23');
}

export async function countPurchasesOf(pool: pg.Pool, saleId: number): Promise<number> {
  const { rows } = await pool.query<{ n: number }>({
    name: 'count_purchases',
    text: countOfSale,
    values: [saleId],
  });
  return rows[0]!.n;
}

export async function selectPurchasesOf(pool: pg.Pool, saleId: number): Promise<PurchaseRecord[]> {
  const { rows } = await pool.query<PurchaseRowText>({
    name: 'purchases_of_sale',
    text: selectOfSale,
    values: [saleId],
  });
  return rows.map(purchaseRecordOf);
}

type PurchaseRowText = {
  code: string;
  purchase_id: string;
  item_id: number;
  user_id: string;
  slot: number;
  request_id: string;
  expires_ms: string;
};

function purchaseRecordOf(r: PurchaseRowText): PurchaseRecord {
  return {
    code: r.code,
    purchaseId: r.purchase_id,
    requestId: r.request_id,
    itemId: r.item_id,
    userId: r.user_id,
    slot: r.slot,
    holdExpiresAtMs: Number(r.expires_ms),
  };
}
