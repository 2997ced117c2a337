// The strict reading of one ledger line: JSON.parse, then every key checked against the line's
// shape (ledger-line.ts), in any key order. It decides what a ledger line is; the fast path
// (ledger-fast-decode.ts) only ever agrees with it. Lines older than `attempt_id` or the code
// book's fields (`issued_user_id` ... `expires_ms`) still read, as null.
import {
  type Behaviour,
  behaviours,
  type Endpoint,
  endpoints,
  type LedgerFault,
  type LedgerRequest,
} from './ledger-line.js';
import { type LedgerOutcome, ledgerOutcomes } from './outcomes.js';

export type DecodedLine =
  | Readonly<{ kind: 'request'; request: LedgerRequest }>
  | Readonly<{ kind: 'fault'; fault: LedgerFault }>
  | Readonly<{ kind: 'malformed'; why: string }>;

type Field<T> = Readonly<{
  key: string;
  /** Completes `"key" is not ...`. */
  what: string;
  isValid: (value: unknown) => value is T;
  /** Missing from older ledgers: read as null. */
  isOptional?: true;
}>;

type Fields<L> = { readonly [K in keyof L]-?: Field<L[K]> };

const isString = (value: unknown): value is string => typeof value === 'string';
const isNumber = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value);
const orNull =
  <T>(isValid: (value: unknown) => value is T) =>
  (value: unknown): value is T | null =>
    value === null || isValid(value);
const oneOf =
  <T extends string>(values: readonly T[]) =>
  (value: unknown): value is T =>
    (values as readonly unknown[]).includes(value);
const listed = (values: readonly string[]) =>
  values.length < 2 ? values.join('') : `${values.slice(0, -1).join(', ')} or ${values.at(-1)}`;

/** Every key of a request line, in the order the encoder writes them. */
export const requestFields: Fields<LedgerRequest> = {
  requestId: {
    key: 'request_id',
    what: 'a non-empty string',
    isValid: (value): value is string => isString(value) && value !== '',
  },
  endpoint: { key: 'endpoint', what: listed(endpoints), isValid: oneOf<Endpoint>(endpoints) },
  behaviour: { key: 'behaviour', what: listed(behaviours), isValid: oneOf<Behaviour>(behaviours) },
  userId: { key: 'user_id', what: 'a string or null', isValid: orNull(isString) },
  itemId: { key: 'item_id', what: 'a number or null', isValid: orNull(isNumber) },
  code: { key: 'code', what: 'a string or null', isValid: orNull(isString) },
  saleId: {
    key: 'sale_id',
    what: 'an integer or null',
    isValid: orNull((value): value is number => Number.isSafeInteger(value)),
  },
  purchaseId: { key: 'purchase_id', what: 'a string or null', isValid: orNull(isString) },
  attemptId: { key: 'attempt_id', what: 'a string or null', isValid: orNull(isString), isOptional: true },
  issuedUserId: {
    key: 'issued_user_id',
    what: 'a string or null',
    isValid: orNull(isString),
    isOptional: true,
  },
  issuedItemId: {
    key: 'issued_item_id',
    what: 'an integer or null',
    isValid: orNull((value): value is number => Number.isSafeInteger(value)),
    isOptional: true,
  },
  reportedItemId: {
    key: 'reported_item_id',
    what: 'an integer or null',
    isValid: orNull((value): value is number => Number.isSafeInteger(value)),
    isOptional: true,
  },
  expiresMs: { key: 'expires_ms', what: 'a number or null', isValid: orNull(isNumber), isOptional: true },
  isReplayed: {
    key: 'replayed',
    what: 'true or false',
    isValid: (value): value is boolean => typeof value === 'boolean',
  },
  intendedMs: { key: 'intended_ms', what: 'a number', isValid: isNumber },
  sentMs: { key: 'sent_ms', what: 'a number or null', isValid: orNull(isNumber) },
  doneMs: { key: 'done_ms', what: 'a number or null', isValid: orNull(isNumber) },
  status: {
    key: 'status',
    what: 'an HTTP status or null',
    isValid: orNull(
      (value): value is number => isNumber(value) && Number.isInteger(value) && value >= 100 && value <= 599,
    ),
  },
  error: { key: 'error', what: 'a string or null', isValid: orNull(isString) },
  outcome: { key: 'outcome', what: listed(ledgerOutcomes), isValid: oneOf<LedgerOutcome>(ledgerOutcomes) },
};

export const faultFields: Fields<LedgerFault> = {
  kind: { key: 'kind', what: 'a string', isValid: isString },
  atMs: { key: 'at_ms', what: 'a number', isValid: isNumber },
  detail: { key: 'detail', what: 'a string or null', isValid: orNull(isString) },
};

const lineTypes = ['request', 'fault'];
const requestKeys = keysOf(requestFields);
const faultKeys = keysOf(faultFields);

export function decodeLedgerLine(text: string): DecodedLine {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return malformed('not JSON');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    return malformed('not a JSON object');
  }
  const line = parsed as Record<string, unknown>;
  if (line.type === 'request') {
    const request = readFields(line, requestFields, requestKeys);
    return typeof request === 'string' ? malformed(request) : { kind: 'request', request };
  }
  if (line.type === 'fault') {
    const fault = readFields(line, faultFields, faultKeys);
    return typeof fault === 'string' ? malformed(fault) : { kind: 'fault', fault };
  }
  return malformed(`"type" is ${JSON.stringify(line.type)}, not ${listed(lineTypes.map((t) => `"${t}"`))}`);
}

/** The line's fields under their camelCase names, or what is wrong with the first bad one. */
function readFields<L>(
  line: Record<string, unknown>,
  fields: Fields<L>,
  keys: ReadonlySet<string>,
): L | string {
  const read: Record<string, unknown> = {};
  for (const [name, field] of Object.entries(fields) as [string, Field<unknown>][]) {
    const value = field.isOptional && !Object.hasOwn(line, field.key) ? null : line[field.key];
    if (!field.isValid(value)) return `"${field.key}" is not ${field.what}`;
    read[name] = value;
  }
  const stray = Object.keys(line).find((key) => !keys.has(key));
  if (stray !== undefined) return `"${stray}" is not a ledger key`;
  return read as L;
}

function keysOf<L>(fields: Fields<L>): ReadonlySet<string> {
  return new Set(['type', ...Object.values<Field<unknown>>(fields).map((field) => field.key)]);
}

function malformed(why: string): DecodedLine {
  return { kind: 'malformed', why };
}
