-- One row: raised so far (fen) and the reversed match money (fen, negative) of a version,
-- with its headline figures (public and matched money in fen, gifts, donors, as_of) for the
-- compact history. Comparing two versions tells whether a published total fell, and by how
-- much through reversals. Reads rollup_totals and rollup_minute_pool.
select t.public_fen + t.matched_fen as raised_fen,
       (select coalesce(sum(reversed_fen), 0)::bigint from rollup_minute_pool) as reversed_fen,
       t.public_fen, t.matched_fen, t.donations, t.donors, t.as_of
from rollup_totals t
