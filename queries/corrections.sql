-- One row per published version whose raised total was lower than the version before it:
-- when, the totals before and after (fen), the change (negative), reversed match money in
-- that version (fen, negative) and the reason. Newest first. Empty when nothing fell.
select version, recorded_at, as_of, previous_raised_fen, raised_fen, change_fen, reversed_fen, reason
from corrections order by version desc
