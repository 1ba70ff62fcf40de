-- One row: the pace of giving at as_of. gifts_per_minute = gifts in the 10 minutes before
-- as_of divided by 10; raised_today_fen = money raised (public + matched, integer fen) since
-- the start of as_of's event-local day; raised_last_hour_fen = the same over the last hour.
with now as (select as_of from rollup_totals)
select (select as_of from now) as as_of,
       round(coalesce(sum(donations) filter (where minute >= (select as_of from now) - interval 10 minute), 0) / 10.0, 1)
           as gifts_per_minute,
       coalesce(sum(public_fen + matched_fen) filter (where minute >= date_trunc('day', (select as_of from now))), 0)::bigint
           as raised_today_fen,
       coalesce(sum(public_fen + matched_fen) filter (where minute >= (select as_of from now) - interval 1 hour), 0)::bigint
           as raised_last_hour_fen
from rollup_minute
