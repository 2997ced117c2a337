-- The sale to verify: the one asked for ($1), or with $1 null the newest sale that has started
-- by $2 (epoch ms). The service opens the next sale shortly before it starts; that one is skipped.
SELECT sale_id::text,
       (extract(epoch FROM starts_at) * 1000)::float8 AS starts_ms,
       (extract(epoch FROM ends_at) * 1000)::float8 AS ends_ms,
       size, user_limit, hold_ttl_ms
FROM sales
WHERE CASE WHEN $1::int8 IS NULL THEN starts_at <= to_timestamp($2::float8 / 1000) ELSE sale_id = $1::int8 END
ORDER BY sale_id DESC
LIMIT 1
