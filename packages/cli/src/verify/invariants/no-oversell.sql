-- no-oversell: no item of sale $1 is sold twice, and no purchase is of an item outside 0..size-1
-- ($2), so the sale never sells more than its size.
WITH per_item AS (
  SELECT item_id, count(*) AS purchases,
         string_agg(format('purchase %s to user %s', purchase_id, user_id), ', ' ORDER BY purchased_at) AS buyers
  FROM purchases
  WHERE sale_id = $1
  GROUP BY item_id
),
violation AS (
  SELECT item_id, format('item %s of sale %s sold %s times: %s', item_id, $1, purchases, buyers) AS example
  FROM per_item WHERE purchases > 1
  UNION ALL
  SELECT item_id, format('item %s is not in sale %s (items 0..%s): %s', item_id, $1, $2 - 1, buyers)
  FROM per_item WHERE item_id < 0 OR item_id >= $2
)
SELECT
  (SELECT coalesce(sum(purchases), 0) FROM per_item)::int AS purchases,
  (SELECT count(*) FROM per_item)::int AS items_sold,
  (SELECT count(*) FROM violation)::int AS violations,
  ARRAY(SELECT example FROM violation ORDER BY item_id LIMIT 5) AS examples
