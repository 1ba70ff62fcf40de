-- One row per time bucket with any money ($grain: minute or hour, event-local), in order.
-- public_fen and matched_fen (reversals included) in the bucket, integer fen; donations =
-- gifts in the bucket; cumulative_raised_fen = raised up to the end of the bucket.
-- Buckets without activity are omitted (the curve is flat there).
-- param: grain default=hour choices=minute|hour
select date_trunc($grain, minute) as bucket_start,
       sum(public_fen)::bigint as public_fen, sum(matched_fen)::bigint as matched_fen,
       sum(donations)::bigint as donations,
       (sum(sum(public_fen + matched_fen)) over (order by date_trunc($grain, minute)))::bigint
           as cumulative_raised_fen,
       sum(new_donors)::bigint as new_donors
from rollup_minute
group by 1
order by 1
