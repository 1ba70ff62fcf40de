-- One row per time bucket ($grain: hour or minute) with money for project $project, or for
-- the projects in $projects together (comma-separated project_ids: an organisation's or a
-- district's): public_fen, matched_fen (reversals included), donations,
-- cumulative_raised_fen. Fen.
-- param: project
-- param: projects type=list
-- param: grain default=hour choices=minute|hour
with chosen as (select unnest(coalesce($projects, [$project])) as project_id),
public as (
    select date_trunc($grain, minute) as bucket_start, sum(public_fen) as public_fen, sum(donations) as donations
    from rollup_minute_project_channel semi join chosen using (project_id) group by 1
),
matched as (
    select date_trunc($grain, minute) as bucket_start, sum(matched_fen) as matched_fen
    from rollup_minute_project_pool semi join chosen using (project_id) group by 1
)
select bucket_start, coalesce(public_fen, 0)::bigint as public_fen, coalesce(matched_fen, 0)::bigint as matched_fen,
       coalesce(donations, 0)::bigint as donations,
       (sum(coalesce(public_fen, 0) + coalesce(matched_fen, 0)) over (order by bucket_start))::bigint
           as cumulative_raised_fen
from public full outer join matched using (bucket_start)
order by bucket_start
