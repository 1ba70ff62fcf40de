-- One row per project whose raised money (public + matched, reversals included) has reached
-- its target_fen: reached_at = the first minute at which the running total was at or above
-- the target. Reads the minute x project rollups of the projects at or above target now.
with reached as (
    select project_id from rollup_project r join projects p using (project_id)
    where r.public_fen + r.matched_fen >= p.target_fen
),
money as (
    select project_id, minute, public_fen as fen from rollup_minute_project_channel semi join reached using (project_id)
    union all
    select project_id, minute, matched_fen from rollup_minute_project_pool semi join reached using (project_id)
),
per_minute as (select project_id, minute, sum(fen) as fen from money group by all),
running as (
    select project_id, minute, sum(fen) over (partition by project_id order by minute) as raised_fen
    from per_minute
)
select r.project_id, min(r.minute) as reached_at
from running r join projects p using (project_id)
where r.raised_fen >= p.target_fen
group by r.project_id
order by r.project_id
