-- One row per minute x project whose count of first-time project donors a pass changes (as
-- minute_new_donors, per project): the delta of rollup_minute_project_donors.
select to_timestamp(minute_number::bigint * 60) as minute, project_id,
       sum(change)::bigint as new_project_donors
from (select new_minute as minute_number, project_id, 1 as change from pair_moves
      union all
      select old_minute, project_id, -1 from pair_moves where old_minute is not null)
group by minute_number, project_id
having sum(change) <> 0
