-- One row per gift among the 20 latest of each project in `donations`: time, amount (fen),
-- channel, the donor's nickname already masked ("张*"; "爱心网友" when none), and the
-- donation id that breaks ties of time. Raw nicknames and donor keys never leave the ingest:
-- public pages read only this masked list (merge/rollup_latest_gifts.sql keeps 20 a project).
with latest as (
    select project_id,
           max_by({'donated_at': donated_at, 'amount_fen': amount_fen, 'channel': channel,
                   'donor_name': donor_name, 'donation_id': donation_id},
                  {'donated_at': donated_at, 'donation_id': donation_id}, 20) as gifts
    from donations group by project_id
),
flat as (select project_id, unnest(gifts) as gift from latest)
select project_id, gift.donated_at as donated_at, gift.amount_fen as amount_fen, gift.channel as channel,
       coalesce(nullif(left(trim(gift.donor_name), 1), '') || '*', '爱心网友') as donor_display,
       gift.donation_id as donation_id
from flat
order by project_id, donated_at desc, donation_id desc
