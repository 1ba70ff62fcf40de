-- One row per minute x project x channel with gifts: public money (fen), gifts, and the
-- donors whose first gift to that project fell in this minute and channel (summing them
-- over a project gives its distinct donors). Reads donor_project_first.
with new_donors as (
    select date_trunc('minute', first_at) as minute, project_id, channel, count(*) as new_project_donors
    from donor_project_first group by all
),
gifts as (
    select date_trunc('minute', donated_at) as minute, project_id, channel,
           sum(amount_fen)::bigint as public_fen, count(*) as donations
    from donations group by all
)
select minute, project_id, channel, public_fen, donations,
       coalesce(new_project_donors, 0) as new_project_donors
from gifts left join new_donors using (minute, project_id, channel)
