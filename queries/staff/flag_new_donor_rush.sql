-- One row per (project, window) whose gifts came almost all from brand-new donors: at least
-- $min_gifts gifts in $window_minutes, and at least $min_share of the window's donors gave
-- for the first time ever in that same window, well above the share of new donors across
-- the whole event in that window (so the event's first hour, when everyone is new, is not a
-- flag). Evidence: gifts, donors, new donors, share, and the event-wide share.
-- param: window_minutes type=int default=30
-- param: min_gifts type=int default=30
-- param: min_share default=0.95
with first_seen as (select donor_key, min(donated_at) as first_at from donations group by donor_key),
gifts as (
    select d.project_id, d.donor_key,
           to_timestamp((epoch_us(d.donated_at) // ($window_minutes * 60000000)) * $window_minutes * 60) as window_start,
           to_timestamp((epoch_us(f.first_at) // ($window_minutes * 60000000)) * $window_minutes * 60) as first_window
    from donations d join first_seen f using (donor_key)
),
per_window as (
    select project_id, window_start, count(*) as gifts, count(distinct donor_key) as donors,
           count(distinct donor_key) filter (where first_window = window_start) as new_donors
    from gifts group by all
),
event_wide as (
    select window_start, count(distinct donor_key) filter (where first_window = window_start)
                         / count(distinct donor_key) as event_new_share
    from gifts group by window_start
)
select 'new_donor_rush' as detector, project_id, window_start,
       window_start + to_minutes($window_minutes) as window_end, gifts, donors, new_donors,
       round(new_donors / donors, 3) as new_share, round(event_new_share, 3) as event_new_share
from per_window join event_wide using (window_start)
where gifts >= $min_gifts and new_donors / donors >= $min_share::double
  and new_donors / donors >= event_new_share + 0.25
order by gifts desc, project_id
