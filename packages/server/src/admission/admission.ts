// Admission, the one door to Redis: the atomic decisions of a sale (checkouts and purchases, each
// kind sent per sale as one script call for those asked while the sale's previous call of that
// kind was out: sale-calls.ts), and everything else the service reads or writes there (restoring a
// sale, its locks, the reconciler's reads), as plain values. Scripts are sent once per connection
// and run by EVALSHA after that (ioredis defineCommand). Nothing is thrown for an expected refusal.
import { readFileSync } from 'node:fs';
import type { Milliseconds } from '@flashsale/protocol';
import type { PurchaseRecord, SaleInfo, SaleRecords } from '../store/sale-store.js';
import type { RedisClient } from './client.js';
import { decodePurchasedEntry, encodePurchasedEntry } from './entries.js';
import { clockKey, instancesKey, type SaleDataKeys, type SaleKeys, saleDataKeys, saleKeys } from './keys.js';
import { acquireLock } from './lock.js';
import {
  countPurchased,
  hasSaleState,
  readItemStates,
  readPendingPurchases,
  readPurchasedCodes,
} from './reads.js';
import { restoreSale } from './restore.js';
import { retainSale } from './retention.js';
import { createSaleCalls } from './sale-calls.js';

/**
 * Lapsed holds a checkout sweeps before refusing a buyer at the limit who has holds (some may be
 * lapsed and not swept yet). No other request sweeps: the reconciler does, every pass.
 */
const SWEEP_BEFORE_LIMIT_REFUSAL = 64;

/** Most checkouts in one script call: a turn with more sends several, so no call runs long. */
const MAX_CHECKOUTS_PER_CALL = 256;

/** Most purchases in one script call, likewise. */
const MAX_PURCHASES_PER_CALL = 256;

/**
 * Calls of one script in flight per sale, and the inputs waiting that are sent without waiting for
 * the end of the turn. Measured on checkouts (wrk, 1M-item sale, 1 worker, 7 alternated pairs
 * against one call sent at the end of the turn): ahead at 200 connections in 6 of 7 (median +11 %),
 * not distinguishable at 50, at the same Redis CPU per checkout; 16 or 64, or 4 calls, did no better.
 */
const SALE_CALLS: CallBatching = { maxCallsOut: 2, sendAt: 32 };

/** How the batched scripts' calls are sent (sale-calls.ts): tests and benchmarks may fix them. */
export type CallBatching = { maxCallsOut: number; sendAt: number };

const scriptNames = {
  fsCheckout: 'checkout.lua',
  fsPurchase: 'purchase.lua',
  fsReleaseHold: 'release-hold.lua',
  fsUndoPurchase: 'undo-purchase.lua',
  fsApplyPurchases: 'apply-purchases.lua',
  fsAdoptPurchase: 'adopt-purchase.lua',
  fsSaleStatus: 'sale-status.lua',
} as const;

type ScriptName = keyof typeof scriptNames;
type ScriptReply = Array<string | number> | Array<Array<string | number>> | number;
type ScriptCommands = Record<ScriptName, (...args: Array<string | number>) => Promise<ScriptReply>>;

let scriptSources: Record<ScriptName, string> | undefined;

function loadScripts(): Record<ScriptName, string> {
  if (scriptSources === undefined) {
    const read = (file: string) => readFileSync(new URL(`./${file}`, import.meta.url), 'utf8');
    const lib = libraryParts(read('sale-lib.lua'));
    const sources = {} as Record<ScriptName, string>;
    for (const [name, file] of Object.entries(scriptNames) as [ScriptName, string][]) {
      const body = read(file);
      sources[name] = lib.header + lib.functionsUsedBy(body) + body;
    }
    scriptSources = sources;
  }
  return scriptSources;
}

const instancesScript = readFileSync(new URL('./instances.lua', import.meta.url), 'utf8');

/** The sale settings an instance runs with: every instance must run with the same. */
export type InstanceSettings = {
  saleDurationMs: number;
  saleSize: number;
  userLimit: number;
  holdTtlMs: number;
};

/** Another live instance, as the registry has it. */
export type RegisteredInstance = InstanceSettings & { seenMs: Milliseconds; label: string };

// TIME with a key (clockKey), so that in a cluster every instance asks the same node.
const TIME_SCRIPT = "return redis.call('TIME')";

/**
 * sale-lib.lua split into its header (the KEYS names) and its `local function`s, so each script
 * carries only the helpers it calls (and the helpers those call): every call of a script runs its
 * whole text, and a helper it never calls would still be made a closure each time.
 */
