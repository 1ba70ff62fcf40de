-- Remove the entries whose first gift moved earlier; apply.sql inserts them with the new minute.
delete from register.donors where k in (select k from donor_moves where old_minute is not null);
delete from register.project_donors where k in (select k from pair_moves where old_minute is not null);
