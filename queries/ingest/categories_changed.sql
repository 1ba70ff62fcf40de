-- One row: true when the newest projects snapshot files some project under another category
-- than the snapshot before it (or drops or adds a project), so the minute x category rollup
-- must be rebuilt from the minute x project rollups instead of extended.
select count(*) > 0 as changed
from old.projects o full outer join projects n using (project_id)
where o.category is distinct from n.category
