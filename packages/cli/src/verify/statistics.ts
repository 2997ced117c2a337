// Brings the planner statistics of the service's tables up to date before the set-based checks
// (see stale-tables.sql). ANALYZE changes no data; a role not allowed to run it verifies anyway,
// just with the plans it has.
import { readFileSync } from 'node:fs';
import type pg from 'pg';

const selectStale = readFileSync(new URL('./stale-tables.sql', import.meta.url), 'utf8');

const INSUFFICIENT_PRIVILEGE = '42501';
const analyzable = new Set(['purchases', 'checkout_attempts']);

export async function refreshStatistics(client: pg.ClientBase): Promise<void> {
  const { rows } = await client.query<{ relname: string }>(selectStale);
  for (const { relname } of rows) {
    if (!analyzable.has(relname)) continue; // table names never come from outside this list
    try {
      await client.query(`ANALYZE ${relname}`);
    } catch (error) {
      if ((error as { code?: unknown }).code !== INSUFFICIENT_PRIVILEGE) throw error;
      // Only the owner may ANALYZE: the checks still run, perhaps more slowly.
    }
  }
}
