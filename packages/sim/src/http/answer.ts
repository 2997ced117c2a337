// Reads a response into what buyers, the recorder and the ledger need, in the dialect the target
// profile describes: which refusal means which of our outcomes (a refusal rule may match any
// status, a 200 too), which statuses are a success, and where the code is (a JSON field, dotted
// for a nested one, or a pattern over a text body). The profile's patterns are compiled once, when
// the reader is made. An answer nothing explains is `unexpected`; in the ledger a 4xx is still a
// refusal, but an unexplained 2xx (or a checkout "success" without a code) may have taken effect:
// indeterminate.
import {
  defaultProfile,
  type Endpoint,
  type LedgerOutcome,
  ledgerOutcomeOf,
  type RefusalOutcome,
  type RefusalRule,
  type TargetProfile,
} from '@flashsale/protocol';
import type { Answer } from '../buyers/session.js';
import type { OutcomeCode } from '../record/outcomes.js';

export type ReadAnswer = Answer &
  Readonly<{
    /** The item id a purchase's answer reported. */
    reportedItemId: number | null;
    /** How the report files it. */
    outcome: OutcomeCode;
    /** What the ledger says it did; null when no answer came (the sender knows whether it was sent). */
    ledgerOutcome: LedgerOutcome | null;
  }>;

type CompiledRule = Readonly<{
  endpoint: Endpoint | null;
  statuses: ReadonlySet<number>;
  jsonField: string | null;
  equals: string | null;
  bodyPattern: RegExp | null;
  outcome: RefusalOutcome;
}>;

export class AnswerReader {
  readonly #profile: TargetProfile;
  readonly #success: Readonly<Record<Endpoint, ReadonlySet<number>>>;
  readonly #codePattern: RegExp | null;
  readonly #rules: readonly CompiledRule[];
  /** Every status some refusal rule names: an answer with another status is no refusal. */
  readonly #refusalStatuses: ReadonlySet<number>;
  /** Whether any rule reads the body as text: only then is a refusal's body decoded. */
  readonly #readsRefusalText: boolean;

