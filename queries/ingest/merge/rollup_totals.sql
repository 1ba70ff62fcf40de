-- One row: the whole published ledger after the pass, from the merged rollup_minute and
-- rollup_minute_pool: money (fen), gifts, distinct donors (each is new in exactly one minute),
-- match credits, and as_of = the newest gift or match time (the published one or the pass's).
select coalesce(sum(public_fen), 0)::bigint as public_fen,
       coalesce(sum(matched_fen), 0)::bigint as matched_fen,
       coalesce(sum(donations), 0)::bigint as donations,
       coalesce(sum(new_donors), 0)::bigint as donors,
       (select coalesce(sum(credits), 0)::bigint from rollup_minute_pool) as match_credits,
       (select max(moment) from (select as_of as moment from old.rollup_totals
                                 union all select max(donated_at) from donations
                                 union all select max(matched_at) from matches)) as as_of
from rollup_minute
