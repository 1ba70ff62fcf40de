-- One row per minute with any money: public and matched money (fen), gifts, and donors
-- seen for the first time in that minute (their cumulative sum is the donor count).
-- Reads rollup_minute_project_channel and rollup_minute_pool (materialised before this).
with gifts as (
    select minute, sum(public_fen)::bigint as public_fen, sum(donations)::bigint as donations
    from rollup_minute_project_channel group by minute
),
first_seen as (
    select min(epoch_us(donated_at)) // 60000000 as minute_number from donations group by donor_key
),
new_donors as (
    select to_timestamp(minute_number * 60) as minute, count(*) as new_donors from first_seen group by all
),
matched as (
    select minute, sum(matched_fen)::bigint as matched_fen from rollup_minute_pool group by minute
)
select minute, coalesce(public_fen, 0) as public_fen, coalesce(matched_fen, 0) as matched_fen,
       coalesce(donations, 0) as donations, coalesce(new_donors, 0) as new_donors
from gifts full outer join matched using (minute) full outer join new_donors using (minute)
order by minute
