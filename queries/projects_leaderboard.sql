-- One row per project of the newest projects snapshot, ranked by money raised.
-- raised_fen = public_fen + matched_fen (matched includes reversals); donations = gifts;
-- donors = distinct donor_key who gave to the project. Money in integer fen. Projects
-- without any gift are listed with zeros. rank 1.. by raised_fen desc, then project_id.
select row_number() over (order by coalesce(r.public_fen + r.matched_fen, 0) desc, p.project_id) as rank,
       p.project_id, p.name, p.org_id, p.category, p.district_adcode, p.target_fen,
       coalesce(r.public_fen + r.matched_fen, 0)::bigint as raised_fen,
       coalesce(r.public_fen, 0)::bigint as public_fen, coalesce(r.matched_fen, 0)::bigint as matched_fen,
       coalesce(r.donations, 0)::bigint as donations, coalesce(r.donors, 0)::bigint as donors,
       p.status, r.last_gift_at
from projects p left join rollup_project r using (project_id)
order by rank
