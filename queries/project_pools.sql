-- One row per pool x kind that paid project $project, or the projects in $projects together
-- (comma-separated project_ids): matched money (fen, reversals included), credits and how
-- many of the projects it paid, with the pool's names, largest first.
-- param: project
-- param: projects type=list
with chosen as (select unnest(coalesce($projects, [$project])) as project_id)
select r.pool_id, p.name as pool_name, p.name_en as pool_name_en, r.kind,
       sum(r.matched_fen)::bigint as matched_fen, sum(r.credits)::bigint as credits,
       count(distinct r.project_id) as projects
from rollup_project_pool r semi join chosen using (project_id) join event_pools p using (pool_id)
group by all
order by matched_fen desc, r.pool_id, r.kind
