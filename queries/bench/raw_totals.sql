-- Benchmark baseline: the totals figures computed by scanning the raw inbox files
-- (views raw_donations, raw_matches, raw_projects) instead of the rollups.
select (select sum(amount_fen) from raw_donations) + (select sum(amount_fen) from raw_matches) as raised_fen,
       (select sum(amount_fen) from raw_donations) as public_fen,
       (select sum(amount_fen) from raw_matches) as matched_fen,
       (select count(distinct donation_id) from raw_donations) as donations,
       (select count(distinct donor_key) from raw_donations) as donors,
       (select count(*) from raw_projects) as projects
