-- One row per project x pool x kind: matched money (fen, reversals included) and credits.
select project_id, pool_id, kind, sum(amount_fen)::bigint as matched_fen, count(*) as credits
from matches group by all
