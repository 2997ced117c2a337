-- attempts-persisted: every checkout the ledger saw answered (not 400, not 5xx; the loader kept
-- only those) has a checkout_attempts row of sale $1 with the same request id, user, item and
-- outcome (200 ok with its code, 403 user_limit, 409 sold_out or item_held as answered).
-- A line without a sale id (refusals carry none) belongs to this sale unless its request id is
-- stored only under other sales. $2: a label per ledger file, for the examples.
WITH matched AS (
  SELECT l.line_id,
    count(a.attempt_id) AS stored_anywhere,
    count(a.attempt_id) FILTER (WHERE a.sale_id = $1) AS stored_in_sale,
    coalesce(bool_or(
      a.sale_id = $1
      AND a.outcome = coalesce(
        CASE l.status
          WHEN 200 THEN 'ok'
          WHEN 403 THEN 'user_limit'
          WHEN 409 THEN CASE WHEN l.error IN ('sold_out', 'item_held') THEN l.error END
        END, a.outcome)
      AND a.user_id IS NOT DISTINCT FROM l.user_id
      AND a.item_id IS NOT DISTINCT FROM l.item_id
      AND (a.outcome <> 'ok' OR a.code IS NOT DISTINCT FROM l.code)
    ), false) AS agrees,
    min(format('%s for user %s, item %s%s', a.outcome, a.user_id, a.item_id, ', code ' || a.code))
      FILTER (WHERE a.sale_id = $1) AS stored_as
  FROM verify_ledger l
  LEFT JOIN checkout_attempts a ON a.request_id = l.request_id
  WHERE l.endpoint = 'checkout'
  GROUP BY l.line_id
),
judged AS (
  SELECT l.*, m.stored_in_sale, m.agrees, m.stored_as,
    format('request %s (%s:%s, checkout by user %s of item %s, answered %s%s%s)',
           l.request_id, ($2::text[])[l.file_index + 1], l.line_number, l.user_id, l.item_id, l.status,
           ' ' || l.error, ', code ' || l.code) AS request
  FROM matched m
  JOIN verify_ledger l USING (line_id)
  WHERE l.sale_id = $1 OR m.stored_anywhere = 0 OR m.stored_in_sale > 0
),
violation AS (
  SELECT line_id,
    CASE WHEN stored_in_sale = 0 THEN format('%s: no checkout_attempts row', request)
         ELSE format('%s: stored as %s', request, stored_as)
    END AS example
  FROM judged
  WHERE stored_in_sale = 0 OR NOT agrees
)
SELECT
  (SELECT count(*) FROM matched)::int AS lines,
  (SELECT count(*) FROM judged)::int AS checked,
  (SELECT count(*) FROM judged WHERE stored_in_sale = 0)::int AS missing,
  (SELECT count(*) FROM judged WHERE stored_in_sale > 0 AND NOT agrees)::int AS differing,
  ARRAY(SELECT example FROM violation ORDER BY line_id LIMIT 5) AS examples
