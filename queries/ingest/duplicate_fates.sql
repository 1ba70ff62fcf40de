-- One row per staged ledger row that must not be published as new: a repeat of an id
-- that is already published or that appears earlier in this pass.
-- Views: staged(row_key, <contract columns>, source_order, source_row) are the
-- valid rows of this pass; existing(row_key, <contract columns>) are the published rows.
-- fate = 'duplicate' (identical content: the same row, dropped) or 'conflict' (different
-- content: the first published version is kept, this one is quarantined).
-- Content is compared by DuckDB's hash of all contract columns, computed afresh on both
-- sides in the same run (a 64-bit collision would treat a conflict as a duplicate).
with repeated_keys as (
    select row_key from staged group by row_key having count(*) > 1
    union
    select row_key from staged semi join existing using (row_key)
),
candidates as (
    select row_key, 0 as source_order, -1::bigint as source_row, true as is_published,
           hash(*columns(* exclude (row_key))) as content
    from existing semi join repeated_keys using (row_key)
    union all
    select row_key, source_order, source_row, false as is_published,
           hash(*columns(* exclude (row_key, source_order, source_row))) as content
    from staged semi join repeated_keys using (row_key)
),
ranked as (
    select *,
           first_value(content) over (partition by row_key
                                      order by is_published desc, source_order, source_row) as kept_content,
           row_number() over (partition by row_key
                              order by is_published desc, source_order, source_row) as nth
    from candidates
)
select row_key, source_order, source_row,
       case when content = kept_content then 'duplicate' else 'conflict' end as fate
from ranked
where not is_published and nth > 1
