-- Loads a decoded snapshot of one sale's Redis state into the verify_redis_* tables in one statement.
-- $1,$2 sold item, user; $3..$8 holds item, code, codes[code], its item, user, expires (ms);
-- $9,$10 deadlines item, ms; $11,$12,$13 owned user, mask, is valid; $14,$15 owned slots user, slot;
-- $16,$17 held user, count; $18,$19 pending code, ms; $20..$25 purchased code, entry, purchase id,
-- item, user, slot.
WITH sold AS (
  INSERT INTO verify_redis_sold SELECT * FROM unnest($1::text[], $2::text[])
), holds AS (
  INSERT INTO verify_redis_holds
  SELECT * FROM unnest($3::text[], $4::text[], $5::text[], $6::int8[], $7::text[], $8::float8[])
), deadlines AS (
  INSERT INTO verify_redis_deadlines SELECT * FROM unnest($9::text[], $10::float8[])
), owned AS (
  INSERT INTO verify_redis_owned SELECT * FROM unnest($11::text[], $12::text[], $13::boolean[])
), owned_slots AS (
  INSERT INTO verify_redis_owned_slots SELECT * FROM unnest($14::text[], $15::int4[])
), held AS (
  INSERT INTO verify_redis_held SELECT * FROM unnest($16::text[], $17::text[])
), pending AS (
  INSERT INTO verify_redis_pending SELECT * FROM unnest($18::text[], $19::float8[])
)
INSERT INTO verify_redis_purchased
SELECT * FROM unnest($20::text[], $21::text[], $22::text[], $23::int8[], $24::text[], $25::int8[])
