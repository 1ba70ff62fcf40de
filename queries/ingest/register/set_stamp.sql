-- Name the warehouse version (and its publication time) the register now reflects.
-- param: version type=int
-- param: published_at
insert into register.meta values ($version, $published_at)
