-- One row per minute whose count of first-time donors a pass changes: +1 where a donor is
-- new, and for a donor whose first gift moved earlier, +1 at the new minute and -1 at the
-- old one. Added to rollup_minute.new_donors, it keeps the distinct donor count exact.
select to_timestamp(minute_number::bigint * 60) as minute, sum(change)::bigint as new_donors
from (select new_minute as minute_number, 1 as change from donor_moves
      union all
      select old_minute, -1 from donor_moves where old_minute is not null)
group by minute_number
having sum(change) <> 0
