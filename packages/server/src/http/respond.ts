// The edge where outcomes become HTTP: the one map from error code to status, the wire JSON
// (snake_case, as the SPEC names it) and the headers every answer carries.
import type { ServerResponse } from 'node:http';
import { apiErrorStatus, type SaleAnswer } from '@flashsale/protocol';
import type { ErrorCode, Refusal } from '../errors.js';
import type { CheckoutOutcome } from '../sale/checkout.js';
import { isoTimes } from '../sale/iso-time.js';
import type { PurchaseOutcome } from '../sale/purchase.js';
import type { ItemsPage, SaleStatus } from '../sale/status.js';

export const statusOf: Readonly<Record<ErrorCode, number>> = {
  ...apiErrorStatus,
  not_found: 404,
  method_not_allowed: 405,
  payload_too_large: 413,
  request_timeout: 408,
  internal: 500,
  sale_mismatch: 503,
};

/** Seconds a client should wait before retrying a 503. */
const RETRY_AFTER_S = '1';

export type Reply = {
  status: number;
  body: string;
  /** The metrics label: `ok`, `replayed` or the error code. */
  outcome: string;
  headers?: readonly string[];
  contentType?: string;
};

export function errorReply(refusal: Refusal, headers?: readonly string[]): Reply {
  const status = statusOf[refusal.code];
  const body = JSON.stringify({ error: refusal.code, message: refusal.message });
  const extra = status === 503 ? ['retry-after', RETRY_AFTER_S, ...(headers ?? [])] : headers;
  return extra === undefined
    ? { status, body, outcome: refusal.code }
    : { status, body, outcome: refusal.code, headers: extra };
}

const expiresIso = isoTimes();

/**
 * A checkout's answer; it carries its attempt's own id (`x-attempt-id`), the key of its stored
 * row. The body is written out directly: a code is base64url and a sale id, the rest numbers.
 */
export function checkoutReply(outcome: CheckoutOutcome, attemptId: string): Reply {
  if (!outcome.ok) return errorReply(outcome, ['x-attempt-id', attemptId]);
  return {
    status: 200,
    outcome: 'ok',
    body: `{"code":"${outcome.code}","sale_id":${outcome.saleId},"item_id":${outcome.itemId},"expires_at":"${expiresIso(outcome.expiresAtMs)}"}`,
    headers: ['x-attempt-id', attemptId],
  };
}

export function purchaseReply(outcome: PurchaseOutcome): Reply {
  if (!outcome.ok) return errorReply(outcome);
  const body = {
    purchase_id: outcome.purchaseId,
    sale_id: outcome.saleId,
    item_id: outcome.itemId,
    user_id: outcome.userId,
    ...(outcome.isReplay ? { replayed: true } : {}),
  };
  return { status: 200, outcome: outcome.isReplay ? 'replayed' : 'ok', body: JSON.stringify(body) };
}

export function saleReply(status: SaleStatus | Refusal): Reply {
  if (!status.ok) return errorReply(status);
  return {
    status: 200,
    outcome: 'ok',
    body: JSON.stringify({
      sale_id: status.saleId,
      starts_at: new Date(status.startsAtMs).toISOString(),
      ends_at: new Date(status.endsAtMs).toISOString(),
      size: status.size,
      sold: status.sold,
      held: status.held,
      available: status.available,
    } satisfies SaleAnswer),
  };
}

export function itemsReply(page: ItemsPage | Refusal): Reply {
  if (!page.ok) return errorReply(page);
  return {
    status: 200,
    outcome: 'ok',
    body: JSON.stringify({
      sale_id: page.saleId,
      offset: page.offset,
      limit: page.limit,
      total: page.total,
      items: page.items.map((item) => ({
        id: item.itemId,
        name: item.name,
        image_url: item.imageUrl,
        state: item.state,
      })),
    }),
  };
}

export function send(res: ServerResponse, reply: Reply, requestId: string): void {
  const headers = [
    'content-type',
    reply.contentType ?? 'application/json',
    'content-length',
    String(Buffer.byteLength(reply.body)),
    'x-request-id',
    requestId,
  ];
  if (reply.headers !== undefined) headers.push(...reply.headers);
  res.writeHead(reply.status, headers);
  res.end(reply.body);
}
