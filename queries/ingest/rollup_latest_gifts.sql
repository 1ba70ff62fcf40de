-- One row per gift among the 20 latest of each project: time, amount (fen), channel and
-- the donor's nickname already masked ("张*"; "爱心网友" when none). Raw nicknames and
-- donor keys never leave the ingest: public pages read only this masked list.
with latest as (
    select project_id,
           max_by({'donated_at': donated_at, 'amount_fen': amount_fen, 'channel': channel,
                   'donor_name': donor_name, 'donation_id': donation_id}, donated_at, 20) as gifts
    from donations group by project_id
),
flat as (select project_id, unnest(gifts) as gift from latest)
select project_id, gift.donated_at as donated_at, gift.amount_fen as amount_fen, gift.channel as channel,
       coalesce(nullif(left(trim(gift.donor_name), 1), '') || '*', '爱心网友') as donor_display
from flat
order by project_id, donated_at desc, gift.donation_id
