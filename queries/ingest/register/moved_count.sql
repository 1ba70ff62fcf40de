-- One row: how many register entries a pass moves to an earlier minute (late files); zero in
-- the common case, when the register only grows.
select (select count(*) from donor_moves where old_minute is not null)
     + (select count(*) from pair_moves where old_minute is not null) as moved
