-- One row per minute x category with money: public money and gifts (from
-- rollup_minute_project_channel), matched money (from rollup_minute_project_pool,
-- reversals included), by the category of each project in the newest snapshot. Fen.
-- Reads the two minute rollups (merged before this query). With its bucket. Rebuilds the
-- whole rollup when a projects snapshot moves a project to another category.
with public as (
    select m.minute, p.category, sum(m.public_fen) as public_fen, sum(m.donations) as donations
    from rollup_minute_project_channel m join projects p using (project_id) group by all
),
matched as (
    select m.minute, p.category, sum(m.matched_fen) as matched_fen
    from rollup_minute_project_pool m join projects p using (project_id) group by all
)
select minute, category, coalesce(public_fen, 0)::bigint as public_fen,
       coalesce(matched_fen, 0)::bigint as matched_fen, coalesce(donations, 0)::bigint as donations,
       rollup_bucket(minute) as bucket
from public full outer join matched using (minute, category)
