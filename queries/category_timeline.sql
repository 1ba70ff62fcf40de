-- One row per time bucket ($grain: hour or minute, event-local) x category of the event,
-- every category in every bucket (zeros included), in bucket then display order.
-- raised_fen = public + matched money raised in the bucket by the category's projects;
-- cumulative_raised_fen = raised by the category up to the end of the bucket. Integer fen.
-- Reads the minute x category rollup the ingest keeps.
-- param: grain default=hour choices=minute|hour
with money as (
    select date_trunc($grain, minute) as bucket_start, category, sum(public_fen + matched_fen) as fen
    from rollup_minute_category group by all
),
buckets as (select distinct bucket_start from money),
grid as (select b.bucket_start, c.category, c.name, c.name_en, c.colour, c.display_order
         from buckets b cross join event_categories c)
select g.bucket_start, g.category, g.name, g.name_en, g.colour,
       coalesce(m.fen, 0)::bigint as raised_fen,
       (sum(coalesce(m.fen, 0)) over (partition by g.category order by g.bucket_start))::bigint
           as cumulative_raised_fen
from grid g
left join money m using (bucket_start, category)
order by g.bucket_start, g.display_order
