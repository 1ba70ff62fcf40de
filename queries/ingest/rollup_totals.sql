-- One row: the whole published ledger. public/matched money in fen, gifts, distinct
-- donors, and as_of = the newest gift or match time (the moment the data is complete to).
select (select coalesce(sum(amount_fen), 0)::bigint from donations) as public_fen,
       (select coalesce(sum(amount_fen), 0)::bigint from matches) as matched_fen,
       (select count(*) from donations) as donations,
       (select count(distinct donor_key) from donations) as donors,
       (select count(*) from matches) as match_credits,
       greatest((select max(donated_at) from donations), (select max(matched_at) from matches)) as as_of
