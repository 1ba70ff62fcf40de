-- One row per minute x project in which donors gave to the project for the first time:
-- new_project_donors. Summed over a project it is the project's distinct donors, exactly.
with first_gift as (
    select project_id, min(epoch_us(donated_at)) // 60000000 as minute_number
    from donations group by project_id, donor_key
)
select to_timestamp(minute_number * 60) as minute, project_id, count(*)::bigint as new_project_donors
from first_gift group by all
