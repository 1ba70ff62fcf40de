-- One row per minute with any money: public and matched money (fen), gifts, and donors
-- seen for the first time in that minute (their cumulative sum is the donor count).
-- Reads donor_project_first (materialised before this query).
with gifts as (
    select date_trunc('minute', donated_at) as minute, sum(amount_fen)::bigint as public_fen,
           count(*) as donations
    from donations group by 1
),
first_seen as (
    select date_trunc('minute', min(first_at)) as minute from donor_project_first group by donor_key
),
new_donors as (select minute, count(*) as new_donors from first_seen group by 1),
matched as (
    select date_trunc('minute', matched_at) as minute, sum(amount_fen)::bigint as matched_fen
    from matches group by 1
)
select minute, coalesce(public_fen, 0) as public_fen, coalesce(matched_fen, 0) as matched_fen,
       coalesce(donations, 0) as donations, coalesce(new_donors, 0) as new_donors
from gifts full outer join matched using (minute) full outer join new_donors using (minute)
order by minute
