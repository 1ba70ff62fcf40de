-- The donor register's tables, in the attached database `register`: every donor's first gift
-- minute, every (project, donor) pair's first gift minute, and the warehouse version (and its
-- publication time) the register reflects. Keys are 128-bit MD5 digests of the donor key (or
-- of project id and donor key), so a lookup scans 16 bytes a donor, not a string.
create table if not exists register.donors (k uhugeint, first_minute integer);
create table if not exists register.project_donors (k uhugeint, project_id varchar, first_minute integer);
create table if not exists register.meta (version bigint, published_at varchar);
