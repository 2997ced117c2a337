-- user-limit: no buyer owns more than the sale's user_limit ($2) items of sale $1.
WITH per_user AS (
  SELECT user_id, count(*) AS items, (array_agg(item_id ORDER BY item_id))[1:12] AS first_items
  FROM purchases
  WHERE sale_id = $1
  GROUP BY user_id
)
SELECT
  count(*)::int AS buyers,
  coalesce(max(items), 0)::int AS most_items,
  count(*) FILTER (WHERE items > $2)::int AS violations,
  ARRAY(
    SELECT format('user %s owns %s items of sale %s (limit %s): items %s%s', user_id, items, $1, $2,
                  array_to_string(first_items, ', '), CASE WHEN items > 12 THEN ', ...' ELSE '' END)
    FROM per_user WHERE items > $2
    ORDER BY items DESC, user_id
    LIMIT 5
  ) AS examples
FROM per_user
