-- One row per district of the event's region (all of them, zeros included), by adcode.
-- A project counts for the district that benefits (projects.district_adcode); city-level
-- projects (the region's own adcode) are in no district. raised_fen = public + matched
-- (reversals included), integer fen; donations = gifts; projects = projects in the snapshot.
-- raised_per_10k_residents_fen uses the 2020 census population. rank = place by raised_fen
-- (1.., ties by adcode), for the district leaderboard.
with per_district as (
    select p.district_adcode, count(*) as projects,
           sum(coalesce(r.public_fen + r.matched_fen, 0))::bigint as raised_fen,
           sum(coalesce(r.public_fen, 0))::bigint as public_fen,
           sum(coalesce(r.donations, 0))::bigint as donations
    from projects p left join rollup_project r using (project_id)
    group by p.district_adcode
)
select d.district_adcode, d.name, coalesce(pd.raised_fen, 0) as raised_fen,
       coalesce(pd.donations, 0) as donations, coalesce(pd.projects, 0) as projects,
       coalesce(pd.public_fen, 0) as public_fen, d.name_en, d.population,
       (coalesce(pd.raised_fen, 0) * 10000 // d.population)::bigint as raised_per_10k_residents_fen,
       row_number() over (order by coalesce(pd.raised_fen, 0) desc, d.district_adcode) as rank
from event_districts d left join per_district pd using (district_adcode)
order by d.district_adcode
