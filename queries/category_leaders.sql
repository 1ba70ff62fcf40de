-- One row per project among the $top (default 3) leading projects of each category, by
-- money raised (public + matched, integer fen), in the event's category order then place.
-- param: top default=3 type=int
with ranked as (
    select p.category, p.project_id, p.name,
           (coalesce(r.public_fen, 0) + coalesce(r.matched_fen, 0))::bigint as raised_fen,
           row_number() over (partition by p.category
                              order by coalesce(r.public_fen, 0) + coalesce(r.matched_fen, 0) desc, p.project_id) as place
    from projects p left join rollup_project r using (project_id)
)
select c.category, c.name as category_name, c.name_en as category_name_en, c.colour, r.place,
       r.project_id, r.name, r.raised_fen
from ranked r join event_categories c using (category)
where r.place <= $top
order by c.display_order, r.place
