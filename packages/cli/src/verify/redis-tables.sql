-- One sale's Redis state, loaded so the Redis invariants compare it with Postgres set-based.
-- Hash fields stay as Redis holds them (text); entries arrive decoded by the service's own codec
-- (readSaleSnapshot), their decoded columns null when an entry is malformed, so a malformed entry
-- shows up as a disagreement instead of stopping the check. The raw entries are kept for reports.
CREATE TEMP TABLE verify_redis_sold (item text NOT NULL, user_id text NOT NULL);
CREATE TEMP TABLE verify_redis_holds (
  item text NOT NULL, code text NOT NULL,
  code_entry text, entry_item int8, entry_user text, entry_expires_ms float8
);
CREATE TEMP TABLE verify_redis_deadlines (item text NOT NULL, deadline_ms float8 NOT NULL);
CREATE TEMP TABLE verify_redis_owned (user_id text NOT NULL, mask text NOT NULL, is_valid boolean NOT NULL);
CREATE TEMP TABLE verify_redis_owned_slots (user_id text NOT NULL, slot int4 NOT NULL);
CREATE TEMP TABLE verify_redis_held (user_id text NOT NULL, holds text NOT NULL);
CREATE TEMP TABLE verify_redis_pending (code text NOT NULL, admitted_ms float8 NOT NULL);
CREATE TEMP TABLE verify_redis_purchased (
  code text NOT NULL, entry text NOT NULL,
  purchase_id text, item int8, user_id text, slot int8
)
