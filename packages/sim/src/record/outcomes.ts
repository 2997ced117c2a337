// The simulator's own list of outcomes, taken from the SPEC's HTTP API (it never imports the
// server): what an answer means for the business, for the ledger, and for the error rate.
import type { Endpoint } from '../buyers/session.js';

export const outcomeCodes = [
  'success',
  'replayed',
  'sold_out',
  'item_held',
  'user_limit',
  'invalid_request',
  'unknown_code',
  'code_expired',
  'unavailable',
  'server_error',
  'unexpected',
  'timeout',
  'connection',
] as const;
export type OutcomeCode = (typeof outcomeCodes)[number];

/** What the ledger says a request did: the verifier's view of it. */
export type LedgerOutcome = 'ok' | 'fail' | 'indeterminate';

/** The statuses the SPEC gives its error codes; a code at another status is `unexpected`. */
const statusOfError: Readonly<Record<string, number>> = {
  invalid_request: 400,
  user_limit: 403,
  unknown_code: 404,
  sold_out: 409,
  item_held: 409,
  code_expired: 410,
};

/** Outcomes that count as errors: the service failed or broke the contract, or no answer came. */
export const isErrorOutcome: Readonly<Record<OutcomeCode, boolean>> = {
  success: false,
  replayed: false,
  sold_out: false,
  item_held: false,
  user_limit: false,
  invalid_request: false,
  unknown_code: false,
  code_expired: false,
  unavailable: true,
  server_error: true,
  unexpected: true,
  timeout: true,
  connection: true,
};

export function classifyAnswer(status: number, error: string | null, isReplayed: boolean): OutcomeCode {
  if (status >= 200 && status < 300) return isReplayed ? 'replayed' : 'success';
  if (status >= 500) return error === 'unavailable' ? 'unavailable' : 'server_error';
  if (error !== null && statusOfError[error] === status) return error as OutcomeCode;
  return 'unexpected';
}

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

/** The key histograms and counts are filed under: `checkout.sold_out`. */
export type OutcomeKey = `${Endpoint}.${OutcomeCode}`;

export function outcomeKey(endpoint: Endpoint, outcome: OutcomeCode): OutcomeKey {
  return `${endpoint}.${outcome}`;
}
