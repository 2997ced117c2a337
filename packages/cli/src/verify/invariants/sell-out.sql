-- sell-out: how much of sale $1 (size $2) sold, which items did not, and whether any unsold item
-- is still held: by a successful checkout whose hold lasts past $3 - $4 (now minus the grace, ms).
WITH unsold AS (
  SELECT i AS item_id
  FROM generate_series(0, $2::int - 1) AS i
  WHERE NOT EXISTS (SELECT 1 FROM purchases p WHERE p.sale_id = $1 AND p.item_id = i)
),
held AS (
  SELECT count(DISTINCT a.item_id)::int AS items, max(a.expires_at) AS until
  FROM checkout_attempts a
  JOIN unsold u ON u.item_id = a.item_id
  WHERE a.sale_id = $1 AND a.outcome = 'ok' AND a.expires_at > to_timestamp(($3::float8 - $4::float8) / 1000)
)
SELECT
  ($2::int - (SELECT count(*) FROM unsold))::int AS sold,
  (SELECT count(*) FROM unsold)::int AS unsold,
  held.items AS held,
  pg_temp.iso(held.until) AS held_until,
  ARRAY(
    SELECT format('item %s of sale %s unsold: %s', u.item_id, $1,
                  CASE WHEN h.code IS NULL THEN 'never checked out successfully'
                       ELSE format('last checked out by user %s (code %s), hold until %s', h.user_id, h.code,
                                   pg_temp.iso(h.expires_at))
                  END)
    FROM (SELECT item_id FROM unsold ORDER BY item_id LIMIT 5) u
    LEFT JOIN LATERAL (
      SELECT a.user_id, a.code, a.expires_at
      FROM checkout_attempts a
      WHERE a.sale_id = $1 AND a.outcome = 'ok' AND a.item_id = u.item_id
      ORDER BY a.expires_at DESC
      LIMIT 1
    ) h ON true
    ORDER BY u.item_id
  ) AS examples
FROM held
