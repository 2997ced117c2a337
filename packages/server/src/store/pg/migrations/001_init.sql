-- The durable record of every sale. Its constraints alone reject a second sale of one item,
-- a code redeemed twice and more than user_limit items for one buyer, whatever Redis says.

CREATE TABLE sales (
  sale_id     bigint      PRIMARY KEY,
  starts_at   timestamptz NOT NULL,
  ends_at     timestamptz NOT NULL,
  size        integer     NOT NULL CHECK (size > 0),
  user_limit  integer     NOT NULL CHECK (user_limit > 0),
  hold_ttl_ms integer     NOT NULL CHECK (hold_ttl_ms > 0),
  opened_at   timestamptz NOT NULL DEFAULT now(),
  CHECK (ends_at > starts_at)
);

CREATE TABLE items (
  sale_id   bigint  NOT NULL REFERENCES sales,
  item_id   integer NOT NULL CHECK (item_id >= 0),
  name      text    NOT NULL,
  image_url text    NOT NULL,
  PRIMARY KEY (sale_id, item_id)
);

-- The purchase slots 1..user_limit of a sale. A purchase takes one slot of its buyer, so the
-- foreign key plus UNIQUE (sale_id, user_id, slot) cap every buyer at user_limit items.
CREATE TABLE sale_slots (
  sale_id bigint  NOT NULL REFERENCES sales,
  slot    integer NOT NULL CHECK (slot >= 1),
  PRIMARY KEY (sale_id, slot)
);

-- Every checkout attempt, admitted or refused, written before its answer is sent.
CREATE TABLE checkout_attempts (
  attempt_id   uuid        PRIMARY KEY,
  request_id   text        NOT NULL,
  sale_id      bigint      NOT NULL,
  user_id      text        NOT NULL,
  item_id      integer     NOT NULL,
  outcome      text        NOT NULL CHECK (outcome IN ('ok', 'sold_out', 'item_held', 'user_limit')),
  code         text,
  expires_at   timestamptz,
  attempted_at timestamptz NOT NULL,
  CHECK ((outcome = 'ok') = (code IS NOT NULL AND expires_at IS NOT NULL))
);
CREATE INDEX checkout_attempts_request ON checkout_attempts (request_id);
CREATE INDEX checkout_attempts_code ON checkout_attempts (code) WHERE code IS NOT NULL;
CREATE INDEX checkout_attempts_sale ON checkout_attempts (sale_id, outcome);

CREATE TABLE purchases (
  purchase_id     uuid        PRIMARY KEY,
  sale_id         bigint      NOT NULL,
  item_id         integer     NOT NULL,
  user_id         text        NOT NULL,
  slot            integer     NOT NULL,
  code            text        NOT NULL UNIQUE,
  request_id      text        NOT NULL,
  hold_expires_at timestamptz NOT NULL,
  purchased_at    timestamptz NOT NULL,
  UNIQUE (sale_id, item_id),
  UNIQUE (sale_id, user_id, slot),
  FOREIGN KEY (sale_id, item_id) REFERENCES items,
  FOREIGN KEY (sale_id, slot) REFERENCES sale_slots
);
CREATE INDEX purchases_request ON purchases (request_id);
