// A target profile: the dialect of one implementation of the checkout/purchase API, so the
// simulator can load it and the verifier can read its ledger. A profile file (JSON, snake_case,
// target-profile.schema.json) says only where a service differs from ours; parseTargetProfile
// checks it once, before any load, and fills in the rest from the default profile. Patterns stay
// texts here (the profile crosses process boundaries); whoever matches them compiles them once.
import { readFileSync } from 'node:fs';
import type { Endpoint } from './ledger-line.js';
import { type ApiErrorCode, apiErrorStatus } from './outcomes.js';

/** What a refusal can mean: our outcomes a buyer reacts to. */
export const refusalOutcomes = [
  'sold_out',
  'item_held',
  'user_limit',
  'unknown_code',
  'code_expired',
  'invalid_request',
] as const satisfies readonly ApiErrorCode[];
export type RefusalOutcome = (typeof refusalOutcomes)[number];

/** One way to recognise a refusal; the first rule that matches an answer decides. */
export type RefusalRule = Readonly<{
  /** null: either endpoint. */
  endpoint: Endpoint | null;
  statuses: readonly number[];
  /** The answer is a JSON object whose field `jsonField` is the text `equals`. */
  jsonField: string | null;
  equals: string | null;
  /** The body matches this regular expression (case-insensitive). */
  bodyPattern: string | null;
  outcome: RefusalOutcome;
}>;

export type TargetProfile = Readonly<{
  name: string;
  checkout: Readonly<{
    successStatuses: readonly number[];
    /** The JSON field holding the code; null: the body is not read as JSON for it. */
    codeField: string | null;
    /** A regular expression over the body; its first group (else the match) is the code. */
    codePattern: string | null;
    /** The JSON field saying when the hold lapses (ISO time or epoch ms); null: none. */
    expiresField: string | null;
  }>;
  purchase: Readonly<{
    successStatuses: readonly number[];
    purchaseIdField: string | null;
    itemField: string | null;
    replayedField: string | null;
  }>;
  refusals: readonly RefusalRule[];
  firstItemId: number;
  /** Items in the sale when the service does not say (no GET /sale); null: --sale-size. */
  saleSize: number | null;
  /** Purchases one buyer may make; null: --user-limit. */
  userLimit: number | null;
  hasSaleEndpoint: boolean;
}>;

/** A profile that cannot be used; `key` is the path of the bad key, e.g. `checkout.code_pattern`. */
export class ProfileError extends Error {
  readonly key: string;

  constructor(key: string, problem: string) {
    super(key === '' ? problem : `"${key}" ${problem}`);
    this.name = 'ProfileError';
    this.key = key;
  }
}

/** Our own service, as the SPEC says it answers. */
export const defaultProfile: TargetProfile = Object.freeze({
  name: 'default',
  checkout: { successStatuses: [200], codeField: 'code', codePattern: null, expiresField: 'expires_at' },
  purchase: {
    successStatuses: [200],
    purchaseIdField: 'purchase_id',
    itemField: 'item_id',
    replayedField: 'replayed',
  },
  refusals: refusalOutcomes.map((outcome) => ({
    endpoint: null,
    statuses: [apiErrorStatus[outcome]],
    jsonField: 'error',
    equals: outcome,
    bodyPattern: null,
    outcome,
  })),
  firstItemId: 0,
  saleSize: null,
  userLimit: null,
  hasSaleEndpoint: true,
});

const rule = (
  endpoint: Endpoint | null,
  statuses: number[],
  outcome: RefusalOutcome,
  bodyPattern: string | null = null,
): RefusalRule => ({ endpoint, statuses, jsonField: null, equals: null, bodyPattern, outcome });

/**
 * The common variant: a good checkout answers 201, refusals are plain text told apart by status
 * and wording, items count from 1, and there is no GET /sale. The code is a JSON field or, in a
 * text body, the token after "code" (or the whole body when it is one token).
 */
export const contestProfile: TargetProfile = Object.freeze({
  name: 'contest',
  checkout: {
    successStatuses: [200, 201],
    codeField: 'code',
    codePattern: '^\\s*(?:[^\\n]*?\\bcode\\b(?:\\s+is)?\\W{0,3})?([A-Za-z0-9._~-]{6,})\\W{0,3}$',
    expiresField: 'expires_at',
  },
  purchase: {
    successStatuses: [200, 201],
    purchaseIdField: 'purchase_id',
    itemField: 'item_id',
    replayedField: 'replayed',
  },
  refusals: [
    rule(null, [400, 422], 'invalid_request'),
    rule('checkout', [409, 410], 'sold_out', 'sold|gone|no longer available'),
    rule('checkout', [409, 423], 'item_held', 'held|hold|reserved|taken|locked'),
    rule('checkout', [403, 429], 'user_limit', 'limit|too many|max'),
    rule('checkout', [410], 'sold_out'),
    rule('purchase', [404], 'unknown_code'),
    rule('purchase', [409, 403, 410], 'code_expired', 'expired|lapsed'),
    rule('purchase', [410], 'code_expired'),
    rule('purchase', [409, 403], 'unknown_code', 'used|invalid|unknown|not found'),
  ],
  firstItemId: 1,
  saleSize: null,
  userLimit: null,
  hasSaleEndpoint: false,
});

