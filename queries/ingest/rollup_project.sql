-- One row per project that received any money: public and matched money (fen), gifts,
-- distinct donors, the first and last gift time, and momentum_fen = money raised in the hour
-- before as_of. Matched money includes reversals.
-- Reads rollup_minute_project_channel, rollup_minute_project_donors,
-- rollup_minute_project_pool and rollup_totals (materialised before this query).
with hour_ago as (select date_trunc('minute', as_of - interval 1 hour) as since from rollup_totals),
gifts as (
    select project_id, sum(public_fen)::bigint as public_fen, sum(donations)::bigint as donations,
           min(first_gift_at) as first_gift_at, max(last_gift_at) as last_gift_at,
           sum(public_fen) filter (where minute >= (select since from hour_ago))::bigint as recent_public
    from rollup_minute_project_channel group by project_id
),
donors as (
    select project_id, sum(new_project_donors)::bigint as donors
    from rollup_minute_project_donors group by project_id
),
matched as (
    select project_id, sum(matched_fen)::bigint as matched_fen,
           sum(matched_fen) filter (where minute >= (select since from hour_ago))::bigint as recent_matched
    from rollup_minute_project_pool group by project_id
)
select project_id, coalesce(g.public_fen, 0) as public_fen, coalesce(m.matched_fen, 0) as matched_fen,
       coalesce(g.donations, 0) as donations, coalesce(d.donors, 0) as donors,
       g.first_gift_at, g.last_gift_at,
       (coalesce(g.recent_public, 0) + coalesce(m.recent_matched, 0))::bigint as momentum_fen
from gifts g full outer join matched m using (project_id) left join donors d using (project_id)
