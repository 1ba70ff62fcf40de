-- The published minute rows plus the pass's: public and matched money (fen), gifts, and the
-- register's change of first-time donors (their cumulative sum is the donor count). With
-- its bucket.
select minute, coalesce(sum(public_fen), 0)::bigint as public_fen,
       coalesce(sum(matched_fen), 0)::bigint as matched_fen,
       coalesce(sum(donations), 0)::bigint as donations, coalesce(sum(new_donors), 0)::bigint as new_donors,
       rollup_bucket(minute) as bucket
from (select * from old.rollup_minute
      union all by name
      select minute, sum(public_fen) as public_fen, sum(donations) as donations
      from delta.rollup_minute_project_channel group by minute
      union all by name
      select minute, sum(matched_fen) as matched_fen from delta.rollup_minute_pool group by minute
      union all by name
      select minute, new_donors from delta.minute_new_donors)
group by minute
order by minute
