-- The last round figure the published total reached: the newest version whose raised total
-- (fen) reached a multiple of $every that no earlier version had reached, the multiple
-- (level_fen) and when that version was published. No row when the total never passed one
-- after the first version (the first only sets the starting point), or when $every is 0.
-- The big screens put it on air for a few seconds after published_at: every replica and
-- every restarted kiosk agrees, because it is a fact of the versions, not of who saw what.
-- param: every type=int default=0
with ordered as (
    select version, published_at, raised_fen,
           max(raised_fen) over (order by version rows between unbounded preceding and 1 preceding) as before_fen
    from history
)
select version, published_at, raised_fen // $every * $every as level_fen
from ordered
where $every > 0 and before_fen is not null and raised_fen // $every > before_fen // $every
order by version desc
limit 1