  constructor(profile: TargetProfile) {
    this.#profile = profile;
    this.#success = {
      checkout: new Set(profile.checkout.successStatuses),
      purchase: new Set(profile.purchase.successStatuses),
    };
    const pattern = profile.checkout.codePattern;
    this.#codePattern = pattern === null ? null : new RegExp(pattern, 'i');
    this.#rules = profile.refusals.map(compileRule);
    this.#refusalStatuses = new Set(profile.refusals.flatMap((rule) => rule.statuses));
    this.#readsRefusalText = this.#rules.some((rule) => rule.bodyPattern !== null);
  }

  read(endpoint: Endpoint, status: number, body: Buffer | null): ReadAnswer {
    const document = parseObject(body);
    const error = document !== null && typeof document.error === 'string' ? document.error : null;
    // A refusal still says which sale it is about when its body does (buyers follow rollovers by it).
    const saleId = document !== null && typeof document.sale_id === 'number' ? document.sale_id : null;
    if (status >= 500) {
      return emptyAnswer(
        status,
        error,
        error === 'unavailable' ? 'unavailable' : 'server_error',
        'indeterminate',
        saleId,
      );
    }
    const rule = this.#refusalStatuses.has(status)
      ? this.#refusalOf(endpoint, status, body, document)
      : undefined;
    if (rule !== undefined) return emptyAnswer(status, rule.outcome, rule.outcome, 'fail', saleId);
    if (this.#success[endpoint].has(status)) {
      const answer = this.#readSuccess(endpoint, status, body, document);
      if (endpoint === 'purchase' || answer.code !== null) return answer;
    }
    // Unexplained: `error` keeps what the answer said, for the ledger; the report says unexpected.
    const isSuccessLike = status >= 200 && status < 300;
    return emptyAnswer(
      status,
      error,
      'unexpected',
      isSuccessLike ? 'indeterminate' : ledgerOutcomeOf(status, true),
      saleId,
    );
  }

  #refusalOf(
    endpoint: Endpoint,
    status: number,
    body: Buffer | null,
    document: Record<string, unknown> | null,
  ): CompiledRule | undefined {
    // The body's text is decoded once, and only when a rule with a pattern gets that far.
    let text: string | null = null;
    for (const rule of this.#rules) {
      if (!matchesFields(rule, endpoint, status, document)) continue;
      if (rule.bodyPattern === null) return rule;
      text ??= this.#readsRefusalText && body !== null ? body.toString('utf8') : '';
      if (rule.bodyPattern.test(text)) return rule;
    }
    return undefined;
  }

  #readSuccess(
    endpoint: Endpoint,
    status: number,
    body: Buffer | null,
    document: Record<string, unknown> | null,
  ): ReadAnswer {
    const { checkout, purchase } = this.#profile;
    const isReplayed = fieldOf(document, purchase.replayedField) === true;
    return {
      status,
      isOk: true,
      error: null,
      code: endpoint === 'checkout' ? this.#codeOf(body, document) : null,
      expiresAtMs: epochMsOf(fieldOf(document, checkout.expiresField)),
      purchaseId: idText(fieldOf(document, purchase.purchaseIdField)),
      isReplayed,
      saleId: document !== null && typeof document.sale_id === 'number' ? document.sale_id : null,
      reportedItemId: integerOrNull(fieldOf(document, purchase.itemField)),
      outcome: isReplayed ? 'replayed' : 'success',
      ledgerOutcome: 'ok',
    };
  }

  #codeOf(body: Buffer | null, document: Record<string, unknown> | null): string | null {
    const code = idText(fieldOf(document, this.#profile.checkout.codeField));
    if (code !== null) return code;
    if (this.#codePattern === null || body === null || body.length === 0) return null;
    const match = this.#codePattern.exec(body.toString('utf8'));
    return match === null ? null : (match[1] ?? match[0]);
  }
}

const defaultReader = new AnswerReader(defaultProfile);

/** An answer of our own service (the default profile). */
export function readAnswer(status: number, body: Buffer | null, endpoint: Endpoint = 'checkout'): ReadAnswer {
  return defaultReader.read(endpoint, status, body);
}

/** The answer of a request that got no response: `error` is `timeout` or `connection`. */
export function noAnswer(error: 'timeout' | 'connection'): ReadAnswer {
  return emptyAnswer(null, error, error, null);
}

function emptyAnswer(
  status: number | null,
  error: string | null,
  outcome: OutcomeCode,
  ledgerOutcome: LedgerOutcome | null,
  saleId: number | null = null,
): ReadAnswer {
  return {
    status,
    isOk: false,
    error,
    code: null,
    expiresAtMs: null,
    purchaseId: null,
    isReplayed: false,
    saleId,
    reportedItemId: null,
    outcome,
    ledgerOutcome,
  };
}

function compileRule(rule: RefusalRule): CompiledRule {
  return {
    endpoint: rule.endpoint,
    statuses: new Set(rule.statuses),
    jsonField: rule.jsonField,
    equals: rule.equals,
    bodyPattern: rule.bodyPattern === null ? null : new RegExp(rule.bodyPattern, 'i'),
    outcome: rule.outcome,
  };
}

/** Whether a rule's endpoint, statuses and JSON field match (its body pattern is the caller's to test). */
function matchesFields(
  rule: CompiledRule,
  endpoint: Endpoint,
  status: number,
  document: Record<string, unknown> | null,
): boolean {
  if ((rule.endpoint !== null && rule.endpoint !== endpoint) || !rule.statuses.has(status)) return false;
  return rule.jsonField === null || fieldOf(document, rule.jsonField) === rule.equals;
}

/** A JSON field by name, or by a dotted path into nested objects (`data.code`). */
function fieldOf(document: Record<string, unknown> | null, path: string | null): unknown {
  if (document === null || path === null) return undefined;
  if (Object.hasOwn(document, path) || !path.includes('.')) return document[path];
  let value: unknown = document;
  for (const key of path.split('.')) {
    if (typeof value !== 'object' || value === null) return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  return value;
}

function parseObject(body: Buffer | null): Record<string, unknown> | null {
  if (body === null || body.length === 0 || body[0] !== 0x7b /* { */) return null;
  try {
    const parsed: unknown = JSON.parse(body.toString('utf8'));
    return typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>) : null;
  } catch {
    // Not JSON after all: the answer is still counted by its status.
    return null;
  }
}

function idText(value: unknown): string | null {
  if (typeof value === 'string' && value !== '') return value;
  return typeof value === 'number' ? String(value) : null;
}

function integerOrNull(value: unknown): number | null {
  if (typeof value === 'number' && Number.isSafeInteger(value)) return value;
  return typeof value === 'string' && /^-?\d{1,15}$/.test(value) ? Number(value) : null;
}

/** An ISO time or epoch ms (number or digits); null for anything else. */
function epochMsOf(value: unknown): number | null {
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (typeof value !== 'string') return null;
  const parsed = /^\d+(\.\d+)?$/.test(value) ? Number(value) : Date.parse(value);
  return Number.isNaN(parsed) ? null : parsed;
}
