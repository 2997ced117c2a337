// Reads a response into what buyers, the recorder and the ledger need, in the dialect the target
// profile describes: which statuses are a success, where the code is (a JSON field, or a pattern
// over a text body), and which refusal means which of our outcomes. The profile's patterns are
// compiled once, when the reader is made; an answer no rule explains is `unexpected`.
import {
  defaultProfile,
  type Endpoint,
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
    this.#readsRefusalText = this.#rules.some((rule) => rule.bodyPattern !== null);
  }

  read(endpoint: Endpoint, status: number, body: Buffer | null): ReadAnswer {
    const document = parseObject(body);
    const error = document !== null && typeof document.error === 'string' ? document.error : null;
    if (this.#success[endpoint].has(status)) return this.#readSuccess(endpoint, status, body, document);
    // A refusal still says which sale it is about when its body does (buyers follow rollovers by it).
    const saleId = document !== null && typeof document.sale_id === 'number' ? document.sale_id : null;
    if (status >= 500) {
      return emptyAnswer(status, error, error === 'unavailable' ? 'unavailable' : 'server_error', saleId);
    }
    const text = this.#readsRefusalText && body !== null ? body.toString('utf8') : '';
    const rule = this.#rules.find((candidate) => matches(candidate, endpoint, status, document, text));
    // Unexplained: `error` keeps what the answer said, for the ledger; the report says unexpected.
    return emptyAnswer(status, rule?.outcome ?? error, rule?.outcome ?? 'unexpected', saleId);
  }

  #readSuccess(
    endpoint: Endpoint,
    status: number,
    body: Buffer | null,
    document: Record<string, unknown> | null,
  ): ReadAnswer {
    const { checkout, purchase } = this.#profile;
    const expires =
      document === null || checkout.expiresField === null ? undefined : document[checkout.expiresField];
    const isReplayed =
      document !== null && purchase.replayedField !== null && document[purchase.replayedField] === true;
    return {
      status,
      isOk: true,
      error: null,
      code: endpoint === 'checkout' ? this.#codeOf(body, document) : null,
      expiresAtMs: epochMsOf(expires),
      purchaseId:
        document === null || purchase.purchaseIdField === null
          ? null
          : idText(document[purchase.purchaseIdField]),
      isReplayed,
      saleId: document !== null && typeof document.sale_id === 'number' ? document.sale_id : null,
      reportedItemId:
        document === null || purchase.itemField === null ? null : integerOrNull(document[purchase.itemField]),
      outcome: isReplayed ? 'replayed' : 'success',
    };
  }

  #codeOf(body: Buffer | null, document: Record<string, unknown> | null): string | null {
    const field = this.#profile.checkout.codeField;
    if (document !== null && field !== null) {
      const code = idText(document[field]);
      if (code !== null) return code;
    }
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
  return emptyAnswer(null, error, error);
}

function emptyAnswer(
  status: number | null,
  error: string | null,
  outcome: OutcomeCode,
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

function matches(
  rule: CompiledRule,
  endpoint: Endpoint,
  status: number,
  document: Record<string, unknown> | null,
  text: string,
): boolean {
  if ((rule.endpoint !== null && rule.endpoint !== endpoint) || !rule.statuses.has(status)) return false;
  if (rule.jsonField !== null && (document === null || document[rule.jsonField] !== rule.equals))
    return false;
  return rule.bodyPattern === null || rule.bodyPattern.test(text);
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
