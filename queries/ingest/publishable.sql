-- The rows of this pass that are published: new rows without reversals of unknown matches
-- (`orphans`, empty for donations).
select * from candidates anti join orphans using (source_order, source_row)
