-- One row per rollup bucket that the pass's new rows fall in (see rollup_bucket.sql).
select distinct rollup_bucket(minute) as bucket
from (select minute from delta.rollup_minute_project_channel
      union all select minute from delta.rollup_minute_project_pool
      union all select minute from delta.rollup_minute_project_donors)
order by bucket
