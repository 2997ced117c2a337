-- no-stuck-holds: in the Redis snapshot (verify_redis_* tables) of sale $1 at $2 (now, epoch ms)
-- no hold outlives its deadline by more than the grace $3 (ms; the service releases lapsed holds
-- lazily and on each reconcile pass), and once every successful checkout in Postgres has lapsed
-- (by more than the grace) no hold is left at all. Holds, deadlines, codes and the per-buyer held
-- counts describe the same holds.
WITH hold AS (
  SELECT h.item, h.code, h.code_entry, d.deadline_ms, h.entry_item::text AS entry_item,
         coalesce(h.entry_user, '?') AS user_id, h.entry_expires_ms
  FROM verify_redis_holds h
  LEFT JOIN verify_redis_deadlines d USING (item)
),
last_checkout AS (
  SELECT (extract(epoch FROM max(expires_at)) * 1000)::float8 AS expires_ms
  FROM checkout_attempts WHERE sale_id = $1 AND outcome = 'ok'
),
all_lapsed AS (
  SELECT coalesce(expires_ms < $2::float8 - $3::float8, true) AS is_true FROM last_checkout
),
violation AS (
  SELECT 1 AS kind, h.item AS sort_key,
    format('item %s: held by user %s (code %s) %s s past its deadline %s', h.item, h.user_id, h.code,
           round((($2::float8 - coalesce(h.deadline_ms, h.entry_expires_ms)) / 1000)::numeric, 1),
           pg_temp.iso_ms(coalesce(h.deadline_ms, h.entry_expires_ms)))
      AS example
  FROM hold h
  WHERE coalesce(h.deadline_ms, h.entry_expires_ms) < $2::float8 - $3::float8
  UNION ALL
  SELECT 2, h.item,
    format('item %s: held by user %s (code %s) with no entry in deadlines: no sweep ever releases it', h.item,
           h.user_id, h.code)
  FROM hold h
  WHERE h.deadline_ms IS NULL
    AND coalesce(h.entry_expires_ms >= $2::float8 - $3::float8, true)
  UNION ALL
  SELECT 3, h.item,
    format('item %s: held (code %s, deadline %s) although every checkout of the sale lapsed by %s', h.item, h.code,
           pg_temp.iso_ms(h.deadline_ms), pg_temp.iso_ms((SELECT expires_ms FROM last_checkout)))
  FROM hold h
  WHERE (SELECT is_true FROM all_lapsed) AND h.deadline_ms >= $2::float8 - $3::float8
  UNION ALL
  SELECT 4, h.item,
    format('item %s: hold code %s has codes entry %s, which does not match the hold (deadline %s)', h.item, h.code,
           coalesce(h.code_entry, 'missing'), coalesce(pg_temp.iso_ms(h.deadline_ms), 'missing'))
  FROM hold h
  WHERE h.entry_item <> h.item OR h.entry_expires_ms IS NULL
     OR (h.deadline_ms IS NOT NULL AND h.entry_expires_ms <> h.deadline_ms)
  UNION ALL
  SELECT 5, d.item,
    format('item %s: a deadline (%s) with no hold', d.item, pg_temp.iso_ms(d.deadline_ms))
  FROM verify_redis_deadlines d
  WHERE NOT EXISTS (SELECT 1 FROM verify_redis_holds h WHERE h.item = d.item)
  UNION ALL
  SELECT 6, coalesce(c.user_id, r.user_id),
    format('user %s: held count %s, but Redis holds %s item(s) for them', coalesce(c.user_id, r.user_id),
           coalesce(r.holds, '0'), coalesce(c.items, 0))
  FROM (SELECT user_id, count(*) AS items FROM hold WHERE user_id <> '?' GROUP BY user_id) c
  FULL JOIN verify_redis_held r USING (user_id)
  WHERE coalesce(r.holds, '0') <> coalesce(c.items, 0)::text
)
SELECT
  (SELECT count(*) FROM hold)::int AS holds,
  (SELECT count(*) FROM hold WHERE deadline_ms >= $2::float8)::int AS live,
  (SELECT count(*) FROM verify_redis_deadlines)::int AS deadlines,
  (SELECT count(*) FROM verify_redis_held)::int AS holders,
  (SELECT is_true FROM all_lapsed) AS is_all_lapsed,
  pg_temp.iso_ms((SELECT expires_ms FROM last_checkout)) AS last_lapse,
  (SELECT count(*) FROM violation)::int AS violations,
  ARRAY(SELECT example FROM violation ORDER BY kind, sort_key LIMIT 5) AS examples
