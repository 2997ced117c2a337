// How the simulator files each answer, for its report and error rate: the SPEC's error codes
// (from @flashsale/protocol, as the service uses them; the simulator never imports the server)
// plus what a client can see besides them.
import {
  type ApiErrorCode,
  apiErrorCodes,
  type Endpoint,
  type NoAnswerError,
  noAnswerErrors,
} from '@flashsale/protocol';

export const outcomeCodes = [
  'success',
  'replayed',
  ...apiErrorCodes,
  'server_error',
  'unexpected',
  ...noAnswerErrors,
] as const;
export type OutcomeCode =
  | 'success'
  | 'replayed'
  | ApiErrorCode
  | 'server_error'
  | 'unexpected'
  | NoAnswerError;

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

/** The key histograms and counts are filed under: `checkout.sold_out`. */
export type OutcomeKey = `${Endpoint}.${OutcomeCode}`;

export function outcomeKey(endpoint: Endpoint, outcome: OutcomeCode): OutcomeKey {
  return `${endpoint}.${outcome}`;
}
