-- One row per project that received any money: public and matched money (fen), gifts,
-- distinct donors, and the first and last gift time. Matched money includes reversals.
-- Reads rollup_minute_project_channel, rollup_minute_project_donors and rollup_project_pool
-- (materialised before this query).
with gifts as (
    select project_id, sum(public_fen)::bigint as public_fen, sum(donations)::bigint as donations,
           min(first_gift_at) as first_gift_at, max(last_gift_at) as last_gift_at
    from rollup_minute_project_channel group by project_id
),
donors as (
    select project_id, sum(new_project_donors)::bigint as donors
    from rollup_minute_project_donors group by project_id
),
matched as (
    select project_id, sum(matched_fen)::bigint as matched_fen from rollup_project_pool group by project_id
)
select project_id, coalesce(g.public_fen, 0) as public_fen, coalesce(m.matched_fen, 0) as matched_fen,
       coalesce(g.donations, 0) as donations, coalesce(d.donors, 0) as donors,
       g.first_gift_at, g.last_gift_at
from gifts g full outer join matched m using (project_id) left join donors d using (project_id)
