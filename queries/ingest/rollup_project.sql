-- One row per project that received any money: public and matched money (fen), gifts,
-- distinct donors, and the first and last gift time. Matched money includes reversals.
-- Reads donor_project_first (materialised before this query).
with gifts as (
    select project_id, sum(amount_fen)::bigint as public_fen, count(*) as donations,
           min(donated_at) as first_gift_at, max(donated_at) as last_gift_at
    from donations group by project_id
),
donors as (select project_id, count(*) as donors from donor_project_first group by project_id),
matched as (
    select project_id, sum(amount_fen)::bigint as matched_fen from matches group by project_id
)
select project_id, coalesce(g.public_fen, 0) as public_fen, coalesce(m.matched_fen, 0) as matched_fen,
       coalesce(g.donations, 0) as donations, coalesce(d.donors, 0) as donors,
       g.first_gift_at, g.last_gift_at
from gifts g full outer join matched m using (project_id) left join donors d using (project_id)
