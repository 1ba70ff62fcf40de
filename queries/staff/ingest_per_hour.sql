-- One row per hour (by when the ingest saw the files) and table: files seen and how they
-- ended (published, quarantined, superseded, conflict), rows published and quarantined.
select date_trunc('hour', seen_at) as hour, "table", count(*) as files,
       count(*) filter (where status = 'published') as files_published,
       count(*) filter (where status <> 'published') as files_held_back,
       sum(rows_published)::bigint as rows_published, sum(rows_quarantined)::bigint as rows_quarantined
from ingested_files group by all order by hour, "table"
