// The values of a sale's Redis hashes, encoded and decoded in one place on the TypeScript side:
//
//   codes[code]     = "item|user|expires_ms"
//   purchased[code] = "purchase_id|item|user|slot|expires_ms|request_id"  (entries written before
//                     request ids were recorded end at expires_ms; they decode with requestId '')
//   owned[user]     = the buyer's purchase slots as a bit mask in decimal (slot s is bit s-1)
//
// The Lua scripts keep their own parser (sale-lib.lua) and must agree: test/entries.test.ts has
// each side read what the other wrote. No field may contain '|': user and request ids are
// validated at the HTTP edge, purchase ids are UUIDs.
import type { Milliseconds } from '@flashsale/protocol';

export type CodeEntry = { itemId: number; userId: string; expiresAtMs: Milliseconds };

export type PurchasedEntry = {
  purchaseId: string;
  itemId: number;
  userId: string;
  slot: number;
  holdExpiresAtMs: Milliseconds;
  requestId: string;
};

// The same patterns as parse_code and parse_purchase in sale-lib.lua.
const codePattern = /^(\d+)\|([^|]+)\|(\d+)$/;
const purchasedPattern = /^([^|]+)\|(\d+)\|([^|]+)\|(\d+)\|(\d+)\|?([^|]*)$/;
const maskPattern = /^\d{1,18}$/;
const MAX_SLOT = 63;

export function encodeCodeEntry(entry: CodeEntry): string {
  return `${entry.itemId}|${entry.userId}|${entry.expiresAtMs}`;
}

/** The entry, or undefined when the text is not one (the scripts would not read it either). */
export function decodeCodeEntry(text: string): CodeEntry | undefined {
  const match = codePattern.exec(text);
  if (match === null) return undefined;
  const itemId = Number(match[1]);
  const expiresAtMs = Number(match[3]);
  if (!Number.isSafeInteger(itemId) || !Number.isSafeInteger(expiresAtMs)) return undefined;
  return { itemId, userId: match[2]!, expiresAtMs };
}

export function encodePurchasedEntry(entry: PurchasedEntry): string {
  return `${entry.purchaseId}|${entry.itemId}|${entry.userId}|${entry.slot}|${entry.holdExpiresAtMs}|${entry.requestId}`;
}

export function decodePurchasedEntry(text: string): PurchasedEntry | undefined {
  const match = purchasedPattern.exec(text);
  if (match === null) return undefined;
  const itemId = Number(match[2]);
  const slot = Number(match[4]);
  const holdExpiresAtMs = Number(match[5]);
  if (![itemId, slot, holdExpiresAtMs].every(Number.isSafeInteger)) return undefined;
  return { purchaseId: match[1]!, itemId, userId: match[3]!, slot, holdExpiresAtMs, requestId: match[6]! };
}

/** The owned mask of a buyer with these (distinct) slots, as the scripts write it. */
export function encodeOwnedMask(slots: readonly number[]): string {
  let mask = 0;
  for (const slot of slots) mask += 2 ** (slot - 1);
  return String(mask);
}

/** The slots an owned mask names, ascending; undefined when the text is not a mask. */
export function decodeOwnedSlots(text: string): number[] | undefined {
  if (!maskPattern.test(text)) return undefined;
  const mask = BigInt(text);
  const slots: number[] = [];
  for (let slot = 1; slot <= MAX_SLOT; slot++) {
    if ((mask >> BigInt(slot - 1)) & 1n) slots.push(slot);
  }
  return slots;
}
