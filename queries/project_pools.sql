-- One row per pool x kind that paid project $project: matched money (fen, reversals
-- included) and credits, with the pool's names, largest first.
-- param: project
select r.pool_id, p.name as pool_name, p.name_en as pool_name_en, r.kind, r.matched_fen, r.credits
from rollup_project_pool r join event_pools p using (pool_id)
where r.project_id = $project
order by r.matched_fen desc, r.pool_id, r.kind
