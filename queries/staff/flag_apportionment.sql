-- One row per (project, amount, window) where many donors gave the same amount to one
-- project within $window_minutes: the pattern of a workplace told to give 50 yuan each
-- (摊派). Evidence: donors, gifts, the amount (fen), its share of the project's gifts in the
-- window, and the window. Donor keys are pseudonymous.
-- param: window_minutes type=int default=30
-- param: min_donors type=int default=20
-- param: min_amount_fen type=int default=2000
-- param: min_share default=0.25
with windows as (
    select project_id, amount_fen, donor_key,
           to_timestamp((epoch_us(donated_at) // ($window_minutes * 60000000)) * $window_minutes * 60) as window_start
    from donations
),
per_amount as (
    select project_id, window_start, amount_fen, count(*) as gifts, count(distinct donor_key) as donors
    from windows group by all
),
per_window as (select project_id, window_start, sum(gifts) as all_gifts from per_amount group by all)
select 'apportionment' as detector, a.project_id, a.window_start,
       a.window_start + to_minutes($window_minutes) as window_end, a.amount_fen, a.donors, a.gifts,
       round(a.gifts / w.all_gifts, 3) as share_of_window
from per_amount a join per_window w using (project_id, window_start)
where a.donors >= $min_donors and a.amount_fen >= $min_amount_fen and a.gifts / w.all_gifts >= $min_share::double
order by a.donors desc, a.project_id
