-- One row: the whole published event so far.
-- raised_fen = public_fen + matched_fen; public_fen = sum of donations; matched_fen = sum of
-- the match-fund ledger, reversals included (so it can fall when a credit is reversed);
-- donations = gifts (person-times, distinct donation_id); donors = distinct donor_key; projects =
-- projects in the newest projects snapshot. Money in integer fen.
-- as_of: the newest gift or match time in this version (event-local, ISO 8601 with offset).
select t.public_fen + t.matched_fen as raised_fen, t.public_fen, t.matched_fen,
       t.donations, t.donors, (select count(*) from projects) as projects, t.as_of
from rollup_totals t
