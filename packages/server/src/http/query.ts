// Query strings, parsed by hand (no URL object per request) and validated into plain values.
// Every refusal says what is wrong in its message.
import { type Refusal, refuse } from '../errors.js';
import { codePattern, saleIdOfCode } from '../sale/codes.js';

const userIdPattern = /^[A-Za-z0-9_.:-]{1,64}$/;
const digits = /^\d{1,10}$/;

type Params = Map<string, string>;

/** Splits `a=1&b=2`; refuses a parameter given twice or a broken %-escape. */
export function parseQuery(query: string): Params | Refusal {
  const params: Params = new Map();
  if (query.length === 0) return params;
  for (const pair of query.split('&')) {
    if (pair.length === 0) continue;
    const eq = pair.indexOf('=');
    const rawKey = eq === -1 ? pair : pair.slice(0, eq);
    const rawValue = eq === -1 ? '' : pair.slice(eq + 1);
    const key = decode(rawKey);
    const value = decode(rawValue);
    if (key === undefined || value === undefined)
      return refuse('invalid_request', 'the query string has a malformed %-escape');
    if (params.has(key)) return refuse('invalid_request', `${key} is given more than once`);
    params.set(key, value);
  }
  return params;
}

function decode(text: string): string | undefined {
  if (!text.includes('%') && !text.includes('+')) return text;
  try {
    return decodeURIComponent(text.replaceAll('+', ' '));
  } catch {
    return undefined; // a broken escape: the caller refuses the request
  }
}

export type CheckoutParams = { userId: string; itemId: number };

export function checkoutParams(query: string, saleSize: number): CheckoutParams | Refusal {
  const params = parseQuery(query);
  if (!(params instanceof Map)) return params;
  const userId = params.get('user_id');
  const id = params.get('id');
  if (userId === undefined || userId === '') return refuse('invalid_request', 'user_id is required');
  if (!userIdPattern.test(userId)) {
    return refuse('invalid_request', 'user_id must be 1 to 64 characters of A-Z a-z 0-9 _ . : -');
  }
  if (id === undefined || id === '') return refuse('invalid_request', 'id is required');
  if (!digits.test(id) || Number(id) >= saleSize) {
    return refuse('invalid_request', `id must be a whole number from 0 to ${saleSize - 1}`);
  }
  return { userId, itemId: Number(id) };
}

export type PurchaseParams = { code: string; saleId: number };

export function purchaseParams(query: string): PurchaseParams | Refusal {
  const params = parseQuery(query);
  if (!(params instanceof Map)) return params;
  const code = params.get('code');
  if (code === undefined || code === '') return refuse('invalid_request', 'code is required');
  const saleId = code.length <= 40 ? saleIdOfCode(code) : undefined;
  if (saleId === undefined || !codePattern.test(code)) {
    return refuse('invalid_request', 'code is malformed: use the code a checkout returned');
  }
  return { code, saleId };
}

export type PageParams = { offset: number; limit: number };

const MAX_PAGE = 1000;
const DEFAULT_PAGE = 100;

export function pageParams(query: string): PageParams | Refusal {
  const params = parseQuery(query);
  if (!(params instanceof Map)) return params;
  const offset = params.get('offset') ?? '0';
  const limit = params.get('limit') ?? String(DEFAULT_PAGE);
  if (!digits.test(offset)) return refuse('invalid_request', 'offset must be a whole number from 0');
  if (!digits.test(limit) || Number(limit) < 1 || Number(limit) > MAX_PAGE) {
    return refuse('invalid_request', `limit must be a whole number from 1 to ${MAX_PAGE}`);
  }
  return { offset: Number(offset), limit: Number(limit) };
}
