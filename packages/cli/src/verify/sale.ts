// Finds the sale to verify in Postgres; a sale that is not there cannot be checked (exit 2).
import { readFileSync } from 'node:fs';
import type { Milliseconds } from '@flashsale/protocol';
import type pg from 'pg';
import { CliError, ExitCode } from '../exit-codes.js';
import type { SaleFacts } from './report.js';

const selectSale = readFileSync(new URL('./sale.sql', import.meta.url), 'utf8');

export type SaleChoice = number | 'latest';

type SaleRow = {
  sale_id: string;
  starts_ms: number;
  ends_ms: number;
  size: number;
  user_limit: number;
  hold_ttl_ms: number;
};

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
  return {
    saleId: Number(row.sale_id),
    startsAtMs: row.starts_ms,
    endsAtMs: row.ends_ms,
    size: row.size,
    userLimit: row.user_limit,
    holdTtlMs: row.hold_ttl_ms,
  };
}
