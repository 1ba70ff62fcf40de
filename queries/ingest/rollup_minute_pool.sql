-- One row per minute x pool x kind with ledger entries: matched money (fen, reversals
-- included), credits, reversals (count and fen, negative) and participants.
select date_trunc('minute', matched_at) as minute, pool_id, kind,
       sum(amount_fen)::bigint as matched_fen, count(*) as credits,
       count(*) filter (where amount_fen < 0) as reversals,
       coalesce(sum(amount_fen) filter (where amount_fen < 0), 0)::bigint as reversed_fen,
       sum(participants)::bigint as participants
from matches group by all
