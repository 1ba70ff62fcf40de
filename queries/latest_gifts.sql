-- One row per gift among the latest 20 of project $project, newest first: time, amount
-- (fen), channel and the masked nickname (first character and *, or 爱心网友). No raw
-- nickname and no donor key: masking happens once, at ingest.
-- param: project
select donated_at, amount_fen, channel, donor_display
from rollup_latest_gifts where project_id = $project
order by donated_at desc
