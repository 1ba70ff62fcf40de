-- The staged rows of a ledger table that are new: every staged row except the repeats
-- listed in `excluded` (source_order, source_row) by duplicate_fates.
select * from staged anti join excluded using (source_order, source_row)
