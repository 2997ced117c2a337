import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatFaultLine, formatRequestLine } from '../src/ledger-line.js';
import { type LedgerEntry, LedgerReadError, readLedgerFile } from '../src/ledger-reader.js';
import { faultLines, requestLines } from './support/lines.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'flashsale-protocol-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function readAll(path: string): Promise<LedgerEntry[]> {
  const entries: LedgerEntry[] = [];
  for await (const batch of readLedgerFile(path)) entries.push(...batch);
  return entries;
}

async function failureOf(path: string): Promise<LedgerReadError> {
  const failure = await readAll(path).then(
    () => undefined,
    (error: unknown) => error,
  );
  expect(failure).toBeInstanceOf(LedgerReadError);
  return failure as LedgerReadError;
}

describe('reading a ledger file', () => {
  it('reads every line with its line number, skipping blank ones, the last one without its newline too', async () => {
    const path = join(dir, 'ledger.jsonl');
    const [request, other] = [requestLines[0]![1], requestLines[1]![1]];
    const fault = faultLines[0]![1];
    await writeFile(
      path,
      `${formatRequestLine(request)}\n${formatFaultLine(fault)}${formatRequestLine(other).trimEnd()}`,
    );
    expect(await readAll(path)).toEqual([
      { kind: 'request', lineNumber: 1, request },
      { kind: 'fault', lineNumber: 3, fault },
      { kind: 'request', lineNumber: 4, request: other },
    ]);
  });

  it('reads a ledger of many chunks whole', async () => {
    const path = join(dir, 'large.jsonl');
    const line = formatRequestLine(requestLines[0]![1]);
    const lines = Math.ceil((3 << 20) / line.length);
    await writeFile(path, line.repeat(lines));
    const entries = await readAll(path);
    expect(entries).toHaveLength(lines);
    expect(entries.at(-1)?.lineNumber).toBe(lines);
  });

  it('a bad line stops the reading, naming the file, the line and what is wrong', async () => {
    const path = join(dir, 'bad.jsonl');
    await writeFile(path, `${formatRequestLine(requestLines[0]![1])}\n{"type":"request","request_id":\n`);
    const failure = await failureOf(path);
    expect(failure).toMatchObject({ code: 'ledger_malformed', path, lineNumber: 3, reason: 'not JSON' });
    expect(failure.message).toBe(`${path}:3: not JSON`);
  });

  it('a file that is not there cannot be read', async () => {
    const path = join(dir, 'missing.jsonl');
    const failure = await failureOf(path);
    expect(failure).toMatchObject({ code: 'ledger_unreadable', path, lineNumber: 0 });
    expect(failure.reason).toMatch(/ENOENT/);
  });
});
