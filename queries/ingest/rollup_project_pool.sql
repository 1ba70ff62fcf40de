-- One row per project x pool x kind: matched money (fen, reversals included) and credits.
-- Reads rollup_minute_project_pool (materialised before this query).
select project_id, pool_id, kind, sum(matched_fen)::bigint as matched_fen, sum(credits)::bigint as credits
from rollup_minute_project_pool group by all
