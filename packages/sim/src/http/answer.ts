// Reads a response body into what buyers, the recorder and the ledger need. Bodies are small
// JSON; anything else (a trivial server's "ok") leaves every field null.
import type { Answer } from '../buyers/session.js';

export type ReadAnswer = Answer;

export function readAnswer(status: number, body: Buffer | null): ReadAnswer {
  const document = parseObject(body);
  if (document === null) return emptyAnswer(status, null);
  const expiresAt = typeof document.expires_at === 'string' ? Date.parse(document.expires_at) : Number.NaN;
  return {
    status,
    error: typeof document.error === 'string' ? document.error : null,
    code: typeof document.code === 'string' ? document.code : null,
    expiresAtMs: Number.isNaN(expiresAt) ? null : expiresAt,
    purchaseId: idText(document.purchase_id),
    isReplayed: document.replayed === true,
    saleId: typeof document.sale_id === 'number' ? document.sale_id : null,
  };
}

/** The answer of a request that got no response: `error` is `timeout` or `connection`. */
export function noAnswer(error: 'timeout' | 'connection'): ReadAnswer {
  return emptyAnswer(null, error);
}

function emptyAnswer(status: number | null, error: string | null): ReadAnswer {
  return { status, error, code: null, expiresAtMs: null, purchaseId: null, isReplayed: false, saleId: null };
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
  if (typeof value === 'string') return value;
  return typeof value === 'number' ? String(value) : null;
}
