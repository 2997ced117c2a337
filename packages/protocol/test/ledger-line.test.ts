// The ledger line is said three times: the TypeScript types (with the decoder's field table,
// which the compiler holds to them), the writer, and ledger-line.schema.json for other tools.
// These tests hold the three to one shape.
import { describe, expect, it } from 'vitest';
import { decodeLedgerLine, faultFields, requestFields } from '../src/ledger-decode.js';
import {
  behaviours,
  endpoints,
  formatFaultLine,
  formatRequestLine,
  type LedgerFaultJson,
  type LedgerRequestJson,
} from '../src/ledger-line.js';
import { ledgerOutcomes } from '../src/outcomes.js';
import { faultLines, requestLines } from './support/lines.js';
import { isValidBySchema, schema } from './support/schema.js';

// Every key of the wire types: adding one to a type and not here fails to compile.
const requestJsonKeys: Record<keyof LedgerRequestJson, true> = {
  type: true,
  request_id: true,
  endpoint: true,
  behaviour: true,
  user_id: true,
  item_id: true,
  code: true,
  sale_id: true,
  purchase_id: true,
  attempt_id: true,
  issued_user_id: true,
  issued_item_id: true,
  reported_item_id: true,
  expires_ms: true,
  replayed: true,
  intended_ms: true,
  sent_ms: true,
  done_ms: true,
  status: true,
  error: true,
  outcome: true,
};
const faultJsonKeys: Record<keyof LedgerFaultJson, true> = {
  type: true,
  kind: true,
  at_ms: true,
  detail: true,
};

const keysOf = (fields: object) => [
  'type',
  ...Object.values(fields).map((field: { key: string }) => field.key),
];

describe('what the writer writes', () => {
  it.each(requestLines)('%s: valid by the schema, and read back as written', (_name, line) => {
    const text = formatRequestLine(line);
    expect(text.endsWith('}\n')).toBe(true);
    expect(isValidBySchema(text)).toBe(true);
    expect(decodeLedgerLine(text)).toEqual({ kind: 'request', request: line });
  });

  it.each(faultLines)('%s: valid by the schema, and read back as written', (_name, fault) => {
    const text = formatFaultLine(fault);
    expect(isValidBySchema(text)).toBe(true);
    expect(decodeLedgerLine(text)).toEqual({ kind: 'fault', fault });
  });

  it('times are written to the microsecond', () => {
    const [, line] = requestLines[0]!;
    const text = formatRequestLine({ ...line, intendedMs: 1_764_061_655_123.4568 });
    expect(JSON.parse(text).intended_ms).toBe(1_764_061_655_123.457);
  });
});

describe('the types, the writer and the schema name the same keys', () => {
  it('a request line: the same keys in the same order, every one required but those older ledgers lack', () => {
    const written = Object.keys(JSON.parse(formatRequestLine(requestLines[0]![1])));
    const { properties, required } = schema.$defs.request;
    expect(Object.keys(properties)).toEqual(written);
    expect(keysOf(requestFields)).toEqual(written);
    expect(Object.keys(requestJsonKeys)).toEqual(written);
    const optional = ['attempt_id', 'issued_user_id', 'issued_item_id', 'reported_item_id', 'expires_ms'];
    expect(required).toEqual(written.filter((key) => !optional.includes(key)));
  });

  it('a fault line: the same keys in the same order, every one required', () => {
    const written = Object.keys(JSON.parse(formatFaultLine(faultLines[0]![1])));
    const { properties, required } = schema.$defs.fault;
    expect(Object.keys(properties)).toEqual(written);
    expect(keysOf(faultFields)).toEqual(written);
    expect(Object.keys(faultJsonKeys)).toEqual(written);
    expect(required).toEqual(written);
  });

  it('the schema lists the same endpoints, behaviours and outcomes', () => {
    const { properties } = schema.$defs.request;
    expect(properties.endpoint!.enum).toEqual([...endpoints]);
    expect(properties.behaviour!.enum).toEqual([...behaviours]);
    expect(properties.outcome!.enum).toEqual([...ledgerOutcomes]);
  });
});
