-- provenance: every purchase of sale $1 comes from a persisted successful checkout of the same
-- sale, user, item and code, and was made before that hold expired (purchased_at <= expires_at).
-- Purchases the reconciler rolled forward (request_id 'reconciler') carry the time of the roll-
-- forward, not of the admission, so only their checkout is checked, not their time.
WITH judged AS (
  SELECT p.purchase_id, p.item_id, p.user_id, p.code, p.request_id, p.purchased_at,
         issued.expires_at, issued.issued_for
  FROM purchases p
  -- Looked up by code alone, the one index that always fits, whatever the statistics say.
  LEFT JOIN LATERAL (
    SELECT max(a.expires_at) FILTER (WHERE a.sale_id = p.sale_id AND a.user_id = p.user_id AND a.item_id = p.item_id)
             AS expires_at,
           min(format('item %s to user %s in sale %s', a.item_id, a.user_id, a.sale_id)) AS issued_for
    FROM checkout_attempts a
    WHERE a.code = p.code AND a.outcome = 'ok'
  ) issued ON true
  WHERE p.sale_id = $1
),
violation AS (
  SELECT purchased_at,
    CASE
      WHEN issued_for IS NULL THEN
        format('purchase %s (sale %s, item %s, user %s, code %s, request %s): no successful checkout issued its code',
               purchase_id, $1, item_id, user_id, code, request_id)
      WHEN expires_at IS NULL THEN
        format('purchase %s (sale %s, item %s, user %s, code %s): its code was issued for %s',
               purchase_id, $1, item_id, user_id, code, issued_for)
      ELSE
        format('purchase %s (item %s, user %s, code %s, request %s) made at %s, %s ms after its hold expired at %s',
               purchase_id, item_id, user_id, code, request_id,
               pg_temp.iso(purchased_at),
               round(extract(epoch FROM purchased_at - expires_at) * 1000),
               pg_temp.iso(expires_at))
    END AS example
  FROM judged
  WHERE expires_at IS NULL OR (request_id <> 'reconciler' AND purchased_at > expires_at)
)
SELECT
  (SELECT count(*) FROM judged)::int AS purchases,
  (SELECT count(*) FROM judged WHERE request_id = 'reconciler')::int AS rolled_forward,
  (SELECT count(*) FROM violation)::int AS violations,
  ARRAY(SELECT example FROM violation ORDER BY purchased_at LIMIT 5) AS examples