export const builtInProfiles: Readonly<Record<string, TargetProfile>> = {
  default: defaultProfile,
  contest: contestProfile,
};

type Json = Record<string, unknown>;

const topKeys = [
  'name',
  'description',
  'checkout',
  'purchase',
  'refusals',
  'first_item_id',
  'sale_size',
  'user_limit',
  'has_sale_endpoint',
] as const;
const checkoutKeys = ['success_statuses', 'code_field', 'code_pattern', 'expires_field'] as const;
const purchaseKeys = ['success_statuses', 'purchase_id_field', 'item_field', 'replayed_field'] as const;
const ruleKeys = ['endpoint', 'status', 'json_field', 'equals', 'body_pattern', 'outcome'] as const;

/**
 * Checks a profile document (a file's parsed JSON) and returns it whole, with the default
 * profile's values where it says nothing. Throws a ProfileError naming the first bad key.
 */
export function parseTargetProfile(document: unknown): TargetProfile {
  const top = objectAt('', document);
  onlyKeys('', top, topKeys);
  const base = defaultProfile;
  const checkout = top.checkout === undefined ? {} : objectAt('checkout', top.checkout);
  onlyKeys('checkout', checkout, checkoutKeys);
  const purchase = top.purchase === undefined ? {} : objectAt('purchase', top.purchase);
  onlyKeys('purchase', purchase, purchaseKeys);
  if (top.description !== undefined) textAt('description', top.description);
  const profile: TargetProfile = {
    name: top.name === undefined ? 'custom' : textAt('name', top.name),
    checkout: {
      successStatuses:
        optional(checkout, 'success_statuses', 'checkout', statusesAt) ?? base.checkout.successStatuses,
      codeField: nullable(checkout, 'code_field', 'checkout', textAt, base.checkout.codeField),
      codePattern: nullable(checkout, 'code_pattern', 'checkout', patternAt, base.checkout.codePattern),
      expiresField: nullable(checkout, 'expires_field', 'checkout', textAt, base.checkout.expiresField),
    },
    purchase: {
      successStatuses:
        optional(purchase, 'success_statuses', 'purchase', statusesAt) ?? base.purchase.successStatuses,
      purchaseIdField: nullable(
        purchase,
        'purchase_id_field',
        'purchase',
        textAt,
        base.purchase.purchaseIdField,
      ),
      itemField: nullable(purchase, 'item_field', 'purchase', textAt, base.purchase.itemField),
      replayedField: nullable(purchase, 'replayed_field', 'purchase', textAt, base.purchase.replayedField),
    },
    refusals: top.refusals === undefined ? base.refusals : rulesAt('refusals', top.refusals),
    firstItemId:
      top.first_item_id === undefined ? base.firstItemId : integerAt('first_item_id', top.first_item_id, 0),
    saleSize:
      top.sale_size === undefined || top.sale_size === null ? null : integerAt('sale_size', top.sale_size, 1),
    userLimit:
      top.user_limit === undefined || top.user_limit === null
        ? null
        : integerAt('user_limit', top.user_limit, 1),
    hasSaleEndpoint:
      top.has_sale_endpoint === undefined
        ? base.hasSaleEndpoint
        : booleanAt('has_sale_endpoint', top.has_sale_endpoint),
  };
  if (profile.checkout.codeField === null && profile.checkout.codePattern === null) {
    throw new ProfileError(
      'checkout.code_field',
      'and checkout.code_pattern are both null: a checkout code could not be found',
    );
  }
  return Object.freeze(profile);
}

function join(path: string, key: string | number): string {
  if (typeof key === 'number') return `${path}[${key}]`;
  return path === '' ? key : `${path}.${key}`;
}

function objectAt(path: string, value: unknown): Json {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ProfileError(path, path === '' ? 'a profile is a JSON object' : 'is not a JSON object');
  }
  return value as Json;
}

