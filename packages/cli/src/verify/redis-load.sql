-- Loads a snapshot of one sale's Redis state into the verify_redis_* tables in one statement.
-- $1,$2 sold item, user; $3,$4,$5 holds item, code, codes[code]; $6,$7 deadlines item, ms;
-- $8,$9 owned user, mask; $10,$11 held user, count; $12,$13 pending code, ms;
-- $14,$15 purchased code, entry.
WITH sold AS (
  INSERT INTO verify_redis_sold SELECT * FROM unnest($1::text[], $2::text[])
), holds AS (
  INSERT INTO verify_redis_holds SELECT * FROM unnest($3::text[], $4::text[], $5::text[])
), deadlines AS (
  INSERT INTO verify_redis_deadlines SELECT * FROM unnest($6::text[], $7::float8[])
), owned AS (
  INSERT INTO verify_redis_owned SELECT * FROM unnest($8::text[], $9::text[])
), held AS (
  INSERT INTO verify_redis_held SELECT * FROM unnest($10::text[], $11::text[])
), pending AS (
  INSERT INTO verify_redis_pending SELECT * FROM unnest($12::text[], $13::float8[])
)
INSERT INTO verify_redis_purchased SELECT * FROM unnest($14::text[], $15::text[])
