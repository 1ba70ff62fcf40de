-- The published rows of the touched buckets plus the pass's new ones (delta), summed by
-- minute x project x channel; first/last gift time by min/max. Fen. With its bucket.
select minute, project_id, channel, sum(public_fen)::bigint as public_fen,
       sum(donations)::bigint as donations, min(first_gift_at) as first_gift_at,
       max(last_gift_at) as last_gift_at, rollup_bucket(minute) as bucket
from (select minute, project_id, channel, public_fen, donations, first_gift_at, last_gift_at
      from old.rollup_minute_project_channel
      union all by name select * from delta.rollup_minute_project_channel)
group by minute, project_id, channel
