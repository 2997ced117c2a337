import { describe, expect, it } from 'vitest';
import { ledgerOutcomeOf } from '../src/outcomes.js';

describe("a request's ledger outcome", () => {
  it.each([
    [200, true, 'ok'],
    [204, true, 'ok'],
    [400, true, 'fail'],
    [409, true, 'fail'],
    [503, true, 'indeterminate'],
    [500, true, 'indeterminate'],
    [302, true, 'indeterminate'],
    [null, true, 'indeterminate'],
    [null, false, 'fail'],
  ] as const)('status %s, written %s: %s', (status, wasSent, outcome) => {
    expect(ledgerOutcomeOf(status, wasSent)).toBe(outcome);
  });
});
