-- One row per match-fund pool of the event, by pool_id.
-- matched_fen = money the pool has paid out (sum of its ledger entries, reversals
-- included); remaining_fen = budget_fen - matched_fen. Integer fen. A pool's budget is
-- event reference data (event.toml); for a pool paid in daily shares see the match-funds page.
with paid as (
    select pool_id, sum(matched_fen)::bigint as matched_fen, sum(credits)::bigint as credits
    from rollup_minute_pool group by pool_id
)
select p.pool_id, p.name, p.budget_fen, coalesce(paid.matched_fen, 0)::bigint as matched_fen,
       (p.budget_fen - coalesce(paid.matched_fen, 0))::bigint as remaining_fen,
       coalesce(paid.credits, 0)::bigint as credits, p.name_en, p.sponsor
from event_pools p left join paid using (pool_id)
order by p.pool_id
