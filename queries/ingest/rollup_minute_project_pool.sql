-- One row per minute x project x pool x kind with ledger entries: matched money (fen,
-- reversals included) and credits. Minutes by epoch arithmetic.
select to_timestamp(epoch_us(matched_at) // 60000000 * 60) as minute, project_id, pool_id, kind,
       sum(amount_fen)::bigint as matched_fen, count(*) as credits
from matches group by all
