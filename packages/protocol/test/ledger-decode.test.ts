// The strict decoder decides what a ledger line is; the schema must say the same of every value
// of every key, and a bad line must say what is wrong with it.
import { describe, expect, it } from 'vitest';
import { decodeLedgerLine, faultFields, requestFields } from '../src/ledger-decode.js';
import { formatRequestLine } from '../src/ledger-line.js';
import { probes, requestLines } from './support/lines.js';
import { isValidBySchema } from './support/schema.js';

const request = JSON.parse(formatRequestLine(requestLines[0]![1])) as Record<string, unknown>;
const fault: Record<string, unknown> = {
  type: 'fault',
  kind: 'redis_restart',
  at_ms: 1_764_061_655_200.25,
  detail: null,
};

type FieldCase = [type: 'request' | 'fault', key: string, field: Field, line: Record<string, unknown>];
type Field = { key: string; isValid: (value: unknown) => boolean; isOptional?: true };

describe('the decoder and the schema agree on every value of every key', () => {
  const cases: FieldCase[] = [
    ...Object.values<Field>(requestFields).map((f): FieldCase => ['request', f.key, f, request]),
    ...Object.values<Field>(faultFields).map((f): FieldCase => ['fault', f.key, f, fault]),
  ];
  it.each(cases)('%s line, "%s"', (type, key, field, line) => {
    for (const value of probes) {
      const text = JSON.stringify({ ...line, [key]: value });
      const isValid = field.isValid(value);
      expect(isValidBySchema(text), `${key}: ${JSON.stringify(value)}`).toBe(isValid);
      expect(decodeLedgerLine(text).kind, `${key}: ${JSON.stringify(value)}`).toBe(
        isValid ? type : 'malformed',
      );
    }
    const { [key]: _, ...without } = line;
    const isOptional = field.isOptional === true;
    expect(isValidBySchema(JSON.stringify(without)), `${key} left out`).toBe(isOptional);
    expect(decodeLedgerLine(JSON.stringify(without)).kind).toBe(isOptional ? type : 'malformed');
  });
});

describe('a line that is not a ledger line says what is wrong with it', () => {
  const line = (fields: Record<string, unknown>) => JSON.stringify({ ...request, ...fields });
  const cases: Array<[string, string, string]> = [
    ['not JSON', '{"type":"request",', 'not JSON'],
    ['an array', '[1,2]', 'not a JSON object'],
    ['a number', '42', 'not a JSON object'],
    ['another type', '{"type":"summary"}', '"type" is "summary", not "request" or "fault"'],
    ['no request id', line({ request_id: undefined }), '"request_id" is not a non-empty string'],
    ['an empty request id', line({ request_id: '' }), '"request_id" is not a non-empty string'],
    ['an unknown endpoint', line({ endpoint: 'refund' }), '"endpoint" is not checkout or purchase'],
    ['an unknown behaviour', line({ behaviour: 'bot' }), '"behaviour" is not normal, heavy or invalid'],
    ['an unknown outcome', line({ outcome: 'maybe' }), '"outcome" is not ok, fail or indeterminate'],
    ['a status that is text', line({ status: '200' }), '"status" is not an HTTP status or null'],
    ['a status that is no HTTP status', line({ status: 99 }), '"status" is not an HTTP status or null'],
    ['a fractional sale id', line({ sale_id: 4.5 }), '"sale_id" is not an integer or null'],
    ['a user id that is a number', line({ user_id: 5 }), '"user_id" is not a string or null'],
    ['replayed as text', line({ replayed: 'no' }), '"replayed" is not true or false'],
    ['no intended time', line({ intended_ms: null }), '"intended_ms" is not a number'],
    [
      'a time beyond any number',
      line({ done_ms: 1 }).replace('"done_ms":1', '"done_ms":1e400'),
      '"done_ms" is not a number or null',
    ],
    ['a key of its own', line({ retries: 2 }), '"retries" is not a ledger key'],
    [
      'a fault without its time',
      '{"type":"fault","kind":"redis_restart","detail":null}',
      '"at_ms" is not a number',
    ],
  ];

  it.each(cases)('%s', (_name, text, why) => {
    expect(decodeLedgerLine(text)).toEqual({ kind: 'malformed', why });
    expect(isValidBySchema(text)).toBe(false);
  });
});

it('a line written before attempt_id existed reads with a null attempt id', () => {
  const { attempt_id: _, ...old } = request;
  const decoded = decodeLedgerLine(JSON.stringify(old));
  expect(decoded).toEqual({ kind: 'request', request: { ...requestLines[0]![1], attemptId: null } });
});

it('a line written before the code book fields existed reads them as null', () => {
  const { issued_user_id: _u, issued_item_id: _i, reported_item_id: _r, expires_ms: _e, ...old } = request;
  const decoded = decodeLedgerLine(JSON.stringify(old));
  expect(decoded).toEqual({
    kind: 'request',
    request: {
      ...requestLines[0]![1],
      issuedUserId: null,
      issuedItemId: null,
      reportedItemId: null,
      expiresMs: null,
    },
  });
});
