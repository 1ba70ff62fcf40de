-- One row: the warehouse version (and its publication time) the register reflects; none
-- when the register is new.
select version, published_at from register.meta
