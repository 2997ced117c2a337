// Sales in Postgres: the sale row, its items and its purchase slots. Any number of instances may
// race at a period boundary; an advisory lock and ON CONFLICT leave exactly one set. Each path
// reads the sale row once: from the first SELECT, from INSERT ... RETURNING, or (when another
// instance won the race) from the SELECT under the lock.
import type pg from 'pg';
import type { ItemRow, ItemText, SaleInfo } from '../sale-store.js';
import { ignoreLostConnection } from './pool.js';
import { type SaleRow, saleColumns, saleOfRow } from './sale-row.js';

const ITEMS_PER_INSERT = 50_000;
const SALE_LOCK_CLASS = 7_351_002; // first key of the two-key advisory lock; the sale id is the second

const selectSale = `SELECT ${saleColumns} FROM sales WHERE sale_id = $1`;

const insertSale = `
  INSERT INTO sales (sale_id, starts_at, ends_at, size, user_limit, hold_ttl_ms)
  VALUES ($1, to_timestamp($2 / 1000.0), to_timestamp($3 / 1000.0), $4, $5, $6)
  ON CONFLICT (sale_id) DO NOTHING
  RETURNING ${saleColumns}`;

// Item ids are dense (0..size-1), so the offset is an id and the page is an index range scan.
const selectItems = `
  SELECT item_id, name, image_url FROM items WHERE sale_id = $1 AND item_id >= $2 ORDER BY item_id LIMIT $3`;

export async function findSale(pool: pg.Pool, saleId: number): Promise<SaleInfo | undefined> {
  const { rows } = await pool.query<SaleRow>({ name: 'select_sale', text: selectSale, values: [saleId] });
  return rows[0] === undefined ? undefined : saleOfRow(rows[0]);
}

export async function openSale(
  pool: pg.Pool,
  sale: SaleInfo,
  itemText: (itemId: number) => ItemText,
): Promise<{ sale: SaleInfo; isNew: boolean }> {
  const existing = await findSale(pool, sale.saleId);
  if (existing !== undefined) return { sale: existing, isNew: false };

  const client = await pool.connect();
  client.on('error', ignoreLostConnection);
  let failure: Error | undefined;
  try {
    await client.query('BEGIN');
    await client.query('SELECT pg_advisory_xact_lock($1, $2)', [
      SALE_LOCK_CLASS,
      sale.saleId % 2_147_483_647,
    ]);
    const inserted = await client.query<SaleRow>(insertSale, [
      sale.saleId,
      sale.startsAtMs,
      sale.endsAtMs,
      sale.size,
      sale.userLimit,
      sale.holdTtlMs,
    ]);
    const created = inserted.rows[0];
    if (created !== undefined) await insertItemsAndSlots(client, sale, itemText);
    // Lost the race: the winner committed before releasing the lock, so its row is visible now.
    const row = created ?? (await client.query<SaleRow>(selectSale, [sale.saleId])).rows[0];
    await client.query('COMMIT');
    if (row === undefined) throw new Error(`sale ${sale.saleId} missing right after it was opened`);
    return { sale: saleOfRow(row), isNew: created !== undefined };
  } catch (error) {
    failure = error as Error;
    await client.query('ROLLBACK').catch(() => undefined); // the connection may be gone; the error below says why
    throw error;
  } finally {
    client.off('error', ignoreLostConnection);
    client.release(failure); // a connection that failed is destroyed, not reused
  }
}

async function insertItemsAndSlots(
  client: pg.PoolClient,
  sale: SaleInfo,
  itemText: (itemId: number) => ItemText,
): Promise<void> {
  // A large sale (a million items) takes longer than the service's statement timeout.
  await client.query("SET LOCAL statement_timeout = '10min'");
  for (let first = 0; first < sale.size; first += ITEMS_PER_INSERT) {
    const last = Math.min(first + ITEMS_PER_INSERT, sale.size);
    const ids: number[] = [];
    const names: string[] = [];
    const images: string[] = [];
    for (let itemId = first; itemId < last; itemId++) {
      const item = itemText(itemId);
      ids.push(itemId);
      names.push(item.name);
      images.push(item.imageUrl);
    }
    await client.query(
      `INSERT INTO items (sale_id, item_id, name, image_url)
       SELECT $1, i, n, u FROM unnest($2::int4[], $3::text[], $4::text[]) AS x(i, n, u)
       ON CONFLICT DO NOTHING`,
      [sale.saleId, ids, names, images],
    );
  }
  await client.query(
    'INSERT INTO sale_slots (sale_id, slot) SELECT $1, generate_series(1, $2) ON CONFLICT DO NOTHING',
    [sale.saleId, sale.userLimit],
  );
}

export async function selectItemsPage(
  pool: pg.Pool,
  saleId: number,
  fromItemId: number,
  limit: number,
): Promise<ItemRow[]> {
  const { rows } = await pool.query<{ item_id: number; name: string; image_url: string }>({
    name: 'select_items',
    text: selectItems,
    values: [saleId, fromItemId, limit],
  });
  return rows.map((r) => ({ itemId: r.item_id, name: r.name, imageUrl: r.image_url }));
}
