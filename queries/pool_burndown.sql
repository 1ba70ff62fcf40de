-- One row per pool x time bucket ($grain: minute or hour) with ledger entries, in order:
-- matched_fen paid in the bucket (reversals included), cumulative_matched_fen and
-- remaining_fen = budget - cumulative, both as at the end of the bucket. Integer fen.
-- For pools paid in daily shares see pool_daily_shares.
-- param: grain default=minute choices=minute|hour
with paid as (
    select pool_id, date_trunc($grain, minute) as bucket_start, sum(matched_fen)::bigint as matched_fen
    from rollup_minute_pool group by all
)
select p.pool_id, p.name, p.name_en, a.bucket_start, a.matched_fen,
       (sum(a.matched_fen) over (partition by p.pool_id order by a.bucket_start))::bigint as cumulative_matched_fen,
       (p.budget_fen - sum(a.matched_fen) over (partition by p.pool_id order by a.bucket_start))::bigint
           as remaining_fen,
       p.budget_fen
from paid a join event_pools p using (pool_id)
order by p.pool_id, a.bucket_start
