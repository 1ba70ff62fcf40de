-- One row per time bucket ($grain: hour or minute, event-local) x category of the event,
-- every category in every bucket (zeros included), in bucket then display order.
-- raised_fen = public + matched money raised in the bucket by the category's projects;
-- cumulative_raised_fen = raised by the category up to the end of the bucket. Integer fen.
-- param: grain default=hour choices=minute|hour
with public as (
    select date_trunc($grain, m.minute) as bucket_start, p.category, sum(m.public_fen) as fen
    from rollup_minute_project_channel m join projects p using (project_id) group by all
),
matched as (
    select date_trunc($grain, m.minute) as bucket_start, p.category, sum(m.matched_fen) as fen
    from rollup_minute_project_pool m join projects p using (project_id) group by all
),
buckets as (select distinct bucket_start from (select bucket_start from public union all select bucket_start from matched)),
grid as (select b.bucket_start, c.category, c.name, c.name_en, c.colour, c.display_order
         from buckets b cross join event_categories c)
select g.bucket_start, g.category, g.name, g.name_en, g.colour,
       (coalesce(pu.fen, 0) + coalesce(ma.fen, 0))::bigint as raised_fen,
       (sum(coalesce(pu.fen, 0) + coalesce(ma.fen, 0)) over (partition by g.category order by g.bucket_start))::bigint
           as cumulative_raised_fen
from grid g
left join public pu using (bucket_start, category)
left join matched ma using (bucket_start, category)
order by g.bucket_start, g.display_order
