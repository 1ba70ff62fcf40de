-- Benchmark baseline: the project leaderboard computed from the raw inbox files.
with gifts as (
    select project_id, sum(amount_fen) as public_fen, count(*) as donations,
           count(distinct donor_key) as donors
    from raw_donations group by project_id
),
matched as (select project_id, sum(amount_fen) as matched_fen from raw_matches group by project_id)
select p.project_id, coalesce(g.public_fen, 0) + coalesce(m.matched_fen, 0) as raised_fen,
       coalesce(g.donations, 0) as donations, coalesce(g.donors, 0) as donors
from raw_projects p left join gifts g using (project_id) left join matched m using (project_id)
order by raised_fen desc, p.project_id
