-- The published rows of the touched buckets plus the register's changes, summed by minute x
-- project; a minute whose first-time donors all moved earlier (late files) drops out, as it
-- would in a computation from scratch. With its bucket.
select minute, project_id, sum(new_project_donors)::bigint as new_project_donors,
       rollup_bucket(minute) as bucket
from (select minute, project_id, new_project_donors from old.rollup_minute_project_donors
      union all by name select * from delta.rollup_minute_project_donors)
group by minute, project_id
having sum(new_project_donors) <> 0