export function libraryParts(lib: string): { header: string; functionsUsedBy: (body: string) => string } {
  const starts = [...lib.matchAll(/^local function (\w+)/gm)];
  const header = lib.slice(0, starts[0]?.index ?? lib.length);
  const functions = starts.map((match, i) => ({
    name: match[1]!,
    text: lib.slice(match.index, starts[i + 1]?.index ?? lib.length),
  }));
  const calls = (text: string, name: string) => new RegExp(`\\b${name}\\(`).test(text);
  return {
    header,
    functionsUsedBy(body) {
      const used = new Set<string>();
      let texts = [body];
      while (texts.length > 0) {
        const found = functions.filter((f) => !used.has(f.name) && texts.some((text) => calls(text, f.name)));
        for (const f of found) used.add(f.name);
        texts = found.map((f) => f.text);
      }
      // In the library's order, so a helper is defined before the helpers that call it.
      return functions
        .filter((f) => used.has(f.name))
        .map((f) => f.text)
        .join('');
    },
  };
}

export type CheckoutDecision =
  | { kind: 'held'; code: string; expiresAtMs: Milliseconds; isNew: boolean }
  | { kind: 'refused'; reason: 'sold_out' | 'item_held' | 'user_limit' }
  | { kind: 'no_item' }
  | { kind: 'rebuild' };

export type PurchaseDecision =
  | {
      kind: 'purchased';
      purchaseId: string;
      itemId: number;
      userId: string;
      slot: number;
      holdExpiresAtMs: Milliseconds;
      isReplay: boolean;
      /** Postgres may not have it yet: the answer must wait for a durable write. */
      isPending: boolean;
      /** When Redis admitted it (the purchase time), for a pending purchase. */
      admittedAtMs: Milliseconds;
    }
  | { kind: 'refused'; reason: 'unknown_code' | 'code_expired' | 'user_limit' }
  | { kind: 'rebuild' };

export type SaleCounts = { kind: 'counts'; size: number; sold: number; held: number; pending: number };

/** What a sale lock keeps to one instance at a time. */
export type LockPurpose = 'rebuild' | 'reconcile';

const lockKeyOf: Record<LockPurpose, keyof SaleKeys> = { rebuild: 'rebuildLock', reconcile: 'reconcileLock' };

export type Admission = ReturnType<typeof createAdmission>;

export type CheckoutInput = {
  saleId: number;
  userId: string;
  itemId: number;
  newCode: string;
  /** When it was asked: the checkouts of one call are decided at the latest of their times. */
  nowMs: Milliseconds;
};

export type PurchaseInput = {
  saleId: number;
  code: string;
  purchaseId: string;
  requestId: string;
  nowMs: Milliseconds;
};

function checkoutDecisionOf(reply: string | number | undefined, newCode: string): CheckoutDecision {
  if (typeof reply === 'number') return { kind: 'held', code: newCode, expiresAtMs: reply, isNew: true };
  if (reply === undefined) throw new Error('checkout.lua answered fewer replies than checkouts');
  const bar = reply.indexOf('|');
  if (bar !== -1) {
    // The buyer's own live hold, asked again: its code and deadline.
    return {
      kind: 'held',
      code: reply.slice(bar + 1),
      expiresAtMs: Number(reply.slice(0, bar)),
      isNew: false,
    };
  }
  if (reply === 'sold_out' || reply === 'item_held' || reply === 'user_limit') {
    return { kind: 'refused', reason: reply };
  }
  if (reply === 'no_item') return { kind: 'no_item' };
  return { kind: 'rebuild' };
}

function purchaseDecisionOf(reply: unknown, nowMs: Milliseconds): PurchaseDecision {
  if (reply === undefined) throw new Error('purchase.lua answered fewer replies than purchases');
  if (reply === 'unknown_code' || reply === 'code_expired' || reply === 'user_limit') {
    return { kind: 'refused', reason: reply };
  }
  if (reply === 'rebuild') return { kind: 'rebuild' };
  // A new purchase: the entry written, admitted now. A replay: the entry and when it was admitted
  // (0 once Postgres has it).
  const [text, admittedAtMs] = Array.isArray(reply) ? [reply[0], Number(reply[1])] : [reply, nowMs];
  const entry = typeof text === 'string' ? decodePurchasedEntry(text) : undefined;
  if (entry === undefined) throw new Error(`purchase.lua answered what is no purchase: ${String(text)}`);
  return {
    kind: 'purchased',
    purchaseId: entry.purchaseId,
    itemId: entry.itemId,
    userId: entry.userId,
    slot: entry.slot,
    holdExpiresAtMs: entry.holdExpiresAtMs,
    isReplay: Array.isArray(reply),
    isPending: admittedAtMs > 0,
    admittedAtMs,
  };
}

/** Commands the client must not auto-pipeline: the checkout and purchase calls are batches already. */
export const notAutoPipelined = ['fsCheckout', 'fsPurchase'];

