-- One row per organisation of the newest snapshot that passes the filters ($search: part of
-- its name; $category: it has a project in that category; $district: its seat), with the
-- money of its projects. Integer fen: raised = public + matched (reversals included);
-- momentum_fen = raised in the hour before as_of; rank by raised among all organisations;
-- rank_change = places gained since an hour before as_of; projects = its projects in the
-- snapshot; pct_of_target = raised / the sum of its projects' targets x 100. Order: $sort
-- (raised, public, matched, donations, pct = pct_of_target, momentum) descending, nulls
-- last, then org_id; the default is rank order.
-- param: category
-- param: district type=int
-- param: search
-- param: sort default=raised choices=raised|public|matched|donations|pct|momentum
with per_org as (
    select p.org_id, count(*) as projects, sum(p.target_fen)::bigint as target_fen,
           sum(coalesce(r.public_fen, 0))::bigint as public_fen,
           sum(coalesce(r.matched_fen, 0))::bigint as matched_fen,
           sum(coalesce(r.donations, 0))::bigint as donations,
           sum(coalesce(r.momentum_fen, 0))::bigint as momentum_fen,
           bool_or($category is null or p.category = $category) as in_category
    from projects p left join rollup_project r using (project_id) group by p.org_id
),
ranked as (
    select o.org_id, o.name, o.kind, o.district_adcode, coalesce(po.projects, 0) as projects,
           coalesce(po.public_fen + po.matched_fen, 0) as raised_fen, coalesce(po.public_fen, 0) as public_fen,
           coalesce(po.matched_fen, 0) as matched_fen, coalesce(po.donations, 0) as donations,
           coalesce(po.momentum_fen, 0) as momentum_fen, po.target_fen,
           coalesce(po.in_category, $category is null) as in_category,
           row_number() over (order by coalesce(po.public_fen + po.matched_fen, 0) desc, o.org_id) as rank,
           row_number() over (order by coalesce(po.public_fen + po.matched_fen - po.momentum_fen, 0) desc,
                              o.org_id) as rank_hour_ago
    from organizations o left join per_org po using (org_id)
)
select rank, org_id, r.name, r.kind, raised_fen, donations, projects, public_fen, matched_fen, momentum_fen,
       round(raised_fen * 100.0 / nullif(target_fen, 0), 1) as pct_of_target,
       rank_hour_ago, rank_hour_ago - rank as rank_change, r.district_adcode,
       coalesce(d.name, (select region_level from event_info)) as district_name,
       coalesce(d.name_en, (select region_level_en from event_info)) as district_name_en
from ranked r left join event_districts d on d.district_adcode = r.district_adcode
where in_category
  and ($district is null or r.district_adcode = $district)
  and ($search is null or r.name ilike '%' || $search || '%')
order by case $sort when 'public' then public_fen when 'matched' then matched_fen
                   when 'donations' then donations when 'momentum' then momentum_fen
                   when 'pct' then round(raised_fen * 100.0 / nullif(target_fen, 0), 1)
                   else raised_fen end::double desc nulls last, org_id
