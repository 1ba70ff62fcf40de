-- One row per gift among the 50 latest of project $project with the donor's nickname as
-- typed and pseudonymous key. Auditors only: nicknames are personal data.
-- param: project
select donated_at, amount_fen, channel, donor_key, donor_name, inviter_key
from donations where project_id = $project
order by donated_at desc limit 50
