-- Set up once per verification session, before any temp table is touched.
-- Bigger buffers keep a ledger of millions of lines in memory for the joins.
SET temp_buffers = '256MB';
SET work_mem = '256MB';
-- The comparisons are short; compiling them (JIT) took longer than running them.
SET jit = off;
-- Times in examples read as ISO 8601 UTC, from a timestamp or from epoch milliseconds.
CREATE FUNCTION pg_temp.iso(t timestamptz) RETURNS text LANGUAGE sql IMMUTABLE
  RETURN to_char(t AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"');
CREATE FUNCTION pg_temp.iso_ms(ms float8) RETURNS text LANGUAGE sql IMMUTABLE
  RETURN to_char(to_timestamp(ms / 1000) AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')
