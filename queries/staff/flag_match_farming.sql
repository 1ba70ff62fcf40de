-- One row per burst of minimum gifts ($gift_fen, 1 yuan) to one project within one
-- $window_minutes window that collects a random match each time (刷单), in two shapes:
-- who = 'donors': at least $min_gifts such gifts from at most $max_donors pseudonymous donors
-- (donor_key = the one who gave most of them); who = 'invite_chain': at least
-- $chain_min_gifts such gifts from the friends one inviter brought (donor_key = the inviter).
-- Evidence: gifts, donors, the donors' keys (up to 10), matched money those gifts drew (fen).
-- param: window_minutes type=int default=30
-- param: min_gifts type=int default=10
-- param: max_donors type=int default=3
-- param: chain_min_gifts type=int default=10
-- param: gift_fen type=int default=100
with minimal as (
    select donation_id, donor_key, inviter_key, project_id,
           to_timestamp((epoch_us(donated_at) // ($window_minutes * 60000000)) * $window_minutes * 60) as window_start
    from donations where amount_fen = $gift_fen
),
by_donors as (
    select 'donors' as who, project_id, window_start, mode(donor_key) as donor_key, count(*) as gifts,
           count(distinct donor_key) as donors, list(distinct donor_key order by donor_key)[1:10] as donor_keys,
           list(donation_id) as donation_ids
    from minimal group by project_id, window_start
    having count(*) >= $min_gifts and count(distinct donor_key) <= $max_donors
),
by_chain as (
    select 'invite_chain' as who, project_id, window_start, inviter_key as donor_key, count(*) as gifts,
           count(distinct donor_key) as donors, list(distinct donor_key order by donor_key)[1:10] as donor_keys,
           list(donation_id) as donation_ids
    from minimal where inviter_key is not null group by project_id, window_start, inviter_key
    having count(*) >= $chain_min_gifts
),
bursts as (select * from by_donors union all select * from by_chain),
drawn as (
    select b.who, b.project_id, b.window_start, b.donor_key, coalesce(sum(m.amount_fen), 0)::bigint as matched_fen
    from bursts b left join matches m on m.donation_id in (select unnest(b.donation_ids))
    group by all
)
select 'match_farming' as detector, b.who, b.project_id, b.donor_key, b.window_start,
       b.window_start + to_minutes($window_minutes) as window_end, b.gifts, b.donors, b.donor_keys, d.matched_fen
from bursts b join drawn d using (who, project_id, window_start, donor_key)
order by b.gifts desc, b.project_id, b.who
