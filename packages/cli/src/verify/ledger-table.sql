-- The ledger lines verify matches against Postgres, one row per request line that matters for
-- the sale (see ledger-table.ts for which). Loaded with COPY, indexed after the load.
CREATE TEMP TABLE verify_ledger (
  line_id     int8 PRIMARY KEY,
  file_index  int4 NOT NULL,
  line_number int8 NOT NULL,
  request_id  text NOT NULL,
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
