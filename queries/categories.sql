-- One row per category of the event, in the event's display order, zeros included.
-- raised_fen = public_fen + matched_fen of the category's projects (matched includes
-- reversals), integer fen; donations = gifts; projects = projects in the snapshot.
-- colour: the category's colour on every chart.
with per_category as (
    select p.category, count(*) as projects,
           sum(coalesce(r.public_fen, 0))::bigint as public_fen,
           sum(coalesce(r.matched_fen, 0))::bigint as matched_fen,
           sum(coalesce(r.donations, 0))::bigint as donations
    from projects p left join rollup_project r using (project_id)
    group by p.category
)
select c.category, c.name, coalesce(pc.public_fen + pc.matched_fen, 0)::bigint as raised_fen,
       coalesce(pc.public_fen, 0)::bigint as public_fen, coalesce(pc.matched_fen, 0)::bigint as matched_fen,
       coalesce(pc.donations, 0)::bigint as donations, coalesce(pc.projects, 0)::bigint as projects,
       c.name_en, c.colour
from event_categories c left join per_category pc using (category)
order by c.display_order
