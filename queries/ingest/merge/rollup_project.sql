-- One row per project that received any money: the published sums plus the pass's (fen),
-- gifts, distinct donors (plus the register's changes), first and last gift time, and
-- momentum_fen = money raised in the hour before as_of, read from the minute x project
-- rollups of the whole event (only their last hour is scanned).
with hour_ago as (select date_trunc('minute', as_of - interval 1 hour) as since from rollup_totals),
delta_gifts as (
    select project_id, sum(public_fen) as public_fen, sum(donations) as donations,
           min(first_gift_at) as first_gift_at, max(last_gift_at) as last_gift_at
    from delta.rollup_minute_project_channel group by project_id
),
delta_matched as (
    select project_id, sum(matched_fen) as matched_fen from delta.rollup_minute_project_pool group by project_id
),
delta_donors as (
    select project_id, sum(new_project_donors) as donors from delta.rollup_minute_project_donors group by project_id
),
sums as (
    select project_id, sum(public_fen) as public_fen, sum(matched_fen) as matched_fen,
           sum(donations) as donations, sum(donors) as donors,
           min(first_gift_at) as first_gift_at, max(last_gift_at) as last_gift_at
    from (select project_id, public_fen, matched_fen, donations, donors, first_gift_at, last_gift_at
          from old.rollup_project
          union all by name select * from delta_gifts
          union all by name select * from delta_matched
          union all by name select * from delta_donors)
    group by project_id
),
recent_public as (
    select project_id, sum(public_fen) as fen from rollup_minute_project_channel
    where minute >= (select since from hour_ago) group by project_id
),
recent_matched as (
    select project_id, sum(matched_fen) as fen from rollup_minute_project_pool
    where minute >= (select since from hour_ago) group by project_id
)
select s.project_id, coalesce(s.public_fen, 0)::bigint as public_fen,
       coalesce(s.matched_fen, 0)::bigint as matched_fen, coalesce(s.donations, 0)::bigint as donations,
       coalesce(s.donors, 0)::bigint as donors, s.first_gift_at, s.last_gift_at,
       (coalesce(rp.fen, 0) + coalesce(rm.fen, 0))::bigint as momentum_fen
from sums s left join recent_public rp using (project_id) left join recent_matched rm using (project_id)
