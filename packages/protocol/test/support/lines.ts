// Ledger lines of every kind the simulator writes, for the encoder, decoder and schema tests.
import type { LedgerFault, LedgerRequest } from '../../src/ledger-line.js';

const checkout: LedgerRequest = {
  requestId: '3b8b5de5-0-17',
  endpoint: 'checkout',
  behaviour: 'normal',
  userId: 's7.u17',
  itemId: 42,
  code: '498777.AbCdEfGhIjKlMnOpQrStUv',
  saleId: 498_777,
  purchaseId: null,
  attemptId: '0f1e2d3c-4b5a-4697-a8b9-cadbecfd0e1f',
  issuedUserId: null,
  issuedItemId: null,
  reportedItemId: null,
  expiresMs: 1_764_061_955_130.5,
  isReplayed: false,
  intendedMs: 1_764_061_655_123.5,
  sentMs: 1_764_061_655_124.125,
  doneMs: 1_764_061_655_130.875,
  status: 200,
  error: null,
  outcome: 'ok',
};

/** [name, line, whether the encoder's text takes the fast path]. */
export const requestLines: ReadonlyArray<[string, LedgerRequest, boolean]> = [
  ['an acknowledged checkout', checkout, true],
  [
    'a refusal, which carries no sale id',
    {
      ...checkout,
      code: null,
      saleId: null,
      attemptId: null,
      status: 409,
      error: 'item_held',
      outcome: 'fail',
    },
    true,
  ],
  [
    'a replayed purchase',
    {
      ...checkout,
      endpoint: 'purchase',
      behaviour: 'heavy',
      purchaseId: '0f1e2d3c-4b5a-8697-a8b9-cadbecfd0e1f',
      isReplayed: true,
    },
    true,
  ],
  [
    'a purchase attributed by the code book',
    {
      ...checkout,
      endpoint: 'purchase',
      userId: null,
      itemId: null,
      purchaseId: '17',
      issuedUserId: 's7.u17',
      issuedItemId: 42,
      reportedItemId: 42,
      expiresMs: null,
    },
    true,
  ],
  [
    'a timeout',
    { ...checkout, doneMs: null, status: null, error: 'timeout', outcome: 'indeterminate', attemptId: null },
    true,
  ],
  [
    'a request never sent',
    { ...checkout, sentMs: null, doneMs: null, status: null, error: 'connection', outcome: 'fail' },
    true,
  ],
  [
    'an invalid buyer leaving the user out',
    {
      ...checkout,
      behaviour: 'invalid',
      userId: null,
      status: 400,
      error: 'invalid_request',
      outcome: 'fail',
    },
    true,
  ],
  [
    'an item id that is not an integer',
    { ...checkout, itemId: 1.5, status: 400, error: 'invalid_request', outcome: 'fail' },
    true,
  ],
  [
    'an item id beyond any integer (JSON writes it with an exponent)',
    { ...checkout, itemId: 1e21, status: 400, error: 'invalid_request', outcome: 'fail' },
    false,
  ],
  [
    'a negative item id',
    { ...checkout, itemId: -3, status: 400, error: 'invalid_request', outcome: 'fail' },
    true,
  ],
  [
    'a code with characters JSON escapes',
    { ...checkout, endpoint: 'purchase', code: 'a"b\\c\n\u0001', status: 400, outcome: 'fail' },
    false,
  ],
  ['text outside ASCII', { ...checkout, userId: 'zoë-✓', status: 400, outcome: 'fail' }, true],
  ['a server error', { ...checkout, status: 503, error: 'unavailable', outcome: 'indeterminate' }, true],
];

export const faultLines: ReadonlyArray<[string, LedgerFault]> = [
  ['a fault', { kind: 'redis_restart', atMs: 1_764_061_655_200.25, detail: 'injected' }],
  [
    'its recovery, without detail',
    { kind: 'redis_restart:recovered', atMs: 1_764_061_656_000, detail: null },
  ],
];

/** Values of every JSON type, and the edges of the checks. */
export const probes: readonly unknown[] = [
  null,
  '',
  'x',
  'checkout',
  'purchase',
  'normal',
  'invalid',
  'ok',
  'indeterminate',
  0,
  -3,
  1.5,
  99,
  100,
  599,
  600,
  200.5,
  2 ** 53,
  1e21,
  true,
  false,
  [],
  {},
];
