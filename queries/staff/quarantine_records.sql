-- One row per quarantined file or row (newest ingest first), optionally only of $table or
-- $rule: the ingest version, the table, the file, the row (null: the whole file), column,
-- rule, the offending value and a detail. Staff only: values can hold personal data.
-- param: table
-- param: rule
select version, "table", file, "row", "column", rule, value, detail, quarantined_at
from quarantine
where ($table is null or "table" = $table) and ($rule is null or rule = $rule)
order by version desc, file, "row"
limit 5000
