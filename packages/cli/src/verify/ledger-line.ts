// One ledger line, parsed and checked. Ledgers run to millions of lines and parsing is most of
// reading them, so lines in the exact shape `flashsale simulate` writes (its key order, strings
// without escapes) are read by one precompiled expression; any other line, and every line that
// is not quite right, goes through JSON.parse and the full checks, which decide what is accepted.

export type LedgerEndpoint = 'checkout' | 'purchase';
export type LedgerOutcome = 'ok' | 'fail' | 'indeterminate';

/** One request line, as the verifier needs it (times and behaviour are not checked). */
export type LedgerRequest = {
  requestId: string;
  /** The service's own id of a checkout attempt (x-attempt-id); null when not answered or not given. */
  attemptId: string | null;
  endpoint: LedgerEndpoint;
  userId: string | null;
  /** null also when the line's item id is not a safe integer (it was refused as invalid). */
  itemId: number | null;
  code: string | null;
  saleId: number | null;
  purchaseId: string | null;
  status: number | null;
  error: string | null;
  outcome: LedgerOutcome;
};

export type ParsedLine =
  | { kind: 'request'; request: LedgerRequest }
  | { kind: 'fault' }
  | { kind: 'malformed'; why: string };

const S = '"([^"\\\\\\x00-\\x1f]*)"'; // a JSON string with nothing to unescape
const uuid = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;
const UUID = `"(${uuid.source.slice(1, -1)})"`;
const N = '(-?\\d+(?:\\.\\d+)?(?:[eE][+-]?\\d+)?)'; // a JSON number
const orNull = (pattern: string) => `(?:${pattern}|null)`;
const canonical = new RegExp(
  // attempt_id: absent in ledgers of simulators before it existed.
  `^\\{"type":"request","request_id":${S}(?:,"attempt_id":${orNull(UUID)})?,"endpoint":"(checkout|purchase)","behaviour":"[a-z]+"` +
    `,"user_id":${orNull(S)},"item_id":${orNull(N)},"code":${orNull(S)},"sale_id":${orNull(N)}` +
    `,"purchase_id":${orNull(S)},"replayed":(?:true|false),"intended_ms":${N.replace('(', '(?:')}` +
    `,"sent_ms":${orNull(N.replace('(', '(?:'))},"done_ms":${orNull(N.replace('(', '(?:'))}` +
    `,"status":${orNull(N)},"error":${orNull(S)},"outcome":"(ok|fail|indeterminate)"\\}\\s*$`,
);

const endpoints: ReadonlySet<string> = new Set<LedgerEndpoint>(['checkout', 'purchase']);
const outcomes: ReadonlySet<string> = new Set<LedgerOutcome>(['ok', 'fail', 'indeterminate']);

export function parseLedgerLine(text: string): ParsedLine {
  const match = canonical.exec(text);
  if (match !== null) {
    const request: LedgerRequest = {
      requestId: match[1]!,
      attemptId: match[2] ?? null,
      endpoint: match[3] as LedgerEndpoint,
      userId: match[4] ?? null,
      itemId: itemIdOf(numberOrNull(match[5])),
      code: match[6] ?? null,
      saleId: numberOrNull(match[7]),
      purchaseId: match[8] ?? null,
      status: numberOrNull(match[9]),
      error: match[10] ?? null,
      outcome: match[11] as LedgerOutcome,
    };
    if (whatIsWrong(request) === null) return { kind: 'request', request };
  }
  return parseAnyLine(text);
}

/** The reference path: any key order, escapes, missing nullable keys. */
function parseAnyLine(text: string): ParsedLine {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return malformed('not JSON');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
    return malformed('not a JSON object');
  const line = parsed as Record<string, unknown>;
  if (line.type === 'fault') return { kind: 'fault' };
  if (line.type !== 'request')
    return malformed(`"type" is ${JSON.stringify(line.type)}, not "request" or "fault"`);

  const { request_id: requestId, endpoint, outcome } = line;
  if (typeof requestId !== 'string') return malformed('"request_id" is not a non-empty string');
  if (typeof endpoint !== 'string' || !endpoints.has(endpoint))
    return malformed('"endpoint" is not checkout or purchase');
  if (typeof outcome !== 'string' || !outcomes.has(outcome))
    return malformed('"outcome" is not ok, fail or indeterminate');
  for (const key of ['status', 'sale_id', 'item_id'] as const) {
    const value = line[key] ?? null;
    if (value !== null && typeof value !== 'number') return malformed(`"${key}" is not a number or null`);
  }
  for (const key of ['user_id', 'code', 'purchase_id', 'error'] as const) {
    const value = line[key] ?? null;
    if (value !== null && typeof value !== 'string') return malformed(`"${key}" is not a string or null`);
  }
  const attemptId = line.attempt_id ?? null;
  if (attemptId !== null && !(typeof attemptId === 'string' && uuid.test(attemptId)))
    return malformed('"attempt_id" is not a UUID or null');
  const request: LedgerRequest = {
    requestId,
    attemptId,
    endpoint: endpoint as LedgerEndpoint,
    userId: (line.user_id ?? null) as string | null,
    itemId: itemIdOf((line.item_id ?? null) as number | null),
    code: (line.code ?? null) as string | null,
    saleId: (line.sale_id ?? null) as number | null,
    purchaseId: (line.purchase_id ?? null) as string | null,
    status: (line.status ?? null) as number | null,
    error: (line.error ?? null) as string | null,
    outcome: outcome as LedgerOutcome,
  };
  const wrong = whatIsWrong(request);
  return wrong === null ? { kind: 'request', request } : malformed(wrong);
}

function whatIsWrong(request: LedgerRequest): string | null {
  if (request.requestId === '') return '"request_id" is not a non-empty string';
  const { status, saleId } = request;
  if (status !== null && !(Number.isInteger(status) && status >= 100 && status <= 599)) {
    return '"status" is not an HTTP status or null';
  }
  if (saleId !== null && !Number.isSafeInteger(saleId)) return '"sale_id" is not an integer or null';
  return null;
}

function malformed(why: string): ParsedLine {
  return { kind: 'malformed', why };
}

function numberOrNull(text: string | undefined): number | null {
  return text === undefined ? null : Number(text);
}

/** An item id that is not a safe integer was refused as invalid; it matches nothing. */
function itemIdOf(value: number | null): number | null {
  return value !== null && Number.isSafeInteger(value) ? value : null;
}
