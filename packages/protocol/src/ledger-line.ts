// The ledger line: what a load client writes for every request it sent (and for every fault
// marked during the run), one JSON object per line, and what `flashsale verify --ledger` and the
// chaos report read back. This file owns its shape, in both spellings (camelCase in code,
// snake_case on disk), and the encoder; ledger-line.schema.json says the same for other tools,
// and a test holds the three together.
import type { LedgerOutcome } from './outcomes.js';

/** The load endpoints a ledger line can name. */
export const endpoints = ['checkout', 'purchase'] as const;
export type Endpoint = (typeof endpoints)[number];

/** The simulator's buyer types (its `--mix`), named on each line. */
export const behaviours = ['normal', 'heavy', 'invalid'] as const;
export type Behaviour = (typeof behaviours)[number];

/** One request line. Times are epoch ms; ids and codes are as sent or as answered. */
export type LedgerRequest = Readonly<{
  /** Sent as `x-request-id`. */
  requestId: string;
  endpoint: Endpoint;
  behaviour: Behaviour;
  /** What was sent: null when deliberately left out (or, for the item, not a number). */
  userId: string | null;
  itemId: number | null;
  /** The code sent (purchase) or received (checkout). */
  code: string | null;
  saleId: number | null;
  purchaseId: string | null;
  /** The answer's `x-attempt-id` header; null when it had none (also in ledgers older than it). */
  attemptId: string | null;
  /**
   * A purchase's code as the client's own code book knows it: the buyer it was issued to and the
   * item it was for (null for a code no checkout of this client returned, and on checkouts). With
   * them a purchase is attributed from the ledger alone, without the service's database.
   */
  issuedUserId: string | null;
  issuedItemId: number | null;
  /** The item id a purchase's answer reported (null: it reported none). */
  reportedItemId: number | null;
  /** When a checkout's hold lapses, as its answer said (epoch ms; null: it did not say). */
  expiresMs: number | null;
  isReplayed: boolean;
  intendedMs: number;
  /** null when the request was never written to a socket. */
  sentMs: number | null;
  doneMs: number | null;
  status: number | null;
  /** The answer's JSON `error`, or `timeout` / `connection` when no answer came. */
  error: string | null;
  outcome: LedgerOutcome;
}>;

/** A fault marked during the run (`Simulation.markFault`). */
export type LedgerFault = Readonly<{ kind: string; atMs: number; detail: string | null }>;

/** A request line as written, keys in the order they are written. */
export type LedgerRequestJson = {
  type: 'request';
  request_id: string;
  endpoint: Endpoint;
  behaviour: Behaviour;
  user_id: string | null;
  item_id: number | null;
  code: string | null;
  sale_id: number | null;
  purchase_id: string | null;
  attempt_id: string | null;
  issued_user_id: string | null;
  issued_item_id: number | null;
  reported_item_id: number | null;
  expires_ms: number | null;
  replayed: boolean;
  intended_ms: number;
  sent_ms: number | null;
  done_ms: number | null;
  status: number | null;
  error: string | null;
  outcome: LedgerOutcome;
};

export type LedgerFaultJson = { type: 'fault'; kind: string; at_ms: number; detail: string | null };

// Written by concatenation rather than JSON.stringify of an object: a line is written for every
// request, and this fixes the key order too. Endpoint, behaviour and outcome come from the lists
// above and need no escaping.

/** The request line, newline included. */
export function formatRequestLine(line: LedgerRequest): string {
  return (
    `{"type":"request","request_id":${JSON.stringify(line.requestId)},"endpoint":"${line.endpoint}"` +
    `,"behaviour":"${line.behaviour}","user_id":${json(line.userId)},"item_id":${line.itemId}` +
    `,"code":${json(line.code)},"sale_id":${line.saleId},"purchase_id":${json(line.purchaseId)}` +
    `,"attempt_id":${json(line.attemptId)},"issued_user_id":${json(line.issuedUserId)}` +
    `,"issued_item_id":${line.issuedItemId},"reported_item_id":${line.reportedItemId}` +
    `,"expires_ms":${line.expiresMs === null ? null : roundMs(line.expiresMs)},"replayed":${line.isReplayed}` +
    `,"intended_ms":${roundMs(line.intendedMs)}` +
    `,"sent_ms":${line.sentMs === null ? null : roundMs(line.sentMs)}` +
    `,"done_ms":${line.doneMs === null ? null : roundMs(line.doneMs)},"status":${line.status}` +
    `,"error":${json(line.error)},"outcome":"${line.outcome}"}\n`
  );
}

/** The fault line, newline included. */
export function formatFaultLine(fault: LedgerFault): string {
  return `{"type":"fault","kind":${JSON.stringify(fault.kind)},"at_ms":${roundMs(fault.atMs)},"detail":${json(fault.detail)}}\n`;
}

function json(value: string | null): string {
  return value === null ? 'null' : JSON.stringify(value);
}

/** Epoch ms to the microsecond. */
function roundMs(epochMs: number): number {
  return Math.round(epochMs * 1000) / 1000;
}
