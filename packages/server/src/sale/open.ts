// Opening a sale in Postgres: the sale row, its items and its purchase slots. Any number of
// instances may race at a period boundary; an advisory lock and ON CONFLICT leave exactly one set.

import { type Milliseconds, saleWindow } from '@flashsale/protocol';
import type pg from 'pg';
import { generateItem } from './items.js';

export type SaleInfo = {
  saleId: number;
  startsAtMs: Milliseconds;
  endsAtMs: Milliseconds;
  size: number;
  userLimit: number;
  holdTtlMs: Milliseconds;
};

export type SaleParams = {
  saleDurationMs: Milliseconds;
  saleSize: number;
  userLimit: number;
  holdTtlMs: Milliseconds;
};

const ITEMS_PER_INSERT = 50_000;
const SALE_LOCK_CLASS = 7_351_002; // first key of the two-key advisory lock; the sale id is the second

const selectSale = `
  SELECT sale_id, (extract(epoch FROM starts_at) * 1000)::float8 AS starts_ms,
         (extract(epoch FROM ends_at) * 1000)::float8 AS ends_ms, size, user_limit, hold_ttl_ms
  FROM sales WHERE sale_id = $1`;

type SaleRow = {
  sale_id: string;
  starts_ms: number;
  ends_ms: number;
  size: number;
  user_limit: number;
  hold_ttl_ms: number;
};

export async function findSale(pool: pg.Pool, saleId: number): Promise<SaleInfo | undefined> {
  const { rows } = await pool.query<SaleRow>({ name: 'select_sale', text: selectSale, values: [saleId] });
  const row = rows[0];
  return row === undefined
    ? undefined
    : {
        saleId: Number(row.sale_id),
        startsAtMs: row.starts_ms,
        endsAtMs: row.ends_ms,
        size: row.size,
        userLimit: row.user_limit,
        holdTtlMs: row.hold_ttl_ms,
      };
}

/** Creates the sale with its items when it does not exist yet; returns the sale as stored. */
export async function openSale(
  pool: pg.Pool,
  saleId: number,
  params: SaleParams,
): Promise<{ sale: SaleInfo; isNew: boolean }> {
  const existing = await findSale(pool, saleId);
  if (existing !== undefined) return { sale: existing, isNew: false };

  const window = saleWindow(saleId, params.saleDurationMs);
  const client = await pool.connect();
  let isNew = false;
  let failure: Error | undefined;
  try {
    await client.query('BEGIN');
    await client.query('SELECT pg_advisory_xact_lock($1, $2)', [SALE_LOCK_CLASS, saleId % 2_147_483_647]);
    const inserted = await client.query(
      `INSERT INTO sales (sale_id, starts_at, ends_at, size, user_limit, hold_ttl_ms)
       VALUES ($1, to_timestamp($2 / 1000.0), to_timestamp($3 / 1000.0), $4, $5, $6)
       ON CONFLICT (sale_id) DO NOTHING`,
      [saleId, window.startsAtMs, window.endsAtMs, params.saleSize, params.userLimit, params.holdTtlMs],
    );
    if (inserted.rowCount === 1) {
      isNew = true;
      // A large sale (a million items) takes longer than the service's statement timeout.
      await client.query("SET LOCAL statement_timeout = '10min'");
      for (let first = 0; first < params.saleSize; first += ITEMS_PER_INSERT) {
        const last = Math.min(first + ITEMS_PER_INSERT, params.saleSize);
        const ids: number[] = [];
        const names: string[] = [];
        const images: string[] = [];
        for (let itemId = first; itemId < last; itemId++) {
          const item = generateItem(saleId, itemId);
          ids.push(itemId);
          names.push(item.name);
          images.push(item.imageUrl);
        }
        await client.query(
          `INSERT INTO items (sale_id, item_id, name, image_url)
           SELECT $1, i, n, u FROM unnest($2::int4[], $3::text[], $4::text[]) AS x(i, n, u)
           ON CONFLICT DO NOTHING`,
          [saleId, ids, names, images],
        );
      }
      await client.query(
        `INSERT INTO sale_slots (sale_id, slot) SELECT $1, generate_series(1, $2) ON CONFLICT DO NOTHING`,
        [saleId, params.userLimit],
      );
    }
    await client.query('COMMIT');
  } catch (error) {
    failure = error as Error;
    await client.query('ROLLBACK').catch(() => undefined); // the connection may be gone; the error below says why
    throw error;
  } finally {
    client.release(failure); // a connection that failed is destroyed, not reused
  }
  const sale = await findSale(pool, saleId);
  if (sale === undefined) throw new Error(`sale ${saleId} missing right after it was opened`);
  return { sale, isNew };
}
