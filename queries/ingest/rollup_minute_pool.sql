-- One row per minute x pool x kind with ledger entries: matched money (fen, reversals
-- included), credits, reversals (count and fen, negative) and participants.
-- Minutes by epoch arithmetic (fast; the event's zones have whole-minute offsets).
select to_timestamp(epoch_us(matched_at) // 60000000 * 60) as minute, pool_id, kind,
       sum(amount_fen)::bigint as matched_fen, count(*) as credits,
       count(*) filter (where amount_fen < 0) as reversals,
       coalesce(sum(amount_fen) filter (where amount_fen < 0), 0)::bigint as reversed_fen,
       sum(participants)::bigint as participants
from matches group by all
