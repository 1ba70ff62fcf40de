-- One row per minute x project x channel with gifts in `donations` (a pass's new rows):
-- public money (fen), gifts, and the first and last gift time in the group (these feed
-- rollup_project; the published minute rollup keeps neither). Minutes by epoch arithmetic
-- (fast; the event's zones have whole-minute offsets).
select to_timestamp(epoch_us(donated_at) // 60000000 * 60) as minute, project_id, channel,
       sum(amount_fen)::bigint as public_fen, count(*) as donations,
       min(donated_at) as first_gift_at, max(donated_at) as last_gift_at
from donations group by all
