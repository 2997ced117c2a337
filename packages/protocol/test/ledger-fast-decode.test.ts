// The fast path must give the strict decoder's answer for every line, field by field: the lines
// the writer writes (which should take it), the same lines in another key order or without
// attempt_id, and every probe value of every key.
import { describe, expect, it } from 'vitest';
import { decodeLedgerLine, requestFields } from '../src/ledger-decode.js';
import { decodeLedgerLineFast, readsFast } from '../src/ledger-fast-decode.js';
import { formatRequestLine } from '../src/ledger-line.js';
import { probes, requestLines } from './support/lines.js';

const reversed = (text: string) =>
  JSON.stringify(Object.fromEntries(Object.entries(JSON.parse(text) as object).reverse()));
const withoutAttemptId = (text: string) => {
  const { attempt_id: _, ...old } = JSON.parse(text) as Record<string, unknown>;
  return JSON.stringify(old);
};
const withoutCodeBook = (text: string) => {
  const {
    issued_user_id: _u,
    issued_item_id: _i,
    reported_item_id: _r,
    expires_ms: _e,
    ...old
  } = JSON.parse(text) as Record<string, unknown>;
  return JSON.stringify(old);
};

describe('the fast path reads a line as the strict decoder does', () => {
  it.each(requestLines)('%s', (_name, line, isFast) => {
    const written = formatRequestLine(line);
    expect(readsFast(written)).toBe(isFast);
    expect(readsFast(withoutAttemptId(written))).toBe(isFast);
    expect(readsFast(withoutCodeBook(written))).toBe(isFast);
    for (const text of [written, reversed(written), withoutAttemptId(written), withoutCodeBook(written)]) {
      expect(decodeLedgerLineFast(text)).toEqual(decodeLedgerLine(text));
    }
    expect(decodeLedgerLineFast(written)).toEqual({ kind: 'request', request: line });
  });

  it.each(Object.values(requestFields))('every value of $key', (field) => {
    const line = JSON.parse(formatRequestLine(requestLines[0]![1])) as Record<string, unknown>;
    for (const value of [...probes, 'a"b', '\u0001', 1e-7, -0]) {
      const text = JSON.stringify({ ...line, [field.key]: value });
      expect(decodeLedgerLineFast(text), `${field.key}: ${JSON.stringify(value)}`).toEqual(
        decodeLedgerLine(text),
      );
    }
  });

  it('a fault line, or a line that is not JSON, gets the strict answer', () => {
    for (const text of ['{"type":"fault","kind":"k","at_ms":1,"detail":null}', '{"type":"request",', '']) {
      expect(decodeLedgerLineFast(text)).toEqual(decodeLedgerLine(text));
    }
  });
});
