-- The published minute x pool x kind rows plus the pass's new ones, summed: matched money
-- (fen), credits, reversals (count and fen) and participants. With its bucket.
select minute, pool_id, kind, sum(matched_fen)::bigint as matched_fen, sum(credits)::bigint as credits,
       sum(reversals)::bigint as reversals, sum(reversed_fen)::bigint as reversed_fen,
       sum(participants)::bigint as participants, rollup_bucket(minute) as bucket
from (select * from old.rollup_minute_pool union all by name select * from delta.rollup_minute_pool)
group by minute, pool_id, kind
