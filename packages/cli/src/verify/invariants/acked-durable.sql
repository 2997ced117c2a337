-- acked-durable: for the purchases the ledger saw (of sale $1 or of no known sale), every code
-- acknowledged with a 200 has its purchase row (with the purchase id the client was given), no
-- purchase row carries the request id of a request the client saw definitively rejected, and no
-- code the ledger only ever saw rejected has a row. Codes whose requests were indeterminate
-- (5xx, timeout, reset) and that turned out to purchase are "recovered", not violations.
-- Acknowledged purchases are matched by code (unique per purchase), so a request id a client used
-- twice cannot hide a lost one. A row whose request id a rejected request carries is blamed on it
-- only when no other request with that id and the row's code could have made it (clients may
-- repeat a request id).
-- $2: a label per ledger file, for the examples.
WITH lines AS (
  SELECT * FROM verify_ledger WHERE endpoint = 'purchase'
),
per_code AS (
  SELECT code,
    bool_or(outcome = 'ok') AS is_acked,
    bool_or(outcome = 'indeterminate') AS is_uncertain,
    min(line_id) FILTER (WHERE outcome = 'ok') AS acked_line,
    min(line_id) AS first_line
  FROM lines
  WHERE code IS NOT NULL
  GROUP BY code
),
with_row AS (
  SELECT c.*, p.purchase_id::text AS row_purchase_id, p.request_id AS row_request_id
  FROM per_code c
  LEFT JOIN purchases p ON p.code = c.code AND p.sale_id = $1
),
rejected_rows AS (
  SELECT p.purchase_id, p.code, p.item_id, p.user_id, l.request_id, l.status, l.error, l.file_index,
         l.line_number, l.line_id
  FROM purchases p
  JOIN lines l ON l.request_id = p.request_id AND l.outcome = 'fail'
  WHERE p.sale_id = $1
    AND NOT EXISTS (
      SELECT 1 FROM lines made
      WHERE made.request_id = p.request_id AND made.code = p.code AND made.outcome <> 'fail'
    )
),
violation AS (
  SELECT l.line_id,
    CASE WHEN w.row_purchase_id IS NULL
      THEN format('code %s: purchase %s acknowledged (200) to request %s (%s:%s) is not in purchases',
                  w.code, l.purchase_id, l.request_id, ($2::text[])[l.file_index + 1], l.line_number)
      ELSE format('code %s: request %s (%s:%s) was acknowledged purchase %s, but the row is purchase %s',
                  w.code, l.request_id, ($2::text[])[l.file_index + 1], l.line_number, l.purchase_id,
                  w.row_purchase_id)
    END AS example
  FROM with_row w
  JOIN lines l ON l.line_id = w.acked_line
  WHERE w.is_acked
    AND (w.row_purchase_id IS NULL OR lower(l.purchase_id) IS DISTINCT FROM w.row_purchase_id)
    AND (w.row_purchase_id IS NULL OR l.purchase_id IS NOT NULL)
  UNION ALL
  SELECT line_id,
    format('purchase %s (item %s, user %s, code %s) has request id %s (%s:%s), which the client saw rejected: %s%s',
           purchase_id, item_id, user_id, code, request_id, ($2::text[])[file_index + 1], line_number,
           coalesce(status::text, 'never sent'), ' ' || error)
  FROM rejected_rows
  UNION ALL
  SELECT w.first_line,
    format('code %s has purchase %s (request %s) although every request for it in the ledger was rejected',
           w.code, w.row_purchase_id, w.row_request_id)
  FROM with_row w
  WHERE NOT w.is_acked AND NOT w.is_uncertain AND w.row_purchase_id IS NOT NULL
    AND NOT EXISTS (SELECT 1 FROM rejected_rows r WHERE r.code = w.code)
)
SELECT
  (SELECT count(*) FROM lines)::int AS lines,
  (SELECT count(*) FROM per_code)::int AS codes,
  (SELECT count(*) FROM per_code WHERE is_acked)::int AS acked,
  (SELECT count(*) FROM with_row WHERE row_purchase_id IS NOT NULL)::int AS rows,
  (SELECT count(*) FROM per_code WHERE is_uncertain AND NOT is_acked)::int AS uncertain,
  (SELECT count(*) FROM with_row WHERE is_uncertain AND NOT is_acked AND row_purchase_id IS NOT NULL)::int
    AS recovered,
  (SELECT count(*) FROM violation)::int AS violations,
  ARRAY(SELECT example FROM violation ORDER BY line_id LIMIT 5) AS examples
