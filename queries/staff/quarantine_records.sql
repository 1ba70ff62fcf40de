-- One row per quarantined file or row (newest ingest first, at most 5,000), optionally only
-- of the tables in $tables and the rules in $rules (comma-separated lists) and of files whose
-- name contains $file: the ingest version, the table, the file, the row (null: the whole
-- file), column, rule, the offending value and a detail. Staff only: values can hold
-- personal data.
-- param: tables type=list
-- param: rules type=list
-- param: file
select version, "table", file, "row", "column", rule, value, detail, quarantined_at
from quarantine
where ($tables is null or list_contains($tables, "table"))
  and ($rules is null or list_contains($rules, rule))
  and ($file is null or contains(file, $file))
order by version desc, file, "row"
limit 5000
