-- One row per project that received any money: public and matched money (fen), gifts,
-- distinct donors, and the first and last gift time. Matched money includes reversals.
with gifts as (
    select project_id, sum(amount_fen)::bigint as public_fen, count(*) as donations,
           count(distinct donor_key) as donors, min(donated_at) as first_gift_at,
           max(donated_at) as last_gift_at
    from donations group by project_id
),
matched as (
    select project_id, sum(amount_fen)::bigint as matched_fen from matches group by project_id
)
select project_id, coalesce(g.public_fen, 0) as public_fen, coalesce(m.matched_fen, 0) as matched_fen,
       coalesce(g.donations, 0) as donations, coalesce(g.donors, 0) as donors,
       g.first_gift_at, g.last_gift_at
from gifts g full outer join matched m using (project_id)
