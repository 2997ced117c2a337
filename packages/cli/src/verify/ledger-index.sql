-- After the load: the lookups the ledger invariants make, and statistics so the planner joins
-- millions of lines by hash rather than by loop.
CREATE INDEX ON verify_ledger (request_id);
CREATE INDEX ON verify_ledger (code) WHERE code IS NOT NULL;
ANALYZE verify_ledger
