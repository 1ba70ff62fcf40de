-- One row per organisation of the newest organizations snapshot, ranked by money raised by
-- its projects. raised_fen = public + matched (reversals included), in integer fen;
-- donations = gifts to its projects; projects = its projects in the projects snapshot.
-- rank 1.. by raised_fen desc, then org_id.
with per_org as (
    select p.org_id, count(*) as projects,
           sum(coalesce(r.public_fen + r.matched_fen, 0))::bigint as raised_fen,
           sum(coalesce(r.public_fen, 0))::bigint as public_fen,
           sum(coalesce(r.matched_fen, 0))::bigint as matched_fen,
           sum(coalesce(r.donations, 0))::bigint as donations
    from projects p left join rollup_project r using (project_id)
    group by p.org_id
)
select row_number() over (order by coalesce(po.raised_fen, 0) desc, o.org_id) as rank,
       o.org_id, o.name, o.kind, coalesce(po.raised_fen, 0) as raised_fen,
       coalesce(po.donations, 0) as donations, coalesce(po.projects, 0) as projects,
       coalesce(po.public_fen, 0) as public_fen, coalesce(po.matched_fen, 0) as matched_fen,
       o.district_adcode
from organizations o left join per_org po using (org_id)
order by rank
