-- One row per gift among the $limit latest to the projects in $projects (comma-separated
-- project_ids; all projects when omitted): time, project, amount (fen), channel and the
-- donor's and inviter's pseudonymous keys. donor_name, the nickname as typed, is filled only
-- when $names = yes: nicknames are personal data, for the auditor role only.
-- param: projects type=list
-- param: names default=no choices=no|yes
-- param: limit type=int default=50
select donated_at, project_id, amount_fen, channel, donor_key,
       case when $names = 'yes' then donor_name end as donor_name, inviter_key
from donations where $projects is null or list_contains($projects, project_id)
order by donated_at desc, donation_id
limit $limit
