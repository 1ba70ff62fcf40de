-- One row per match about to be published that reverses a match_id found neither among
-- the published matches nor among the matches of this chunk.
-- Views: candidates (this chunk's matches, after de-duplication) and published (all
-- matches published before this chunk).
select c.source_order, c.source_row, c.reverses_match_id
from candidates c
where c.reverses_match_id is not null
  and c.reverses_match_id not in (select match_id from published)
  and c.reverses_match_id not in (select match_id from candidates)
