// The stable error codes of the API: the SPEC's (from @flashsale/protocol, which its clients read
// too) and the HTTP layer's own. http/respond.ts maps each to its status, once.
import type { ApiErrorCode } from '@flashsale/protocol';

export type ErrorCode =
  | ApiErrorCode
  | 'not_found'
  | 'method_not_allowed'
  | 'payload_too_large'
  | 'request_timeout'
  | 'internal'
  | 'sale_mismatch';

/** An expected refusal, returned as a value (never thrown on the hot path). */
export type Refusal = { ok: false; code: ErrorCode; message: string };

export function refuse(code: ErrorCode, message: string): Refusal {
  return { ok: false, code, message };
}

/** A dependency (Postgres or Redis) could not be reached; becomes 503 `unavailable`. */
export class UnavailableError extends Error {
  readonly code = 'unavailable';
  readonly dependency: 'postgres' | 'redis';

  constructor(dependency: 'postgres' | 'redis', cause: unknown) {
    super(`${dependency} is unavailable`, { cause });
    this.name = 'UnavailableError';
    this.dependency = dependency;
  }
}

/**
 * This instance's settings disagree with the sale as stored (another instance opened it with
 * other ones): it must not serve that sale. Becomes 503 `sale_mismatch`.
 */
export class SaleMismatchError extends Error {
  readonly code = 'sale_mismatch';
  /** The flag that disagrees, such as --sale-size. */
  readonly flag: string;

  constructor(flag: string, message: string) {
    super(message);
    this.name = 'SaleMismatchError';
    this.flag = flag;
  }
}
