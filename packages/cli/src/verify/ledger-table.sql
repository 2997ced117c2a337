-- The ledger lines verify matches against Postgres, one row per request line that matters for
-- the sale (see ledger-table.ts for which). Loaded with COPY and never looked up row by row: the
-- invariants join it by hash, so it has no index to maintain (line_id is unique by construction).
CREATE TEMP TABLE verify_ledger (
  line_id     int8 NOT NULL,
  file_index  int4 NOT NULL,
  line_number int8 NOT NULL,
  request_id  text NOT NULL,
  attempt_id  uuid,
  endpoint    text NOT NULL,
  sale_id     int8,
  user_id     text,
  item_id     int8,
  code        text,
  purchase_id text,
  status      int4,
  error       text,
  outcome     text NOT NULL
)
