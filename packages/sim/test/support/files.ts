// Temporary files for a test's ledger and report, and reading them back.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export type TempDir = Readonly<{ path(name: string): string; remove(): void }>;

export function createTempDir(): TempDir {
  const dir = mkdtempSync(join(tmpdir(), 'flashsale-sim-'));
  return { path: (name) => join(dir, name), remove: () => rmSync(dir, { recursive: true, force: true }) };
}

export type LedgerLine = Record<string, unknown>;

export function readLedger(path: string): LedgerLine[] {
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((line) => line.length > 0)
    .map((line) => JSON.parse(line) as LedgerLine);
}
