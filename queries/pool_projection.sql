-- One row per pool: what is left now and, at the recent pace, when it runs out.
-- left_fen = for a pool paid in daily shares, today's share minus today's payments (before
-- the share opens: the whole share); otherwise budget - all payments. burn_fen_per_min_10,
-- _30 and _60 = payments per minute over the last 10, 30 and 60 minutes before as_of.
-- minutes_left = left_fen / the 30-minute pace; minutes_left_low and _high use the faster
-- and slower of the 10- and 60-minute paces (the uncertainty band). Null when nothing is
-- being paid. opens_at, closes_at: today's opening and closing time of a daily share (null for
-- other pools). runs_out_at = as_of + minutes_left. lasts = the money outlasts what is left of
-- its time (today's share past closes_at, another pool past the event's end) or nothing is
-- being paid: screens then say "enough for today" / "enough to the end", never a date past it.
with now as (select as_of from rollup_totals),
ends as (select ends_at from event_info),
today as (select s.* from event_pool_shares s, now where s.day = cast(now.as_of as date)),
paid_total as (select pool_id, sum(matched_fen) as fen from rollup_minute_pool group by pool_id),
paid_today as (
    select t.pool_id, sum(m.matched_fen) as fen
    from today t join rollup_minute_pool m on m.pool_id = t.pool_id and m.minute >= t.opens_at and m.minute < t.closes_at
    group by t.pool_id
),
pace as (
    select m.pool_id,
           sum(m.matched_fen) filter (where m.minute >= now.as_of - interval 10 minute) / 10.0 as pace_10,
           sum(m.matched_fen) filter (where m.minute >= now.as_of - interval 30 minute) / 30.0 as pace_30,
           sum(m.matched_fen) filter (where m.minute >= now.as_of - interval 60 minute) / 60.0 as pace_60
    from rollup_minute_pool m, now group by m.pool_id
),
left_now as (
    select p.pool_id, p.name, p.name_en, p.budget_fen, t.share_fen, t.opens_at, t.closes_at,
           case when t.pool_id is not null then t.share_fen - coalesce(pt.fen, 0)
                else p.budget_fen - coalesce(pa.fen, 0) end::bigint as left_fen
    from event_pools p left join today t using (pool_id)
    left join paid_today pt using (pool_id) left join paid_total pa using (pool_id)
),
projected as (
    select l.*, pace.pace_10, pace.pace_30, pace.pace_60,
           case when pace_30 > 0 then round(greatest(l.left_fen, 0) / pace_30) end::bigint as minutes_left
    from left_now l left join pace using (pool_id)
)
select pool_id, name, name_en, budget_fen, share_fen, opens_at, left_fen,
       round(coalesce(pace_10, 0)) ::bigint as burn_fen_per_min_10,
       round(coalesce(pace_30, 0))::bigint as burn_fen_per_min_30,
       round(coalesce(pace_60, 0))::bigint as burn_fen_per_min_60,
       minutes_left,
       case when greatest(pace_10, pace_60) > 0 then round(greatest(left_fen, 0) / greatest(pace_10, pace_60)) end::bigint
           as minutes_left_low,
       case when least(pace_10, pace_60) > 0 then round(greatest(left_fen, 0) / least(pace_10, pace_60)) end::bigint
           as minutes_left_high,
       (select as_of from now) as as_of, closes_at,
       runs_out_at, coalesce(runs_out_at >= coalesce(closes_at, (select ends_at from ends)), true) as lasts
from (select *, case when minutes_left is not null  -- least() would ignore a null
                     then (select as_of from now) + to_minutes(least(minutes_left, 100000000)) end as runs_out_at
      from projected)
order by pool_id
