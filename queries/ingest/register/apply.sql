-- Extend the register with a pass's moves (set_stamp.sql then names the version).
insert into register.donors select k, new_minute from donor_moves;
insert into register.project_donors select k, project_id, new_minute from pair_moves;
delete from register.meta;
