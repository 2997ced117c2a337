-- checkout_attempts keeps the indexes a query needs, and no more: each one costs every checkout
-- a WAL record and a random page (measured with EXPLAIN (ANALYZE, WAL) of 10,000-row inserts
-- into 200,000 rows: all four 5 records, ~550 bytes a row; primary key and code 3 records, ~375).
--   kept: the primary key (attempt_id: the ledger's x-attempt-id joins on it, a retried batch
--         skips its stored rows by it) and the code index (a purchase's checkout found by its
--         code: verify's provenance and redis-agrees, one lookup per purchase or hold).
--   dropped: request_id (verify reaches rows by attempt id; a ledger without attempt ids is
--         matched by a hash join, which reads the table once anyway) and (sale_id, outcome)
--         (the sale-wide reads of a rebuild and of verify read most of the table: a scan).
DROP INDEX IF EXISTS checkout_attempts_request;
DROP INDEX IF EXISTS checkout_attempts_sale;
