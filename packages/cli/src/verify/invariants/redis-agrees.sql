-- redis-agrees: the Redis snapshot (verify_redis_* tables) of sale $1 tells the same story as
-- Postgres, at $2 (now, epoch ms):
--   sold      item -> buyer equals the purchases of the sale;
--   owned     each buyer's slot mask equals the slots of their purchases (and its popcount their count);
--   purchased each purchase is in Redis with the same purchase id, item, buyer and slot, and each
--             Redis purchase is in Postgres; a pending purchase not in Postgres is lost once it
--             is older than $4 (ms), before that it is in flight and Redis may show it already;
--   holds     each live hold is a successful checkout in Postgres (same code, item, buyer,
--             deadline), none is on a sold item, and each live hold Postgres records is in Redis;
--             holds placed within the last $3 ms (grace) may not be written yet, and holds within
--             the grace of their deadline may already be released by a service clock a little ahead.
--             $5: hold TTL (ms).
WITH pg_purchase AS (
  SELECT item_id::text AS item, user_id, code, purchase_id::text AS purchase_id, slot::int8 AS slot
  FROM purchases WHERE sale_id = $1
),
redis_purchase AS (
  SELECT code, entry, purchase_id, item::text AS item, user_id, slot FROM verify_redis_purchased
),
in_flight AS (
  SELECT r.* FROM redis_purchase r
  JOIN verify_redis_pending q USING (code)
  WHERE q.admitted_ms > $2::float8 - $4::float8
    AND NOT EXISTS (SELECT 1 FROM pg_purchase p WHERE p.code = r.code)
),
expected AS (
  SELECT item, user_id, code, purchase_id, slot FROM pg_purchase
  UNION ALL
  SELECT item, user_id, code, purchase_id, slot FROM in_flight
),
expected_sold AS (
  SELECT item, min(user_id) AS user_id, count(*) AS buyers,
         string_agg(format('user %s (purchase %s)', user_id, purchase_id), ', ') AS sold_to
  FROM expected GROUP BY item
),
sold_diff AS (
  SELECT 1 AS kind, coalesce(r.item, e.item) AS sort_key,
    CASE
      WHEN e.item IS NULL THEN format('item %s: Redis sold it to user %s; Postgres has no purchase of it', r.item, r.user_id)
      WHEN r.item IS NULL THEN format('item %s: Postgres sold it to %s; Redis does not show it sold', e.item, e.sold_to)
      ELSE format('item %s: Redis sold it to user %s, Postgres to %s', r.item, r.user_id, e.sold_to)
    END AS example
  FROM verify_redis_sold r
  FULL JOIN expected_sold e ON e.item = r.item
  WHERE e.item IS NULL OR r.item IS NULL OR e.buyers > 1 OR e.user_id <> r.user_id
),
expected_owned AS (
  SELECT user_id, count(*) AS items,
         coalesce(array_agg(DISTINCT slot ORDER BY slot) FILTER (WHERE slot IS NOT NULL), '{}') AS slots
  FROM expected GROUP BY user_id
),
redis_owned AS (
  SELECT o.user_id, o.mask AS raw, o.is_valid,
         coalesce((SELECT array_agg(s.slot::int8 ORDER BY s.slot) FROM verify_redis_owned_slots s
                   WHERE s.user_id = o.user_id), '{}') AS slots
  FROM verify_redis_owned o
),
owned_diff AS (
  SELECT 2 AS kind, user_id AS sort_key,
    format('user %s: Redis owns %s item(s) (owned mask %s, slots %s), Postgres %s item(s) (slots %s)',
           user_id, CASE WHEN r.is_valid THEN cardinality(r.slots)::text ELSE '?' END, coalesce(r.raw, '0'),
           array_to_string(r.slots, ','), coalesce(e.items, 0), array_to_string(e.slots, ','))
      AS example
  FROM redis_owned r
  FULL JOIN expected_owned e USING (user_id)
  WHERE NOT coalesce(r.is_valid, true)
     OR coalesce(r.slots, '{}') <> coalesce(e.slots, '{}')
     OR coalesce(cardinality(r.slots), 0) <> coalesce(e.items, 0)
),
purchase_diff AS (
  SELECT 3 AS kind, coalesce(r.code, p.code) AS sort_key,
    CASE
      WHEN p.code IS NULL THEN
        format('code %s: Redis has purchase %s (item %s, user %s)%s; Postgres does not', r.code, r.purchase_id,
               r.item, r.user_id,
               (SELECT format(', pending since %s ms ago', round($2::float8 - q.admitted_ms))
                FROM verify_redis_pending q WHERE q.code = r.code))
      WHEN r.code IS NULL THEN
        format('code %s: Postgres has purchase %s (item %s, user %s, slot %s); Redis does not', p.code,
               p.purchase_id, p.item, p.user_id, p.slot)
      ELSE
        format('code %s: Redis has %s, Postgres purchase %s|%s|%s|%s', p.code, r.entry, p.purchase_id, p.item,
               p.user_id, p.slot)
    END AS example
  FROM redis_purchase r
  FULL JOIN pg_purchase p ON p.code = r.code
  WHERE (p.code IS NULL AND NOT EXISTS (SELECT 1 FROM in_flight f WHERE f.code = r.code))
     OR r.code IS NULL
     OR (r.purchase_id, r.item, r.user_id, r.slot) IS DISTINCT FROM (p.purchase_id, p.item, p.user_id, p.slot)
),
orphan_pending AS (
  SELECT 4 AS kind, q.code AS sort_key,
    format('code %s: pending in Redis for %s ms with no purchase in Redis or Postgres', q.code,
           round($2::float8 - q.admitted_ms)) AS example
  FROM verify_redis_pending q
  WHERE q.admitted_ms <= $2::float8 - $4::float8
    AND NOT EXISTS (SELECT 1 FROM verify_redis_purchased r WHERE r.code = q.code)
    AND NOT EXISTS (SELECT 1 FROM pg_purchase p WHERE p.code = q.code)
),
redis_hold AS (
  SELECT h.item, h.code, coalesce(h.entry_user, '?') AS user_id, coalesce(d.deadline_ms, h.entry_expires_ms) AS deadline_ms
  FROM verify_redis_holds h
  LEFT JOIN verify_redis_deadlines d USING (item)
),
live_redis_hold AS (
  SELECT * FROM redis_hold WHERE deadline_ms IS NULL OR deadline_ms > $2::float8
),
pg_hold AS (
  SELECT DISTINCT ON (a.item_id) a.item_id::text AS item, a.code, a.user_id,
         (extract(epoch FROM a.expires_at) * 1000)::float8 AS expires_ms,
         (extract(epoch FROM a.attempted_at) * 1000)::float8 AS attempted_ms
  FROM checkout_attempts a
  WHERE a.sale_id = $1 AND a.outcome = 'ok' AND a.expires_at > to_timestamp($2::float8 / 1000)
    AND NOT EXISTS (SELECT 1 FROM purchases p WHERE p.code = a.code)
    AND NOT EXISTS (SELECT 1 FROM purchases p WHERE p.sale_id = $1 AND p.item_id = a.item_id)
    AND NOT EXISTS (SELECT 1 FROM verify_redis_purchased r WHERE r.code = a.code)
  ORDER BY a.item_id, a.expires_at DESC
),
hold_diff AS (
  SELECT 5 AS kind, h.item AS sort_key,
    CASE
      WHEN s.item IS NOT NULL THEN
        format('item %s: Redis holds it for user %s (code %s) although Redis sold it to user %s', h.item, h.user_id,
               h.code, s.user_id)
      WHEN a.code IS NULL THEN
        format('item %s: Redis holds it for user %s (code %s) but Postgres has no successful checkout with that code',
               h.item, h.user_id, h.code)
      ELSE
        format('item %s: Redis holds it for user %s (code %s) until %s; Postgres checkout of that code: item %s, user %s, until %s',
               h.item, h.user_id, h.code, coalesce(pg_temp.iso_ms(h.deadline_ms), 'no deadline'), a.item_id, a.user_id,
               pg_temp.iso(a.expires_at))
    END AS example
  FROM live_redis_hold h
  LEFT JOIN verify_redis_sold s ON s.item = h.item
  LEFT JOIN LATERAL (
    SELECT a.item_id, a.user_id, a.expires_at, a.code
    FROM checkout_attempts a
    WHERE a.code = h.code AND a.outcome = 'ok' AND a.sale_id = $1
    ORDER BY a.expires_at DESC
    LIMIT 1
  ) a ON true
  WHERE s.item IS NOT NULL
     OR (h.deadline_ms IS NULL OR h.deadline_ms - $5::float8 <= $2::float8 - $3::float8)
        AND (a.code IS NULL OR a.item_id::text <> h.item OR a.user_id <> h.user_id
             OR abs((extract(epoch FROM a.expires_at) * 1000)::float8 - h.deadline_ms) > 1)
  UNION ALL
  SELECT 6, g.item,
    format('item %s: Postgres records a hold by user %s (code %s) until %s that Redis does not hold', g.item,
           g.user_id, g.code, pg_temp.iso_ms(g.expires_ms))
  FROM pg_hold g
  WHERE g.attempted_ms <= $2::float8 - $3::float8
    AND g.expires_ms > $2::float8 + $3::float8 -- clearly live: a clock a little ahead may have released it
    AND NOT EXISTS (SELECT 1 FROM live_redis_hold h WHERE h.item = g.item AND h.code = g.code)
),
violation AS (
  SELECT * FROM sold_diff
  UNION ALL SELECT * FROM owned_diff
  UNION ALL SELECT * FROM purchase_diff
  UNION ALL SELECT * FROM orphan_pending
  UNION ALL SELECT * FROM hold_diff
)
SELECT
  (SELECT count(*) FROM verify_redis_sold)::int AS redis_sold,
  (SELECT count(*) FROM live_redis_hold)::int AS redis_held,
  (SELECT count(*) FROM verify_redis_pending)::int AS redis_pending,
  (SELECT count(*) FROM in_flight)::int AS in_flight,
  (SELECT count(DISTINCT item) FROM pg_purchase)::int AS pg_sold,
  (SELECT count(*) FROM pg_hold)::int AS pg_held,
  (SELECT count(DISTINCT user_id) FROM expected)::int AS buyers,
  (SELECT count(*) FROM violation)::int AS violations,
  ARRAY(SELECT example FROM violation ORDER BY kind, sort_key LIMIT 5) AS examples
