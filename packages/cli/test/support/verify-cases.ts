// Violations planted behind the service's back, one table for the verifier's module tests and its
// CLI tests: each case names the exact set of invariants it must fail.
import type { InvariantId } from '../../src/verify/report.js';
import type { VerifyOptions } from '../../src/verify/run-verify.js';
import {
  growSale,
  losePurchase,
  plantCheckout,
  plantedCode,
  plantHold,
  plantPendingPurchase,
  plantPurchase,
} from './verify-plant.js';
import type { SaleCopy, SoldOutSale } from './verify-sale.js';

export type PlantCase = {
  name: string;
  /** Changes a private copy of the sold-out sale behind the service's back. */
  plant: (copy: SaleCopy, sale: SoldOutSale) => Promise<void>;
  options?: Partial<VerifyOptions>;
  failed: InvariantId[];
  example: RegExp;
};

export const plantCases: PlantCase[] = [
  {
    name: 'an item sold twice fails no-oversell (and redis-agrees, whose sold hash cannot name two buyers)',
    async plant(copy, sale) {
      await copy.sql('ALTER TABLE purchases DROP CONSTRAINT purchases_sale_id_item_id_key');
      await copy.sql(
        `INSERT INTO purchases (purchase_id, sale_id, item_id, user_id, slot, code, request_id, hold_expires_at, purchased_at)
         SELECT gen_random_uuid(), sale_id, item_id, 'dan', 1, code || 'x', 'planted', hold_expires_at, purchased_at
         FROM purchases WHERE sale_id = $1 AND item_id = 3`,
        [sale.saleId],
      );
      await copy.sql(
        `INSERT INTO checkout_attempts (attempt_id, request_id, sale_id, user_id, item_id, outcome, code, expires_at, attempted_at)
         SELECT gen_random_uuid(), 'planted', sale_id, 'dan', item_id, 'ok', code || 'x', hold_expires_at, purchased_at
         FROM purchases WHERE sale_id = $1 AND item_id = 3 AND user_id = 'ann'`,
        [sale.saleId],
      );
    },
    failed: ['no-oversell', 'redis-agrees'],
    example:
      /^item 3 of sale \d+ sold 2 times: purchase \S+ to user (ann|dan), purchase \S+ to user (ann|dan)$/,
  },
  {
    name: 'an 11th item for one buyer fails user-limit',
    async plant(copy, sale) {
      const itemId = await growSale(copy, sale);
      await copy.sql('INSERT INTO sale_slots (sale_id, slot) VALUES ($1, 11)', [sale.saleId]);
      await plantPurchase(copy, sale, {
        itemId,
        userId: 'ann',
        slot: 11,
        holdExpiresAtMs: sale.nowMs - 10_000,
        purchasedAtMs: sale.nowMs - 20_000,
      });
    },
    failed: ['user-limit'],
    example: /^user ann owns 11 items of sale \d+ \(limit 10\): items 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 24$/,
  },
  {
    name: 'a purchase with no checkout fails provenance',
    async plant(copy, sale) {
      const itemId = await growSale(copy, sale);
      await plantPurchase(copy, sale, {
        itemId,
        userId: 'dan',
        slot: 1,
        holdExpiresAtMs: sale.nowMs - 10_000,
        purchasedAtMs: sale.nowMs - 20_000,
        hasCheckout: false,
      });
    },
    failed: ['provenance'],
    example:
      /^purchase \S+ \(sale \d+, item 24, user dan, code \S+, request planted-purchase\): no successful checkout issued its code$/,
  },
  {
    name: 'a purchase made after its hold expired fails provenance',
    async plant(copy, sale) {
      const itemId = await growSale(copy, sale);
      await plantPurchase(copy, sale, {
        itemId,
        userId: 'dan',
        slot: 1,
        holdExpiresAtMs: sale.nowMs - 60_000,
        purchasedAtMs: sale.nowMs - 58_500,
      });
    },
    failed: ['provenance'],
    example:
      /^purchase \S+ \(item 24, user dan, code \S+, request planted-purchase\) made at \S+Z, 1500 ms after its hold expired at \S+Z$/,
  },
  {
    name: 'an acknowledged purchase missing from Postgres fails acked-durable',
    async plant(copy, sale) {
      await losePurchase(copy, sale.codes.cat[0]!);
    },
    options: { isSelloutExpected: false },
    failed: ['acked-durable'],
    example:
      /^code \S+: purchase \S+ acknowledged \(200\) to request \S+ \(ledger\.jsonl:\d+\) is not in purchases$/,
  },
  {
    name: 'a purchase row carrying the request id of a request the client saw rejected fails acked-durable',
    async plant(copy, sale) {
      await copy.sql('UPDATE purchases SET request_id = $1 WHERE code = $2', [
        sale.answers.expired.request_id,
        sale.codes.cat[1],
      ]);
    },
    failed: ['acked-durable'],
    example:
      /^purchase \S+ \(item 19, user cat, code \S+\) has request id \S+ \(ledger\.jsonl:\d+\), which the client saw rejected: 410 code_expired$/,
  },
  {
    name: 'an answered checkout missing from checkout_attempts fails attempts-persisted',
    async plant(copy, sale) {
      await copy.sql('DELETE FROM checkout_attempts WHERE request_id = $1', [
        sale.answers.itemHeld.request_id,
      ]);
    },
    failed: ['attempts-persisted'],
    example:
      /^request \S+, attempt \S+ \(ledger\.jsonl:\d+, checkout by user cat of item 18, answered 409 item_held\): no checkout_attempts row$/,
  },
  {
    name: 'a checkout stored with another outcome than answered fails attempts-persisted',
    async plant(copy, sale) {
      await copy.sql("UPDATE checkout_attempts SET outcome = 'sold_out' WHERE request_id = $1", [
        sale.answers.userLimit.request_id,
      ]);
    },
    failed: ['attempts-persisted'],
    example:
      /^request \S+, attempt \S+ \(ledger\.jsonl:\d+, checkout by user ann of item 10, answered 403 user_limit\): stored as sold_out for user ann, item 10$/,
  },
  {
    name: 'a Redis sold entry naming another buyer fails redis-agrees',
    async plant(copy) {
      await copy.redis.hset(copy.keys.sold, '5', 'mallory');
    },
    failed: ['redis-agrees'],
    example: /^item 5: Redis sold it to user mallory, Postgres to user ann \(purchase \S+\)$/,
  },
  {
    name: 'a Redis owned mask counting an item the buyer does not own fails redis-agrees',
    async plant(copy) {
      await copy.redis.hset(copy.keys.owned, 'bob', String(0b111111111));
    },
    failed: ['redis-agrees'],
    example:
      /^user bob: Redis owns 9 item\(s\) \(owned mask 511, slots 1,2,3,4,5,6,7,8,9\), Postgres 8 item\(s\) \(slots 1,2,3,4,5,6,7,8\)$/,
  },
  {
    name: 'a purchase pending in Redis for a minute that Postgres never got fails redis-agrees',
    async plant(copy, sale) {
      const itemId = await growSale(copy, sale);
      await plantPendingPurchase(copy, sale, { itemId, userId: 'dan', admittedMs: sale.nowMs - 60_000 });
    },
    options: { isSelloutExpected: false },
    failed: ['redis-agrees'],
    example: /^item 24: Redis sold it to user dan; Postgres has no purchase of it$/,
  },
  {
    name: 'a live Redis hold with no checkout behind it fails redis-agrees (and no-stuck-holds: every checkout has lapsed)',
    async plant(copy, sale) {
      const itemId = await growSale(copy, sale);
      await plantHold(copy, sale, {
        itemId,
        userId: 'dan',
        deadlineMs: sale.nowMs + 20_000,
        hasCheckout: false,
      });
    },
    options: { isSelloutExpected: false },
    failed: ['redis-agrees', 'no-stuck-holds'],
    example:
      /^item 24: Redis holds it for user dan \(code \S+\) but Postgres has no successful checkout with that code$/,
  },
  {
    name: 'a live hold Postgres records and Redis lost fails redis-agrees',
    async plant(copy, sale) {
      const itemId = await growSale(copy, sale);
      await plantCheckout(copy, sale, {
        itemId,
        userId: 'dan',
        code: plantedCode(sale),
        holdExpiresAtMs: sale.nowMs + 20_000,
      });
    },
    options: { isSelloutExpected: false },
    failed: ['redis-agrees'],
    example:
      /^item 24: Postgres records a hold by user dan \(code \S+\) until \S+Z that Redis does not hold$/,
  },
  {
    name: 'a sale whose Redis keys vanished fails redis-agrees (and no hold can be stuck)',
    async plant(copy) {
      await copy.redis.del(...Object.values(copy.keys));
    },
    failed: ['redis-agrees'],
    example: /Redis has no \{sale:\d+\}:meta key under this key prefix/,
  },
  {
    name: 'a hold left behind long past its deadline fails no-stuck-holds',
    async plant(copy, sale) {
      const itemId = await growSale(copy, sale);
      // A minute past by either clock: the sale's test clock runs ahead of the real one, which
      // `flashsale verify` reads.
      const deadlineMs = Math.min(sale.nowMs, Date.now()) - 60_000;
      await plantHold(copy, sale, { itemId, userId: 'dan', deadlineMs });
    },
    options: { isSelloutExpected: false },
    failed: ['no-stuck-holds'],
    example: /^item 24: held by user dan \(code \S+\) \d+\.\d s past its deadline \S+Z$/,
  },
  {
    name: 'an item never sold fails sell-out when the sale was expected to sell out',
    async plant(copy, sale) {
      await growSale(copy, sale);
    },
    failed: ['sell-out'],
    example: /^item 24 of sale \d+ unsold: never checked out successfully$/,
  },
  {
    name: 'a malformed Redis purchased entry fails redis-agrees',
    async plant(copy, sale) {
      await copy.redis.hset(copy.keys.purchased, sale.codes.ann[2]!, 'not|a|purchase');
    },
    failed: ['redis-agrees'],
    example: /^code \S+: Redis has not\|a\|purchase, Postgres purchase \S+\|2\|ann\|\d+$/,
  },
  {
    name: 'a malformed Redis owned mask fails redis-agrees',
    async plant(copy) {
      await copy.redis.hset(copy.keys.owned, 'bob', 'lots');
    },
    failed: ['redis-agrees'],
    example:
      /^user bob: Redis owns \? item\(s\) \(owned mask lots, slots \), Postgres 8 item\(s\) \(slots 1,2,3,4,5,6,7,8\)$/,
  },
  {
    name: 'a live hold whose codes entry is malformed fails redis-agrees and no-stuck-holds',
    async plant(copy, sale) {
      const itemId = await growSale(copy, sale);
      const code = await plantHold(copy, sale, { itemId, userId: 'dan', deadlineMs: sale.nowMs + 20_000 });
      await copy.redis.hset(copy.keys.codes, code, 'garbage');
    },
    options: { isSelloutExpected: false },
    failed: ['redis-agrees', 'no-stuck-holds'],
    example:
      /^item 24: Redis holds it for user \? \(code \S+\) until \S+Z; Postgres checkout of that code: item 24, user dan, until \S+Z$/,
  },
];
