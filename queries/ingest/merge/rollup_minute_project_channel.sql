-- The published rows of the touched buckets plus the pass's new ones (delta), summed by
-- minute x project x channel: public money (fen) and gifts. With its bucket. (The first and
-- last gift times of the delta go to rollup_project only: kept here, these microsecond
-- times were most of the bytes a pass rewrites.)
select minute, project_id, channel, sum(public_fen)::bigint as public_fen,
       sum(donations)::bigint as donations, rollup_bucket(minute) as bucket
from (select minute, project_id, channel, public_fen, donations from old.rollup_minute_project_channel
      union all
      select minute, project_id, channel, public_fen, donations from delta.rollup_minute_project_channel)
group by minute, project_id, channel
