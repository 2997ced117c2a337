-- One sale's Redis state, loaded so the Redis invariants compare it with Postgres set-based.
-- Values stay as Redis holds them (text); the comparisons parse them, so a malformed entry shows
-- up as a disagreement instead of stopping the check.
CREATE TEMP TABLE verify_redis_sold (item text NOT NULL, user_id text NOT NULL);
CREATE TEMP TABLE verify_redis_holds (item text NOT NULL, code text NOT NULL, code_entry text NOT NULL);
CREATE TEMP TABLE verify_redis_deadlines (item text NOT NULL, deadline_ms float8 NOT NULL);
CREATE TEMP TABLE verify_redis_owned (user_id text NOT NULL, mask text NOT NULL);
CREATE TEMP TABLE verify_redis_held (user_id text NOT NULL, holds text NOT NULL);
CREATE TEMP TABLE verify_redis_pending (code text NOT NULL, admitted_ms float8 NOT NULL);
CREATE TEMP TABLE verify_redis_purchased (code text NOT NULL, entry text NOT NULL)
