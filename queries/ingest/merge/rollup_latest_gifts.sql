-- The 20 latest gifts of each project among the published list and the pass's new gifts
-- (both already masked), newest first; ties broken by donation id, as from scratch.
select project_id, donated_at, amount_fen, channel, donor_display, donation_id
from (select *, row_number() over (partition by project_id
                                   order by donated_at desc, donation_id desc) as position
      from (select * from old.rollup_latest_gifts
            union all by name select * from delta.rollup_latest_gifts))
where position <= 20
order by project_id, donated_at desc, donation_id desc
