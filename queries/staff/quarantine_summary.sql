-- One row per table x column x rule of everything quarantined so far: records, distinct
-- files, the first and last ingest version that quarantined them. Most records first.
select "table", "column", rule, count(*) as records, count(distinct file) as files,
       min(version) as first_version, max(version) as last_version
from quarantine group by all
order by records desc, "table", rule
