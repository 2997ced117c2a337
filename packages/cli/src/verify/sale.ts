// Finds the sale to verify in Postgres; a sale that is not there cannot be checked (exit 2).
import type { Milliseconds } from '@flashsale/protocol';
import { type SaleRow, saleColumns, saleOfRow } from '@flashsale/server';
import type pg from 'pg';
import { CliError, ExitCode } from '../exit-codes.js';
import type { SaleFacts } from './report.js';

// The one asked for ($1), or with $1 null the newest sale that has started by $2 (epoch ms): the
// service opens the next sale shortly before it starts, and that one is skipped.
const selectSale = `SELECT ${saleColumns} FROM sales
  WHERE CASE WHEN $1::int8 IS NULL THEN starts_at <= to_timestamp($2::float8 / 1000) ELSE sale_id = $1::int8 END
  ORDER BY sale_id DESC
  LIMIT 1`;

export type SaleChoice = number | 'latest';

export async function findSale(
  client: pg.ClientBase,
  choice: SaleChoice,
  nowMs: Milliseconds,
): Promise<SaleFacts> {
  const { rows } = await client.query<SaleRow>(selectSale, [choice === 'latest' ? null : choice, nowMs]);
  const row = rows[0];
  if (row === undefined) {
    throw new CliError(
      choice === 'latest'
        ? 'no sale has started in this database yet: nothing to verify (is --database-url right? has the service run?)'
        : `no such sale: ${choice} is not in the sales table (--sale takes a sale id or "latest")`,
      ExitCode.usageOrUnchecked,
    );
  }
  return saleOfRow(row);
}
