-- One row per gift among the $top (default 20) newest of the whole event, newest first:
-- time, amount (fen), the project's name and the masked nickname (first character and *,
-- or 爱心网友). Read from the per-project lists masked at ingest.
-- param: top default=20 type=int
select g.donated_at, g.amount_fen, g.donor_display, g.project_id, p.name as project_name
from rollup_latest_gifts g join projects p using (project_id)
order by g.donated_at desc, g.project_id
limit $top
