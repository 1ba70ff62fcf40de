-- The published project x pool x kind rows plus the pass's new matches, summed: matched
-- money (fen, reversals included) and credits.
select project_id, pool_id, kind, sum(matched_fen)::bigint as matched_fen, sum(credits)::bigint as credits
from (select * from old.rollup_project_pool
      union all by name
      select project_id, pool_id, kind, matched_fen, credits from delta.rollup_minute_project_pool)
group by project_id, pool_id, kind
