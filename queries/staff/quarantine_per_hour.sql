-- One row per hour (by when the ingest quarantined them) with quarantined input: rows and
-- whole files, by table. Read by the alert rule for quarantine spikes and the staff console.
select date_trunc('hour', quarantined_at) as hour, "table",
       count(*) filter (where "row" is not null) as rows, count(*) filter (where "row" is null) as files
from quarantine group by all order by hour, "table"
