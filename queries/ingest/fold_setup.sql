-- The pass's DuckDB connection: schemas for the pass's rollups (delta) and the published ones
-- it folds into (old), and the time bucket of a minute rollup row: two-hour slices of epoch
-- time. Each bucket of a minute x project rollup is its own Delta partition, so a pass
-- rewrites only the buckets its rows fall in (usually the current one), never the rest.
create schema if not exists delta;
create schema if not exists old;
create or replace macro rollup_bucket(minute) as (epoch_us(minute) // 7200000000)::integer;
