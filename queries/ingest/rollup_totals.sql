-- One row: the whole published ledger, from rollup_minute and rollup_minute_pool
-- (materialised before this query). public/matched money in fen, gifts, distinct donors
-- (each donor is new in exactly one minute), and as_of = the newest gift or match time.
select coalesce(sum(public_fen), 0)::bigint as public_fen,
       coalesce(sum(matched_fen), 0)::bigint as matched_fen,
       coalesce(sum(donations), 0)::bigint as donations,
       coalesce(sum(new_donors), 0)::bigint as donors,
       (select coalesce(sum(credits), 0)::bigint from rollup_minute_pool) as match_credits,
       greatest((select max(donated_at) from donations), (select max(matched_at) from matches)) as as_of
from rollup_minute
