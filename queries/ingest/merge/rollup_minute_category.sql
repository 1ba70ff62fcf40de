-- The published minute x category rows plus the pass's new money by the category of each
-- project in the newest snapshot (used while no project changed category; else the rollup
-- is rebuilt by ingest/rollup_minute_category.sql). Fen. With its bucket.
with public as (
    select m.minute, p.category, sum(m.public_fen) as public_fen, sum(m.donations) as donations
    from delta.rollup_minute_project_channel m join projects p using (project_id) group by all
),
matched as (
    select m.minute, p.category, sum(m.matched_fen) as matched_fen
    from delta.rollup_minute_project_pool m join projects p using (project_id) group by all
)
select minute, category, coalesce(sum(public_fen), 0)::bigint as public_fen,
       coalesce(sum(matched_fen), 0)::bigint as matched_fen, coalesce(sum(donations), 0)::bigint as donations,
       rollup_bucket(minute) as bucket
from (select * from old.rollup_minute_category
      union all by name select * from public
      union all by name select * from matched)
group by minute, category
