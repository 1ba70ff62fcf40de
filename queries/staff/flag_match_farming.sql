-- One row per (donor, project, window) with a burst of minimum gifts: one pseudonymous donor
-- giving $gift_fen again and again to one project within $window_minutes, which collects a
-- random match each time (刷单). Evidence: gifts, matched money those gifts drew (fen).
-- param: window_minutes type=int default=30
-- param: min_gifts type=int default=10
-- param: gift_fen type=int default=100
with bursts as (
    select donor_key, project_id,
           to_timestamp((epoch_us(donated_at) // ($window_minutes * 60000000)) * $window_minutes * 60) as window_start,
           count(*) as gifts, list(donation_id) as donation_ids
    from donations where amount_fen = $gift_fen group by all
    having count(*) >= $min_gifts
),
drawn as (
    select b.donor_key, b.project_id, b.window_start, coalesce(sum(m.amount_fen), 0)::bigint as matched_fen
    from bursts b left join matches m on m.donation_id in (select unnest(b.donation_ids))
    group by all
)
select 'match_farming' as detector, b.project_id, b.donor_key, b.window_start,
       b.window_start + to_minutes($window_minutes) as window_end, b.gifts, d.matched_fen
from bursts b join drawn d using (donor_key, project_id, window_start)
order by b.gifts desc, b.project_id
