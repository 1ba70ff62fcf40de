-- One row per pool x event day for pools paid in daily shares (Tencent: one share a day,
-- opening at opens_at). matched_fen = paid that day (reversals included), remaining_fen =
-- share - matched, ran_out_at = the minute the day's payments reached the share (within
-- 1 yuan), null while money is left. Integer fen; times event-local.
with daily as (
    select s.pool_id, s.day, s.share_fen, s.opens_at, s.closes_at,
           m.minute, sum(m.matched_fen) over (partition by s.pool_id, s.day order by m.minute) as running_fen,
           m.matched_fen
    from event_pool_shares s
    left join rollup_minute_pool m on m.pool_id = s.pool_id and m.minute >= s.opens_at and m.minute < s.closes_at
)
select pool_id, day, share_fen, opens_at, coalesce(sum(matched_fen), 0)::bigint as matched_fen,
       (share_fen - coalesce(sum(matched_fen), 0))::bigint as remaining_fen,
       min(minute) filter (where running_fen >= share_fen - 100) as ran_out_at
from daily
group by pool_id, day, share_fen, opens_at
order by pool_id, day
