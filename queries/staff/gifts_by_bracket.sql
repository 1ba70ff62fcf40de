-- One row per gift-size bracket for project $project (all projects when omitted): gifts,
-- donors and public money (fen) by bracket (under 1 yuan, 1-10, 10-100, 100-1,000,
-- 1,000-10,000, 10,000 yuan and more) and by channel. Staff drill-down; reads raw gifts.
-- param: project
select case when amount_fen < 100 then '0: <1'
            when amount_fen < 1000 then '1: 1-10'
            when amount_fen < 10000 then '2: 10-100'
            when amount_fen < 100000 then '3: 100-1k'
            when amount_fen < 1000000 then '4: 1k-10k'
            else '5: >=10k' end as bracket_yuan,
       channel, count(*) as gifts, count(distinct donor_key) as donors, sum(amount_fen)::bigint as public_fen
from donations where $project is null or project_id = $project
group by all order by bracket_yuan, channel
