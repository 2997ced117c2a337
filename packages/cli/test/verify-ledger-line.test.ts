import { describe, expect, it } from 'vitest';
import { parseLedgerLine } from '../src/verify/ledger-line.js';

/** A line in the simulator's own key order (the fast path), and the same line with keys reversed. */
function both(fields: Record<string, unknown>): [string, string] {
  const line = {
    type: 'request',
    request_id: 'r-1',
    endpoint: 'checkout',
    behaviour: 'heavy',
    user_id: 'ann',
    item_id: 7,
    code: '42.AbCdEfGhIjKlMnOpQrStUv',
    sale_id: 42,
    purchase_id: null,
    replayed: false,
    intended_ms: 1700000000000.125,
    sent_ms: 1700000000000.5,
    done_ms: 1700000000003.25,
    status: 200,
    error: null,
    outcome: 'ok',
    ...fields,
  };
  return [JSON.stringify(line), JSON.stringify(Object.fromEntries(Object.entries(line).reverse()))];
}

describe('a ledger line reads the same whether it takes the fast path or JSON.parse', () => {
  const cases: Array<[string, Record<string, unknown>]> = [
    ['an acknowledged checkout', {}],
    [
      'a refusal, which carries no sale id',
      { code: null, sale_id: null, status: 409, error: 'item_held', outcome: 'fail' },
    ],
    [
      'an acknowledged purchase',
      { endpoint: 'purchase', purchase_id: '0f1e2d3c-4b5a-8697-a8b9-cadbecfd0e1f', replayed: true },
    ],
    ['a timeout', { sent_ms: 1, done_ms: null, status: null, error: 'timeout', outcome: 'indeterminate' }],
    [
      'a request never sent',
      { sent_ms: null, done_ms: null, status: null, error: 'connection', outcome: 'fail' },
    ],
    [
      'an item id that is not an integer',
      { item_id: 1.5, status: 400, error: 'invalid_request', outcome: 'fail' },
    ],
    [
      'an item id beyond any integer',
      { item_id: 1e21, status: 400, error: 'invalid_request', outcome: 'fail' },
    ],
    ['a negative item id', { item_id: -3, status: 400, error: 'invalid_request', outcome: 'fail' }],
    [
      'a code with characters JSON escapes',
      { endpoint: 'purchase', code: 'a"b\\c\n\u0001', status: 400, outcome: 'fail' },
    ],
    ['text outside ASCII', { user_id: 'zoë-✓', status: 400, outcome: 'fail' }],
  ];

  it.each(cases)('%s', (_name, fields) => {
    const [canonical, reordered] = both(fields);
    const fast = parseLedgerLine(canonical);
    expect(fast).toEqual(parseLedgerLine(reordered));
    expect(fast.kind).toBe('request');
  });

  it('reads the fields the verifier needs', () => {
    const [canonical] = both({ item_id: 1.5 });
    expect(parseLedgerLine(canonical)).toEqual({
      kind: 'request',
      request: {
        requestId: 'r-1',
        attemptId: null,
        endpoint: 'checkout',
        userId: 'ann',
        itemId: null,
        code: '42.AbCdEfGhIjKlMnOpQrStUv',
        saleId: 42,
        purchaseId: null,
        status: 200,
        error: null,
        outcome: 'ok',
      },
    });
  });

  it('a fault line is a fault, whatever it says', () => {
    expect(parseLedgerLine('{"type":"fault","kind":"redis_flush","at_ms":1,"detail":null}')).toEqual({
      kind: 'fault',
    });
  });
});

describe('a line that is not a ledger line says what is wrong with it', () => {
  const cases: Array<[string, string, string]> = [
    ['not JSON', '{"type":"request",', 'not JSON'],
    ['an array', '[1,2]', 'not a JSON object'],
    ['another type', '{"type":"summary"}', '"type" is "summary", not "request" or "fault"'],
    ['no request id', both({ request_id: undefined })[1], '"request_id" is not a non-empty string'],
    ['an empty request id', both({ request_id: '' })[0], '"request_id" is not a non-empty string'],
    ['an unknown endpoint', both({ endpoint: 'refund' })[0], '"endpoint" is not checkout or purchase'],
    ['an unknown outcome', both({ outcome: 'maybe' })[0], '"outcome" is not ok, fail or indeterminate'],
    ['a status that is text', both({ status: '200' })[0], '"status" is not a number or null'],
    ['a status that is no HTTP status', both({ status: 99 })[0], '"status" is not an HTTP status or null'],
    ['a fractional sale id', both({ sale_id: 4.5 })[0], '"sale_id" is not an integer or null'],
    ['a user id that is a number', both({ user_id: 5 })[0], '"user_id" is not a string or null'],
  ];

  it.each(cases)('%s', (_name, text, why) => {
    expect(parseLedgerLine(text)).toEqual({ kind: 'malformed', why });
  });
});
