-- One row per staged file: how many of its rows are published (source_order, rows).
select source_order, count(*) as rows from publishable group by source_order
