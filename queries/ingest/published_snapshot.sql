-- The file name (without folder) of the published snapshot of table $table: the newest
-- snapshot file that was published, or null.
-- param: table
select max(regexp_extract(file, '[^/]+$')) as file_name
from ingested_files where "table" = $table and status = 'published'
