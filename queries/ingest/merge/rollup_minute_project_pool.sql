-- The published rows of the touched buckets plus the pass's new ones, summed by minute x
-- project x pool x kind: matched money (fen, reversals included) and credits. With its bucket.
select minute, project_id, pool_id, kind, sum(matched_fen)::bigint as matched_fen,
       sum(credits)::bigint as credits, rollup_bucket(minute) as bucket
from (select minute, project_id, pool_id, kind, matched_fen, credits from old.rollup_minute_project_pool
      union all by name select * from delta.rollup_minute_project_pool)
group by minute, project_id, pool_id, kind
