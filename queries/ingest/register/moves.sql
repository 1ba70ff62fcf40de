-- The register's changes for the gifts in `donations` (the rows a pass publishes): a donor
-- (or project-donor pair) not in the register yet, or whose first gift is earlier than the
-- register knew (a late file). new_minute / old_minute are minute numbers since the epoch;
-- old_minute is null for a donor never seen before.
create or replace table donor_moves as
with pass as (
    select md5_number(donor_key) as k, (min(epoch_us(donated_at)) // 60000000)::integer as minute_number
    from donations group by donor_key
)
select p.k, p.minute_number as new_minute, r.first_minute as old_minute
from pass p left join register.donors r using (k)
where r.first_minute is null or p.minute_number < r.first_minute;
create or replace table pair_moves as
with pass as (
    select md5_number(project_id || chr(31) || donor_key) as k, project_id,
           (min(epoch_us(donated_at)) // 60000000)::integer as minute_number
    from donations group by project_id, donor_key
)
select p.k, p.project_id, p.minute_number as new_minute, r.first_minute as old_minute
from pass p left join register.project_donors r using (k)
where r.first_minute is null or p.minute_number < r.first_minute;
