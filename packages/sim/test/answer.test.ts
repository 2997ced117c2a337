// The answer reader in a target's dialect: which statuses are a success, where the code is, and
// which refusal is which of our outcomes; what no rule explains is unexpected.
import { contestProfile, defaultProfile, parseTargetProfile } from '@flashsale/protocol';
import { describe, expect, it } from 'vitest';
import { AnswerReader } from '../src/http/answer.js';

const json = (value: unknown) => Buffer.from(JSON.stringify(value));
const text = (value: string) => Buffer.from(value);

describe('our own service (the default profile)', () => {
  const reader = new AnswerReader(defaultProfile);

  it('a 200 checkout carries the code and when its hold lapses', () => {
    const answer = reader.read(
      'checkout',
      200,
      json({ code: 'c1', sale_id: 7, item_id: 3, expires_at: '2026-01-01T00:00:00.000Z' }),
    );
    expect(answer).toMatchObject({ isOk: true, code: 'c1', saleId: 7, outcome: 'success' });
    expect(answer.expiresAtMs).toBe(Date.parse('2026-01-01T00:00:00.000Z'));
  });

  it('a purchase reports its id and item; a replay says so', () => {
    const answer = reader.read('purchase', 200, json({ purchase_id: 'p1', item_id: 3, replayed: true }));
    expect(answer).toMatchObject({
      purchaseId: 'p1',
      reportedItemId: 3,
      isReplayed: true,
      outcome: 'replayed',
    });
  });

  it.each([
    [409, 'sold_out'],
    [409, 'item_held'],
    [403, 'user_limit'],
    [404, 'unknown_code'],
    [410, 'code_expired'],
    [400, 'invalid_request'],
  ])('%i %s is that outcome', (status, error) => {
    expect(reader.read('checkout', status, json({ error }))).toMatchObject({
      isOk: false,
      error,
      outcome: error,
    });
  });

  it('an error code with the wrong status, a 201 or a text refusal is unexpected', () => {
    expect(reader.read('checkout', 403, json({ error: 'sold_out' })).outcome).toBe('unexpected');
    expect(reader.read('checkout', 201, json({ code: 'c' })).outcome).toBe('unexpected');
    expect(reader.read('checkout', 409, text('sold out')).outcome).toBe('unexpected');
  });

  it('5xx is unavailable or a server error', () => {
    expect(reader.read('purchase', 503, json({ error: 'unavailable' })).outcome).toBe('unavailable');
    expect(reader.read('purchase', 500, text('boom')).outcome).toBe('server_error');
  });
});

describe('the contest dialect', () => {
  const reader = new AnswerReader(contestProfile);

  it('a 201 checkout is a success; the code comes from JSON or from a text body', () => {
    expect(reader.read('checkout', 201, json({ code: 'abc123def' }))).toMatchObject({
      isOk: true,
      code: 'abc123def',
      outcome: 'success',
    });
    expect(reader.read('checkout', 201, text('abc123def')).code).toBe('abc123def');
    expect(reader.read('checkout', 201, text('Reserved. Your code: Zz-901_ab')).code).toBe('Zz-901_ab');
  });

  it.each([
    ['checkout', 409, 'item sold out', 'sold_out'],
    ['checkout', 409, 'item is held by another buyer', 'item_held'],
    ['checkout', 403, 'user limit reached', 'user_limit'],
    ['checkout', 400, 'bad id', 'invalid_request'],
    ['purchase', 404, 'no such code', 'unknown_code'],
    ['purchase', 410, 'gone', 'code_expired'],
    ['purchase', 409, 'code expired', 'code_expired'],
  ] as const)('%s %i "%s" is %s', (endpoint, status, body, outcome) => {
    expect(reader.read(endpoint, status, text(body))).toMatchObject({ error: outcome, outcome });
  });

  it('an unmapped refusal stays unexpected, keeping nothing it did not say', () => {
    expect(reader.read('checkout', 418, text("I'm a teapot"))).toMatchObject({
      outcome: 'unexpected',
      error: null,
    });
    expect(reader.read('checkout', 409, text('conflict'))).toMatchObject({ outcome: 'unexpected' });
  });
});

it('a profile may map by a JSON field, for one endpoint only', () => {
  const reader = new AnswerReader(
    parseTargetProfile({
      refusals: [
        {
          endpoint: 'purchase',
          status: 422,
          json_field: 'reason',
          equals: 'EXPIRED',
          outcome: 'code_expired',
        },
      ],
    }),
  );
  expect(reader.read('purchase', 422, json({ reason: 'EXPIRED' })).outcome).toBe('code_expired');
  expect(reader.read('checkout', 422, json({ reason: 'EXPIRED' })).outcome).toBe('unexpected');
  expect(reader.read('purchase', 422, json({ reason: 'OTHER' })).outcome).toBe('unexpected');
});

describe('what the ledger says an answer did', () => {
  const reader = new AnswerReader(
    parseTargetProfile({
      checkout: { success_statuses: [200], code_field: 'data.code' },
      purchase: { success_statuses: [200], item_field: 'data.item' },
      refusals: [{ status: 200, json_field: 'data.status', equals: 'SOLD_OUT', outcome: 'sold_out' }],
    }),
  );

  it('a refusal rule is tried first, so a service may refuse with a 200', () => {
    expect(reader.read('checkout', 200, json({ data: { status: 'SOLD_OUT' } }))).toMatchObject({
      isOk: false,
      outcome: 'sold_out',
      ledgerOutcome: 'fail',
    });
  });

  it('fields may be dotted paths into nested objects', () => {
    expect(reader.read('checkout', 200, json({ data: { code: 'n1' } }))).toMatchObject({
      code: 'n1',
      ledgerOutcome: 'ok',
    });
    expect(reader.read('purchase', 200, json({ data: { item: 7 } })).reportedItemId).toBe(7);
  });

  it('a checkout "success" without a code, or a 2xx nothing explains, may have taken effect: indeterminate', () => {
    expect(reader.read('checkout', 200, json({ data: {} }))).toMatchObject({
      isOk: false,
      outcome: 'unexpected',
      ledgerOutcome: 'indeterminate',
    });
    expect(reader.read('purchase', 202, text('queued')).ledgerOutcome).toBe('indeterminate');
  });

  it('an unexplained 4xx is still a refusal, a 5xx indeterminate', () => {
    expect(reader.read('checkout', 418, text('teapot'))).toMatchObject({
      outcome: 'unexpected',
      ledgerOutcome: 'fail',
    });
    expect(reader.read('purchase', 502, text('bad gateway')).ledgerOutcome).toBe('indeterminate');
  });
});
