-- One row per project of the newest snapshot that passes the filters ($category, $district,
-- $search: part of the project's or its organisation's name, case-insensitive; $project:
-- one project_id; $org: one org_id; all optional).
-- Money in integer fen: raised = public + matched (reversals included). momentum_fen =
-- raised in the hour before as_of; rank = place by raised among all projects (1..),
-- rank_hour_ago = the same an hour before as_of, rank_change = rank_hour_ago - rank
-- (positive: moved up). pct_of_target = raised / target x 100. donors_under_3 marks
-- projects with 1-2 donors, whose donor count pages do not show. Order: $sort (raised,
-- public, matched, donations, donors, pct = pct_of_target, momentum) descending, nulls last,
-- then project_id; the default is rank order.
-- param: category
-- param: district type=int
-- param: search
-- param: project
-- param: org
-- param: sort default=raised choices=raised|public|matched|donations|donors|pct|momentum
with money as (
    select p.project_id, coalesce(r.public_fen, 0)::bigint as public_fen,
           coalesce(r.matched_fen, 0)::bigint as matched_fen, coalesce(r.donations, 0)::bigint as donations,
           coalesce(r.donors, 0)::bigint as donors, coalesce(r.momentum_fen, 0)::bigint as momentum_fen,
           r.last_gift_at
    from projects p left join rollup_project r using (project_id)
),
ranked as (
    select *, public_fen + matched_fen as raised_fen,
           row_number() over (order by public_fen + matched_fen desc, project_id) as rank,
           row_number() over (order by public_fen + matched_fen - momentum_fen desc, project_id) as rank_hour_ago
    from money
)
select r.rank, p.project_id, p.name, p.org_id, o.name as org_name, p.category, c.name as category_name,
       c.name_en as category_name_en, c.colour, p.district_adcode,
       coalesce(d.name, (select region_level from event_info)) as district_name,
       coalesce(d.name_en, (select region_level_en from event_info)) as district_name_en,
       p.target_fen, r.raised_fen, r.public_fen, r.matched_fen, r.donations, r.donors,
       round(r.raised_fen * 100.0 / p.target_fen, 1) as pct_of_target, r.momentum_fen,
       r.rank_hour_ago, r.rank_hour_ago - r.rank as rank_change, r.donors between 1 and 2 as donors_under_3,
       p.status, r.last_gift_at
from ranked r join projects p using (project_id)
left join organizations o using (org_id)
left join event_categories c using (category)
left join event_districts d on d.district_adcode = p.district_adcode
where ($category is null or p.category = $category)
  and ($district is null or p.district_adcode = $district)
  and ($project is null or p.project_id = $project)
  and ($org is null or p.org_id = $org)
  and ($search is null or p.name ilike '%' || $search || '%' or o.name ilike '%' || $search || '%')
order by case $sort when 'public' then r.public_fen when 'matched' then r.matched_fen
                   when 'donations' then r.donations when 'donors' then r.donors
                   when 'momentum' then r.momentum_fen when 'pct' then round(r.raised_fen * 100.0 / p.target_fen, 1)
                   else r.raised_fen end::double desc nulls last, p.project_id
