-- Empty the register before it is rebuilt from the published donations.
delete from register.donors;
delete from register.project_donors;
delete from register.meta;
