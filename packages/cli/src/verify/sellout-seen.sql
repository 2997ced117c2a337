-- How many distinct items of sale $1 the ledger saw sold: items whose purchase it saw acknowledged
-- (its code's checkout row names the item), and items a checkout of this sale was refused as
-- sold_out (the refusal's row, found by the attempt id the service answered with, names the sale).
-- verify_ledger holds the ledger lines kept for this sale (ledger-table.ts).
SELECT count(DISTINCT item_id)::int AS items_seen_sold
FROM (
  SELECT a.item_id
  FROM verify_ledger l JOIN checkout_attempts a ON a.code = l.code
  WHERE l.endpoint = 'purchase' AND l.status = 200 AND a.sale_id = $1 AND a.outcome = 'ok'
  UNION ALL
  SELECT a.item_id
  FROM verify_ledger l JOIN checkout_attempts a ON a.attempt_id = l.attempt_id
  WHERE l.endpoint = 'checkout' AND l.error = 'sold_out' AND a.sale_id = $1
) AS seen
