-- One row per (project, donor): when the donor first gave to the project and through which
-- channel. Materialised once per version as table donor_project_first; the donor counts of
-- the rollups below are built from it (a donor is counted once per project and once overall).
select project_id, donor_key, min(donated_at) as first_at, arg_min(channel, donated_at) as channel
from donations group by project_id, donor_key
