// One label and colour per outcome code, in stacking order: successes at the bottom, then the
// business answers, bad input, and errors on top. A code the simulator adds and this table lacks
// fails to compile.
import type { OutcomeCode } from '@flashsale/sim';

export type OutcomeStyle = Readonly<{ label: string; color: string; fill: string }>;

export const outcomeStyles: Readonly<Record<OutcomeCode, OutcomeStyle>> = {
  success: { label: 'success', color: '#2b8a3e', fill: '#8ce99a' },
  replayed: { label: 'replayed', color: '#5c940d', fill: '#d8f5a2' },
  sold_out: { label: 'sold_out', color: '#1864ab', fill: '#74c0fc' },
  item_held: { label: 'item_held', color: '#3b5bdb', fill: '#bac8ff' },
  user_limit: { label: 'user_limit', color: '#6741d9', fill: '#d0bfff' },
  invalid_request: { label: 'invalid_request', color: '#868e96', fill: '#dee2e6' },
  unknown_code: { label: 'unknown_code', color: '#495057', fill: '#ced4da' },
  code_expired: { label: 'code_expired', color: '#e67700', fill: '#ffe066' },
  unavailable: { label: '5xx unavailable', color: '#d9480f', fill: '#ffa94d' },
  server_error: { label: '5xx other', color: '#c92a2a', fill: '#ff8787' },
  unexpected: { label: 'unexpected', color: '#a61e4d', fill: '#faa2c1' },
  timeout: { label: 'timeout', color: '#e03131', fill: '#ffc9c9' },
  connection: { label: 'connection lost', color: '#862e9c', fill: '#eebefa' },
};

const fallback: OutcomeStyle = { label: '', color: '#343a40', fill: '#adb5bd' };

export function isOutcomeCode(code: string): code is OutcomeCode {
  return Object.hasOwn(outcomeStyles, code);
}

/** The style of a code, also of one this table does not know (labelled with the code itself). */
export function styleOf(code: string): OutcomeStyle {
  return isOutcomeCode(code) ? outcomeStyles[code] : { ...fallback, label: code };
}

/** Codes in stacking order: the known ones in table order, then any others by name. */
export function orderCodes(codes: Iterable<string>): string[] {
  const present = new Set(codes);
  const known = Object.keys(outcomeStyles).filter((code) => present.delete(code));
  return [...known, ...[...present].sort()];
}