function onlyKeys(path: string, value: Json, keys: readonly string[]): void {
  const stray = Object.keys(value).find((key) => !keys.includes(key));
  if (stray !== undefined) {
    throw new ProfileError(join(path, stray), `is not a profile key; expected one of ${keys.join(', ')}`);
  }
}

function optional<T>(
  object: Json,
  key: string,
  path: string,
  read: (path: string, value: unknown) => T,
): T | undefined {
  return object[key] === undefined ? undefined : read(join(path, key), object[key]);
}

function nullable<T>(
  object: Json,
  key: string,
  path: string,
  read: (path: string, value: unknown) => T,
  fallback: T | null,
): T | null {
  if (object[key] === undefined) return fallback;
  return object[key] === null ? null : read(join(path, key), object[key]);
}

function textAt(path: string, value: unknown): string {
  if (typeof value !== 'string' || value === '') throw new ProfileError(path, 'is not a non-empty text');
  return value;
}

function booleanAt(path: string, value: unknown): boolean {
  if (typeof value !== 'boolean') throw new ProfileError(path, 'is not true or false');
  return value;
}

function integerAt(path: string, value: unknown, minimum: number): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < minimum) {
    throw new ProfileError(path, `is not a whole number >= ${minimum}`);
  }
  return value;
}

function statusAt(path: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 100 || value > 599) {
    throw new ProfileError(path, 'is not an HTTP status (100-599)');
  }
  return value;
}

function statusesAt(path: string, value: unknown): number[] {
  if (!Array.isArray(value) || value.length === 0) {
    throw new ProfileError(path, 'is not a non-empty list of HTTP statuses');
  }
  return value.map((status, index) => statusAt(join(path, index), status));
}

function patternAt(path: string, value: unknown): string {
  const text = textAt(path, value);
  try {
    new RegExp(text, 'i');
  } catch (error) {
    throw new ProfileError(path, `is not a regular expression (${(error as Error).message})`);
  }
  return text;
}

function rulesAt(path: string, value: unknown): RefusalRule[] {
  if (!Array.isArray(value)) throw new ProfileError(path, 'is not a list of refusal rules');
  return value.map((item, index) => ruleAt(join(path, index), item));
}

function ruleAt(path: string, value: unknown): RefusalRule {
  const item = objectAt(path, value);
  onlyKeys(path, item, ruleKeys);
  const endpoint = item.endpoint === undefined || item.endpoint === null ? null : item.endpoint;
  if (endpoint !== null && endpoint !== 'checkout' && endpoint !== 'purchase') {
    throw new ProfileError(join(path, 'endpoint'), 'is not checkout or purchase');
  }
  if (item.status === undefined) throw new ProfileError(join(path, 'status'), 'is missing');
  const statuses = Array.isArray(item.status)
    ? statusesAt(join(path, 'status'), item.status)
    : [statusAt(join(path, 'status'), item.status)];
  const jsonField = item.json_field === undefined ? null : textAt(join(path, 'json_field'), item.json_field);
  const equals = item.equals === undefined ? null : textAt(join(path, 'equals'), item.equals);
  if ((jsonField === null) !== (equals === null)) {
    throw new ProfileError(
      join(path, jsonField === null ? 'json_field' : 'equals'),
      'is missing (json_field and equals go together)',
    );
  }
  const outcome = item.outcome;
  if (!(refusalOutcomes as readonly unknown[]).includes(outcome)) {
    throw new ProfileError(join(path, 'outcome'), `is not one of ${refusalOutcomes.join(', ')}`);
  }
  return {
    endpoint,
    statuses,
    jsonField,
    equals,
    bodyPattern:
      item.body_pattern === undefined ? null : patternAt(join(path, 'body_pattern'), item.body_pattern),
    outcome: outcome as RefusalOutcome,
  };
}

/**
 * A built-in profile by name (`default`, `contest`), else the JSON file at that path, checked.
 * Throws a ProfileError; a file that cannot be read or is not JSON has the key ''.
 */
export function readTargetProfile(nameOrPath: string): TargetProfile {
  const builtIn = builtInProfiles[nameOrPath];
  if (builtIn !== undefined && Object.hasOwn(builtInProfiles, nameOrPath)) return builtIn;
  let text: string;
  try {
    text = readFileSync(nameOrPath, 'utf8');
  } catch (error) {
    throw new ProfileError(
      '',
      `is neither a built-in profile (${Object.keys(builtInProfiles).join(', ')}) nor a readable file (${(error as NodeJS.ErrnoException).code ?? String(error)})`,
    );
  }
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (error) {
    throw new ProfileError('', `is not JSON (${(error as Error).message})`);
  }
  return parseTargetProfile(document);
}
