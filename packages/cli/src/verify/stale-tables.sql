-- The service's tables whose planner statistics are missing or stale: right after a run,
-- autovacuum has often not analyzed them yet, and plans made for a nearly empty table would
-- join a million rows by nested loop. Same rule as autovacuum's (10% changed), sooner.
SELECT relname
FROM pg_stat_user_tables
WHERE schemaname = current_schema()
  AND relname IN ('purchases', 'checkout_attempts')
  AND (coalesce(last_analyze, last_autoanalyze) IS NULL OR n_mod_since_analyze > 0.1 * greatest(n_live_tup, 1000))
