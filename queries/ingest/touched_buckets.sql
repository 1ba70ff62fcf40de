-- One row per rollup bucket (see fold_setup.sql) that the pass changes: where its new rows
-- fall, and where the register moves a donor's first gift away from (a late file).
select distinct rollup_bucket(minute) as bucket
from (select minute from delta.rollup_minute_project_channel
      union all select minute from delta.rollup_minute_project_pool
      union all select minute from delta.rollup_minute_project_donors
      union all select minute from delta.rollup_minute_pool
      union all select minute from delta.minute_new_donors)
order by bucket
