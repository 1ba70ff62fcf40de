-- One row per pseudonymous donor or inviter whose gifts drew random or bonus matches far above
-- the norm: at least $min_fen and $ratio times the median per matched donor. who = 'donor'
-- (matches on their own gifts) or 'inviter' (bonus matches on the gifts of the friends they
-- invited: an invite tree). Evidence: matched money (fen), credits, the median, and the
-- projects the matches went to (up to 10, largest first).
-- param: min_fen type=int default=200000
-- param: ratio type=int default=50
with matched_gifts as (
    select d.donor_key, d.inviter_key, m.kind, m.amount_fen, m.project_id
    from matches m join donations d on d.donation_id = m.donation_id
    where m.kind in ('random_match', 'bonus_match')
),
attributed as (
    select 'donor' as who, donor_key as key, project_id, amount_fen from matched_gifts
    union all
    select 'inviter', inviter_key, project_id, amount_fen
    from matched_gifts where kind = 'bonus_match' and inviter_key is not null
),
per_project as (
    select who, key, project_id, sum(amount_fen) as matched_fen, count(*) as credits
    from attributed group by all
),
everyone as (
    select who, key, sum(matched_fen)::bigint as matched_fen, sum(credits)::bigint as credits,
           list(project_id order by matched_fen desc, project_id)[1:10] as projects
    from per_project group by who, key
),
norm as (select who, median(matched_fen) as median_fen from everyone group by who)
select 'match_outlier' as detector, e.who, e.key as donor_key, e.matched_fen, e.credits,
       n.median_fen::bigint as median_fen, e.projects
from everyone e join norm n using (who)
where e.matched_fen >= $min_fen and e.matched_fen >= $ratio * n.median_fen
order by e.matched_fen desc
