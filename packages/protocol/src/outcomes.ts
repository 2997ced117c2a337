// What an answer means, as the SPEC says it: the error codes a client may branch on, with the
// status each comes with, and the three outcomes a ledger gives a request. One list each; the
// service, the simulator and the verifier all read them from here.

/** The SPEC's error codes of POST /checkout, POST /purchase and GET /sale, and their statuses. */
export const apiErrorStatus = {
  sold_out: 409,
  item_held: 409,
  user_limit: 403,
  invalid_request: 400,
  unknown_code: 404,
  code_expired: 410,
  unavailable: 503,
} as const satisfies Readonly<Record<string, number>>;

export type ApiErrorCode = keyof typeof apiErrorStatus;

export const apiErrorCodes = Object.keys(apiErrorStatus) as readonly ApiErrorCode[];

/** What a client records as the error of a request that got no answer. */
export const noAnswerErrors = ['timeout', 'connection'] as const;
export type NoAnswerError = (typeof noAnswerErrors)[number];

/** What the ledger says a request did: the verifier's view of it. */
export const ledgerOutcomes = ['ok', 'fail', 'indeterminate'] as const;
export type LedgerOutcome = (typeof ledgerOutcomes)[number];

/**
 * 2xx is ok and a 4xx a definite fail; a 5xx, or no answer after the request was written, may
 * or may not have taken effect. A request that failed before it was written never reached the
 * service: a definite fail.
 */
export function ledgerOutcomeOf(status: number | null, wasSent: boolean): LedgerOutcome {
  if (status === null) return wasSent ? 'indeterminate' : 'fail';
  if (status >= 200 && status < 300) return 'ok';
  if (status >= 400 && status < 500) return 'fail';
  return 'indeterminate';
}
