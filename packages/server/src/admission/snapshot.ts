// One sale's whole Redis state, read in one atomic step (snapshot.lua, read-only) and decoded
// here, so the verifier compares plain columns and never parses an entry. Columns are aligned by
// index. Hash fields stay text as Redis holds them; a value that does not decode leaves its
// decoded columns null (the raw text is kept for reports), so a malformed entry shows up as a
// disagreement instead of stopping the check.
import { readFileSync } from 'node:fs';
import type { Milliseconds } from '@flashsale/protocol';
import type { RedisClient } from './client.js';
import { decodeCodeEntry, decodeOwnedSlots, decodePurchasedEntry } from './entries.js';
import { saleDataKeys } from './keys.js';

const snapshotScript = readFileSync(new URL('./snapshot.lua', import.meta.url), 'utf8');

/** The sale's meta hash; a field is null when it is missing or not a whole number. */
export type RedisSaleMeta = {
  size: number | null;
  userLimit: number | null;
  holdTtlMs: Milliseconds | null;
  endsAtMs: Milliseconds | null;
};

export type SaleRedisSnapshot = {
  /** null when the sale's keys are gone (no meta hash). */
  meta: RedisSaleMeta | null;
  sold: { items: string[]; userIds: string[] };
  holds: {
    items: string[];
    codes: string[];
    /** codes[code] as stored; null when the code has no entry. */
    entries: Array<string | null>;
    entryItemIds: Array<number | null>;
    entryUserIds: Array<string | null>;
    entryExpiresAtMs: Array<Milliseconds | null>;
  };
  deadlines: { items: string[]; deadlinesMs: Milliseconds[] };
  /** `masks` as stored; `isMaskValid` false when one is not a mask (it then names no slot). */
  owned: { userIds: string[]; masks: string[]; isMaskValid: boolean[] };
  /** Every (buyer, slot) the owned masks name. */
  ownedSlots: { userIds: string[]; slots: number[] };
  held: { userIds: string[]; counts: string[] };
  pending: { codes: string[]; admittedAtMs: Milliseconds[] };
  purchased: {
    codes: string[];
    entries: string[];
    purchaseIds: Array<string | null>;
    itemIds: Array<number | null>;
    userIds: Array<string | null>;
    slots: Array<number | null>;
    holdExpiresAtMs: Array<Milliseconds | null>;
    requestIds: Array<string | null>;
  };
};

type Flat = string[];

export async function readSaleSnapshot(redis: RedisClient, saleId: number): Promise<SaleRedisSnapshot> {
  const keys = saleDataKeys(saleId);
  const reply = (await redis.eval(snapshotScript, keys.length, ...keys)) as [number, ...Flat[]];
  const [exists, meta, sold, holds, deadlines, owned, held, pending, purchased, holdCodes] = reply;
  const [holdItems, holdCodeValues] = columns(holds!);
  const holdEntries = holdCodes!.map((entry) => (entry === '' ? null : entry));
  const decodedHolds = holdEntries.map((entry) => (entry === null ? undefined : decodeCodeEntry(entry)));
  const [ownedUsers, ownedMasks] = columns(owned!);
  const ownedDecoded = ownedMasks.map(decodeOwnedSlots);
  const [purchasedCodes, purchasedEntries] = columns(purchased!);
  const decodedPurchases = purchasedEntries.map(decodePurchasedEntry);
  const [deadlineItems, deadlineScores] = columns(deadlines!);
  const [pendingCodes, pendingScores] = columns(pending!);
  const [soldItems, soldUsers] = columns(sold!);
  const [heldUsers, heldCounts] = columns(held!);
  return {
    meta: exists === 1 ? metaOf(meta!) : null,
    sold: { items: soldItems, userIds: soldUsers },
    holds: {
      items: holdItems,
      codes: holdCodeValues,
      entries: holdEntries,
      entryItemIds: decodedHolds.map((e) => e?.itemId ?? null),
      entryUserIds: decodedHolds.map((e) => e?.userId ?? null),
      entryExpiresAtMs: decodedHolds.map((e) => e?.expiresAtMs ?? null),
    },
    deadlines: { items: deadlineItems, deadlinesMs: deadlineScores.map(scoreOf) },
    owned: { userIds: ownedUsers, masks: ownedMasks, isMaskValid: ownedDecoded.map((s) => s !== undefined) },
    ownedSlots: {
      userIds: ownedUsers.flatMap((user, i) => (ownedDecoded[i] ?? []).map(() => user)),
      slots: ownedDecoded.flatMap((slots) => slots ?? []),
    },
    held: { userIds: heldUsers, counts: heldCounts },
    pending: { codes: pendingCodes, admittedAtMs: pendingScores.map(scoreOf) },
    purchased: {
      codes: purchasedCodes,
      entries: purchasedEntries,
      purchaseIds: decodedPurchases.map((e) => e?.purchaseId ?? null),
      itemIds: decodedPurchases.map((e) => e?.itemId ?? null),
      userIds: decodedPurchases.map((e) => e?.userId ?? null),
      slots: decodedPurchases.map((e) => e?.slot ?? null),
      holdExpiresAtMs: decodedPurchases.map((e) => e?.holdExpiresAtMs ?? null),
      requestIds: decodedPurchases.map((e) => e?.requestId ?? null),
    },
  };
}

/** A flat HGETALL / WITHSCORES list as two columns. */
function columns(flat: Flat): [string[], string[]] {
  const keys: string[] = [];
  const values: string[] = [];
  for (let i = 0; i + 1 < flat.length; i += 2) {
    keys.push(flat[i]!);
    values.push(flat[i + 1]!);
  }
  return [keys, values];
}

function metaOf(flat: Flat): RedisSaleMeta {
  const [fields, values] = columns(flat);
  const field = (name: string): number | null => {
    const value = values[fields.indexOf(name)];
    return value !== undefined && /^\d+$/.test(value) ? Number(value) : null;
  };
  return {
    size: field('size'),
    userLimit: field('user_limit'),
    holdTtlMs: field('hold_ttl_ms'),
    endsAtMs: field('ends_at_ms'),
  };
}

/** A sorted-set score as Redis writes it ('inf' and '-inf' included). */
function scoreOf(text: string): number {
  if (text === 'inf' || text === '+inf') return Number.POSITIVE_INFINITY;
  if (text === '-inf') return Number.NEGATIVE_INFINITY;
  return Number(text);
}