/** Told of each batched script call: which script, how many checkouts or purchases, how long. */
export type ObserveCall = (script: 'checkout' | 'purchase', inputs: number, seconds: number) => void;

export function createAdmission(
  redis: RedisClient,
  batching: CallBatching = SALE_CALLS,
  observeCall?: ObserveCall,
) {
  const sources = loadScripts();
  for (const name of Object.keys(sources) as ScriptName[]) {
    redis.defineCommand(name, { numberOfKeys: 9, lua: sources[name] });
  }
  const scripts = redis as unknown as ScriptCommands;
  const call = (name: ScriptName, keys: SaleDataKeys, ...args: Array<string | number>) =>
    scripts[name](...keys, ...args);

  const askCheckout = createSaleCalls({
    maxPerCall: MAX_CHECKOUTS_PER_CALL,
    ...batching,
    send: (saleId: number, inputs: readonly CheckoutInput[]) => {
      // One time for the call, the latest asked: an argument less per checkout, for Redis and ioredis.
      let nowMs = 0;
      for (const input of inputs) if (input.nowMs > nowMs) nowMs = input.nowMs;
      const args: Array<string | number> = [SWEEP_BEFORE_LIMIT_REFUSAL, nowMs];
      for (const input of inputs) args.push(input.userId, input.itemId, input.newCode);
      return call('fsCheckout', saleDataKeys(saleId), ...args) as Promise<unknown[]>;
    },
    decode: (reply, input) => checkoutDecisionOf(reply as string | number | undefined, input.newCode),
    onCall: observeCall && ((inputs, seconds) => observeCall('checkout', inputs, seconds)),
  });
  const askPurchase = createSaleCalls({
    maxPerCall: MAX_PURCHASES_PER_CALL,
    ...batching,
    send: (saleId: number, inputs: readonly PurchaseInput[]) => {
      const args: Array<string | number> = [];
      for (const input of inputs) args.push(input.code, input.purchaseId, input.nowMs, input.requestId);
      return call('fsPurchase', saleDataKeys(saleId), ...args) as Promise<unknown[]>;
    },
    decode: (reply, input) => purchaseDecisionOf(reply, input.nowMs),
    onCall: observeCall && ((inputs, seconds) => observeCall('purchase', inputs, seconds)),
  });

  return {
    /**
     * Checks and places a hold. Checkouts go to Redis together, per sale, as one script call
     * (decided in the order they were asked, each as if alone): those of one event-loop turn, of
     * the first part of a burst, or those that arrived while the sale's calls were in flight.
     */
    checkout(input: CheckoutInput): Promise<CheckoutDecision> {
      return askCheckout(input.saleId, input);
    },

    /**
     * Checks the code and turns its hold into a purchase. Purchases go to Redis together, per sale,
     * as one script call, the same way as checkouts (each decided as if alone: a code asked twice
     * is bought by the first and replayed by the second).
     */
    purchase(input: PurchaseInput): Promise<PurchaseDecision> {
      return askPurchase(input.saleId, input);
    },

    /** Undoes a new hold whose attempt row could not be written. */
    async releaseHold(saleId: number, code: string): Promise<boolean> {
      return (await call('fsReleaseHold', saleDataKeys(saleId), code)) === 1;
    },

    /** Undoes a purchase Postgres did not take; its slot stays owned if Postgres says it is taken. */
    async undoPurchase(
      saleId: number,
      code: string,
      nowMs: Milliseconds,
      isSlotTaken = false,
    ): Promise<boolean> {
      return (await call('fsUndoPurchase', saleDataKeys(saleId), code, nowMs, isSlotTaken ? 1 : 0)) === 1;
    },

    /**
     * Makes Redis show a purchase as Postgres has it (same code, perhaps another slot) and marks it
     * durable; `isSlotTaken`: Postgres holds the slot Redis gave for another purchase of the buyer.
     */
    async adoptPurchase(saleId: number, stored: PurchaseRecord, isSlotTaken: boolean): Promise<boolean> {
      const entry = encodePurchasedEntry(stored);
      return (
        (await call('fsAdoptPurchase', saleDataKeys(saleId), stored.code, entry, isSlotTaken ? 1 : 0)) === 1
      );
    },

    /** Marks purchases durable: they leave the pending set the reconciler watches. */
    async confirmPurchases(saleId: number, codes: readonly string[]): Promise<void> {
      if (codes.length > 0) await redis.zrem(saleDataKeys(saleId)[8], ...codes);
    },

    /** Shows in Redis purchases that only Postgres has; returns how many were applied. */
    async applyPurchases(saleId: number, records: readonly PurchaseRecord[]): Promise<number> {
      if (records.length === 0) return 0;
      const args: Array<string | number> = [];
      for (const r of records)
        args.push(r.code, r.purchaseId, r.itemId, r.userId, r.slot, r.holdExpiresAtMs, r.requestId);
      return Number(await call('fsApplyPurchases', saleDataKeys(saleId), ...args));
    },

    /** Counts after sweeping up to `sweepLimit` lapsed holds, or `rebuild` when the keys are gone. */
    async saleCounts(
      saleId: number,
      nowMs: Milliseconds,
      sweepLimit = 1000,
    ): Promise<SaleCounts | { kind: 'rebuild' }> {
      const reply = (await call('fsSaleStatus', saleDataKeys(saleId), nowMs, sweepLimit)) as Array<
        string | number
      >;
      if (reply[0] === 'rebuild') return { kind: 'rebuild' };
      return {
        kind: 'counts',
        size: Number(reply[0]),
        sold: Number(reply[1]),
        held: Number(reply[2]),
        pending: Number(reply[3]),
      };
    },

    /** Whether the sale's state is in Redis (its meta hash); the scripts answer `rebuild` without it. */
    hasSale: (saleId: number) => hasSaleState(redis, saleId),

    /** Replaces the sale's state with the one its durable records describe at `nowMs`. */
    restoreSale: (sale: SaleInfo, records: SaleRecords, nowMs: Milliseconds) =>
      restoreSale(redis, sale, records, nowMs),

    /** Keeps the sale's keys until a day past its last possible hold. */
    retainSale: (sale: SaleInfo) => retainSale(redis, sale),

    /** The sale's lock for `purpose` when it is free (expiring after `ttlMs`), else undefined. */
    lockSale: (saleId: number, purpose: LockPurpose, ttlMs: Milliseconds) =>
      acquireLock(redis, saleKeys(saleId)[lockKeyOf[purpose]], ttlMs),

    pendingPurchases: (saleId: number, admittedUpToMs: Milliseconds, limit: number) =>
      readPendingPurchases(redis, saleId, admittedUpToMs, limit),
    countPurchased: (saleId: number) => countPurchased(redis, saleId),
    purchasedCodes: (saleId: number) => readPurchasedCodes(redis, saleId),
    itemStates: (saleId: number, itemIds: readonly number[], nowMs: Milliseconds) =>
      readItemStates(redis, saleId, itemIds, nowMs),

    /** Resolves when Redis answers PING (any node of a cluster). */
    async ping(): Promise<void> {
      await redis.ping();
    },

    /**
     * Resolves when the node serving the sale's hash slot answers a command on the sale's key:
     * in a cluster it is routed there; a single Redis that is in fact one node of a cluster
     * answers MOVED for a slot it does not serve, and this rejects.
     */
    async pingSale(saleId: number): Promise<void> {
      await redis.exists(saleKeys(saleId).meta);
    },

    /**
     * Registers (or refreshes) this instance with its settings unless a live instance (one seen
     * after `staleBeforeMs`) runs with others: those are answered, and nothing is registered.
     */
    async registerInstance(input: {
      instanceId: string;
      settings: InstanceSettings;
      label: string;
      nowMs: Milliseconds;
      staleBeforeMs: Milliseconds;
    }): Promise<RegisteredInstance[]> {
      const { saleDurationMs, saleSize, userLimit, holdTtlMs } = input.settings;
      const reply = (await redis.eval(
        instancesScript,
        1,
        instancesKey,
        input.instanceId,
        `${saleDurationMs}|${saleSize}|${userLimit}|${holdTtlMs}`,
        input.nowMs,
        input.staleBeforeMs,
        input.label.replaceAll('|', '/'),
      )) as string[];
      return reply.map((value) => {
        const [d, s, u, h, seen, ...label] = value.split('|');
        return {
          saleDurationMs: Number(d),
          saleSize: Number(s),
          userLimit: Number(u),
          holdTtlMs: Number(h),
          seenMs: Number(seen),
          label: label.join('|'),
        };
      });
    },

    /** Leaves the registry (a graceful stop). */
    async unregisterInstance(instanceId: string): Promise<void> {
      await redis.hdel(instancesKey, instanceId);
    },

    /** Redis' clock (TIME) in epoch ms, always from the node serving one fixed slot. */
    async timeMs(): Promise<Milliseconds> {
      const [seconds, micros] = (await redis.eval(TIME_SCRIPT, 1, clockKey)) as [string, string];
      return Number(seconds) * 1000 + Math.floor(Number(micros) / 1000);
    },

    /** Closes the connection, waiting for replies to commands already sent. */
    async close(): Promise<void> {
      await redis.quit().catch(() => redis.disconnect());
    },
  };
}
