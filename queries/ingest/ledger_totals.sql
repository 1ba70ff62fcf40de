-- One row: raised so far (fen) and the reversed match money (fen, negative) of a version.
-- Comparing two versions tells whether a published total fell, and by how much through
-- reversals. Reads rollup_totals and rollup_minute_pool.
select (select public_fen + matched_fen from rollup_totals) as raised_fen,
       (select coalesce(sum(reversed_fen), 0)::bigint from rollup_minute_pool) as reversed_fen,
       (select as_of from rollup_totals) as as_of
