-- One row per inbox file the warehouse has seen: its latest recorded size, modification
-- time and content hash, used to skip files already ingested and to spot re-deliveries.
select file, arg_max(size, version) as size, arg_max(mtime_ns, version) as mtime_ns,
       arg_max(sha256, version) as sha256, arg_max(status, version) as status
from ingested_files group by file
