-- attempts-persisted: every checkout the ledger saw answered (not 400 or 408, not 5xx; the loader kept
-- only those) has a checkout_attempts row of sale $1 with the same user, item and outcome (200 ok
-- with its code, 403 user_limit, 409 sold_out or item_held as answered).
-- A line is matched by the attempt id the service answered with (x-attempt-id), which is unique.
-- A line without one (an older simulator's ledger, another client) falls back to its request id,
-- which the client chose: a request id that maps to several rows of the sale, or that several
-- such lines share, is ambiguous (one row could stand for another's lost write), a violation.
-- A line without a sale id (refusals carry none) belongs to this sale unless its row is stored
-- only under other sales. $2: a label per ledger file, for the examples.
-- Hash joins and one pass over their result; only the examples are formatted.
WITH lines AS MATERIALIZED (
  SELECT * FROM verify_ledger WHERE endpoint = 'checkout'
),
shared_request_ids AS (
  SELECT request_id, count(*) AS lines FROM lines WHERE attempt_id IS NULL GROUP BY request_id
),
candidates AS (
  SELECT l.line_id, a.attempt_id, a.sale_id, a.outcome, a.user_id, a.item_id, a.code
  FROM lines l JOIN checkout_attempts a ON a.attempt_id = l.attempt_id
  UNION ALL
  SELECT l.line_id, a.attempt_id, a.sale_id, a.outcome, a.user_id, a.item_id, a.code
  FROM lines l JOIN checkout_attempts a ON a.request_id = l.request_id
  WHERE l.attempt_id IS NULL
),
matched AS MATERIALIZED (
  SELECT l.line_id,
    l.attempt_id IS NOT NULL AS is_by_attempt,
    coalesce(l.sale_id = $1, false) OR count(c.attempt_id) = 0
      OR count(c.attempt_id) FILTER (WHERE c.sale_id = $1) > 0 AS is_in_scope,
    count(c.attempt_id) FILTER (WHERE c.sale_id = $1) = 0 AS is_missing,
    l.attempt_id IS NULL
      AND (count(c.attempt_id) FILTER (WHERE c.sale_id = $1) > 1 OR max(s.lines) > 1) AS is_ambiguous,
    count(c.attempt_id) FILTER (WHERE c.sale_id = $1) AS rows_in_sale,
    max(s.lines) AS lines_sharing,
    NOT coalesce(bool_or(
      c.sale_id = $1
      AND c.outcome = coalesce(
        CASE l.status
          WHEN 200 THEN 'ok'
          WHEN 403 THEN 'user_limit'
          WHEN 409 THEN CASE WHEN l.error IN ('sold_out', 'item_held') THEN l.error END
        END, c.outcome)
      AND c.user_id IS NOT DISTINCT FROM l.user_id
      AND c.item_id IS NOT DISTINCT FROM l.item_id
      AND (c.outcome <> 'ok' OR c.code IS NOT DISTINCT FROM l.code)
    ), false) AS is_disagreeing
  FROM lines l
  LEFT JOIN candidates c USING (line_id)
  LEFT JOIN shared_request_ids s ON l.attempt_id IS NULL AND s.request_id = l.request_id
  GROUP BY l.line_id, l.sale_id, l.attempt_id
),
judged AS (
  SELECT *,
    CASE
      WHEN NOT is_in_scope THEN NULL
      WHEN is_missing THEN 'missing'
      WHEN is_ambiguous THEN 'ambiguous'
      WHEN is_disagreeing THEN 'differing'
    END AS violation
  FROM matched
),
totals AS (
  SELECT count(*) AS lines,
         count(*) FILTER (WHERE is_in_scope) AS checked,
         count(*) FILTER (WHERE is_in_scope AND is_by_attempt) AS by_attempt,
         count(*) FILTER (WHERE violation = 'missing') AS missing,
         count(*) FILTER (WHERE violation = 'ambiguous') AS ambiguous,
         count(*) FILTER (WHERE violation = 'differing') AS differing
  FROM judged
),
first_violations AS (
  SELECT line_id, violation, rows_in_sale, lines_sharing FROM judged
  WHERE violation IS NOT NULL
  ORDER BY line_id
  LIMIT 5
)
SELECT lines::int, checked::int, by_attempt::int, missing::int, ambiguous::int, differing::int,
  ARRAY(
    SELECT format('request %s%s (%s:%s, checkout by user %s of item %s, answered %s%s%s): %s',
                  l.request_id, ', attempt ' || l.attempt_id, ($2::text[])[l.file_index + 1], l.line_number,
                  l.user_id, l.item_id, l.status, ' ' || l.error, ', code ' || l.code,
                  CASE v.violation
                    WHEN 'missing' THEN 'no checkout_attempts row'
                    WHEN 'ambiguous' THEN format(
                      'ambiguous: the request id has %s rows in this sale and %s such ledger lines, and the line has no attempt id to tell them apart',
                      v.rows_in_sale, v.lines_sharing)
                    ELSE 'stored as ' || stored.as_text
                  END)
    FROM first_violations v
    JOIN verify_ledger l USING (line_id)
    LEFT JOIN LATERAL (
      SELECT string_agg(format('%s for user %s, item %s%s', a.outcome, a.user_id, a.item_id, ', code ' || a.code), '; ')
               AS as_text
      FROM checkout_attempts a
      WHERE a.sale_id = $1
        AND (a.attempt_id = l.attempt_id OR (l.attempt_id IS NULL AND a.request_id = l.request_id))
    ) stored ON true
    ORDER BY v.line_id
  ) AS examples
FROM totals
