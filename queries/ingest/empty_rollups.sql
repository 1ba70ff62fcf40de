-- Every rollup's columns, declared once: the empty published state a first pass (or a
-- rollup new to the warehouse) folds into. Money in fen; times are instants.
create table if not exists old.rollup_minute_project_channel (minute timestamptz, project_id varchar,
    channel varchar, public_fen bigint, donations bigint);
create table if not exists old.rollup_minute_project_pool (minute timestamptz, project_id varchar,
    pool_id varchar, kind varchar, matched_fen bigint, credits bigint);
create table if not exists old.rollup_minute_project_donors (minute timestamptz, project_id varchar,
    new_project_donors bigint);
create table if not exists old.rollup_minute_pool (minute timestamptz, pool_id varchar, kind varchar,
    matched_fen bigint, credits bigint, reversals bigint, reversed_fen bigint, participants bigint);
create table if not exists old.rollup_project_pool (project_id varchar, pool_id varchar, kind varchar,
    matched_fen bigint, credits bigint);
create table if not exists old.rollup_minute_category (minute timestamptz, category varchar,
    public_fen bigint, matched_fen bigint, donations bigint);
create table if not exists old.rollup_latest_gifts (project_id varchar, donated_at timestamptz,
    amount_fen bigint, channel varchar, donor_display varchar, donation_id varchar);
create table if not exists old.rollup_minute (minute timestamptz, public_fen bigint, matched_fen bigint,
    donations bigint, new_donors bigint);
create table if not exists old.rollup_totals (public_fen bigint, matched_fen bigint, donations bigint,
    donors bigint, match_credits bigint, as_of timestamptz);
create table if not exists old.rollup_project (project_id varchar, public_fen bigint, matched_fen bigint,
    donations bigint, donors bigint, first_gift_at timestamptz, last_gift_at timestamptz, momentum_fen bigint);
