-- attempts-persisted: every checkout the ledger saw answered (not 400, not 5xx; the loader kept
-- only those) has a checkout_attempts row of sale $1 with the same request id, user, item and
-- outcome (200 ok with its code, 403 user_limit, 409 sold_out or item_held as answered).
-- A line without a sale id (refusals carry none) belongs to this sale unless its request id is
-- stored only under other sales. $2: a label per ledger file, for the examples.
-- One hash join and one pass over its result; only the examples are formatted.
WITH matched AS MATERIALIZED (
  SELECT l.line_id,
    l.sale_id = $1 OR count(a.attempt_id) = 0 OR count(a.attempt_id) FILTER (WHERE a.sale_id = $1) > 0
      AS is_in_scope,
    count(a.attempt_id) FILTER (WHERE a.sale_id = $1) = 0 AS is_missing,
    NOT coalesce(bool_or(
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
    ), false) AS is_disagreeing
  FROM verify_ledger l
  LEFT JOIN checkout_attempts a ON a.request_id = l.request_id
  WHERE l.endpoint = 'checkout'
  GROUP BY l.line_id, l.sale_id
),
totals AS (
  SELECT count(*) AS lines,
         count(*) FILTER (WHERE is_in_scope) AS checked,
         count(*) FILTER (WHERE is_in_scope AND is_missing) AS missing,
         count(*) FILTER (WHERE is_in_scope AND NOT is_missing AND is_disagreeing) AS differing
  FROM matched
),
first_violations AS (
  SELECT line_id, is_missing FROM matched
  WHERE is_in_scope AND (is_missing OR is_disagreeing)
  ORDER BY line_id
  LIMIT 5
)
SELECT lines::int, checked::int, missing::int, differing::int,
  ARRAY(
    SELECT format('request %s (%s:%s, checkout by user %s of item %s, answered %s%s%s): %s',
                  l.request_id, ($2::text[])[l.file_index + 1], l.line_number, l.user_id, l.item_id, l.status,
                  ' ' || l.error, ', code ' || l.code,
                  CASE WHEN v.is_missing THEN 'no checkout_attempts row' ELSE 'stored as ' || stored.as_text END)
    FROM first_violations v
    JOIN verify_ledger l USING (line_id)
    LEFT JOIN LATERAL (
      SELECT string_agg(format('%s for user %s, item %s%s', a.outcome, a.user_id, a.item_id, ', code ' || a.code), '; ')
               AS as_text
      FROM checkout_attempts a
      WHERE a.request_id = l.request_id AND a.sale_id = $1
    ) stored ON true
    ORDER BY v.line_id
  ) AS examples
FROM totals
