// The fast path of reading ledgers, which run to millions of lines and whose parsing is most of
// verifying them. A line in the exact shape the encoder writes (its key order, strings with
// nothing to unescape, plain numbers) is read by one precompiled expression that only accepts
// values the strict decoder accepts too; every other line, and so every bad one, goes through
// decodeLedgerLine, which decides. A test holds the two to the same answer, field by field.
import { type DecodedLine, decodeLedgerLine } from './ledger-decode.js';
import { type Behaviour, behaviours, type Endpoint, endpoints, type LedgerRequest } from './ledger-line.js';
import { type LedgerOutcome, ledgerOutcomes } from './outcomes.js';

const S = '"([^"\\\\\\x00-\\x1f]*)"'; // a JSON string with nothing to unescape
const S1 = '"([^"\\\\\\x00-\\x1f]+)"'; // ... that is not empty
const N = '(-?\\d+(?:\\.\\d+)?)'; // a plain decimal: what the encoder writes for ids and times
const I = '(-?\\d{1,15})'; // an id: an integer the strict decoder takes as safe
const orNull = (pattern: string) => `(?:${pattern}|null)`;
const oneOf = (values: readonly string[]) => `"(${values.join('|')})"`;

// One group per field, in the encoder's key order; `attempt_id`, and the code book's four fields
// after it, may be missing (older ledgers).
const canonical = new RegExp(
  `^\\{"type":"request","request_id":${S1},"endpoint":${oneOf(endpoints)}` +
    `,"behaviour":${oneOf(behaviours)},"user_id":${orNull(S)},"item_id":${orNull(N)}` +
    `,"code":${orNull(S)},"sale_id":${orNull(N)},"purchase_id":${orNull(S)}` +
    `(?:,"attempt_id":${orNull(S)})?` +
    `(?:,"issued_user_id":${orNull(S)},"issued_item_id":${orNull(I)},"reported_item_id":${orNull(I)}` +
    `,"expires_ms":${orNull(N)})?,"replayed":(true|false),"intended_ms":${N}` +
    `,"sent_ms":${orNull(N)},"done_ms":${orNull(N)},"status":${orNull('(\\d{3})')}` +
    `,"error":${orNull(S)},"outcome":${oneOf(ledgerOutcomes)}\\}\\s*$`,
);

export function decodeLedgerLineFast(text: string): DecodedLine {
  const request = readCanonical(text);
  return request === null ? decodeLedgerLine(text) : { kind: 'request', request };
}

/** Whether a line takes the fast path (for tests: every line the encoder writes should). */
export function readsFast(text: string): boolean {
  return readCanonical(text) !== null;
}

/** The request of a line in the encoder's shape; null for any other line. */
function readCanonical(text: string): LedgerRequest | null {
  const match = canonical.exec(text);
  if (match === null) return null;
  const itemId = numberOrNull(match[5]);
  const saleId = numberOrNull(match[7]);
  const expiresMs = numberOrNull(match[13]);
  const intendedMs = Number(match[15]);
  const sentMs = numberOrNull(match[16]);
  const doneMs = numberOrNull(match[17]);
  const status = numberOrNull(match[18]);
  // What the expression does not say (a number too long to be finite, a sale id beyond the safe
  // integers, a status outside 100-599) is left to the strict decoder, which refuses it.
  if (
    !(
      isFiniteOrNull(itemId) &&
      isFiniteOrNull(expiresMs) &&
      Number.isFinite(intendedMs) &&
      isFiniteOrNull(sentMs) &&
      isFiniteOrNull(doneMs)
    ) ||
    (saleId !== null && !Number.isSafeInteger(saleId)) ||
    (status !== null && (status < 100 || status > 599))
  ) {
    return null;
  }
  return {
    requestId: match[1]!,
    endpoint: match[2] as Endpoint,
    behaviour: match[3] as Behaviour,
    userId: match[4] ?? null,
    itemId,
    code: match[6] ?? null,
    saleId,
    purchaseId: match[8] ?? null,
    attemptId: match[9] ?? null,
    issuedUserId: match[10] ?? null,
    issuedItemId: numberOrNull(match[11]),
    reportedItemId: numberOrNull(match[12]),
    expiresMs,
    isReplayed: match[14] === 'true',
    intendedMs,
    sentMs,
    doneMs,
    status,
    error: match[19] ?? null,
    outcome: match[20] as LedgerOutcome,
  };
}

function numberOrNull(text: string | undefined): number | null {
  return text === undefined ? null : Number(text);
}

function isFiniteOrNull(value: number | null): boolean {
  return value === null || Number.isFinite(value);
}
