-- One row per gift-size bracket x channel of the projects in $projects (a comma-separated
-- list of project_ids; all projects when omitted): gifts, distinct donors and public money
-- (fen). Brackets in yuan: under 1, 1-10, 10-100, 100-1,000, 1,000-10,000, 10,000 and more.
-- A last row, bracket and channel 'all', counts every gift and distinct donor once.
-- Staff drill-down; reads raw gifts.
-- param: projects type=list
with bracketed as (
    select case when amount_fen < 100 then '0: <1'
                when amount_fen < 1000 then '1: 1-10'
                when amount_fen < 10000 then '2: 10-100'
                when amount_fen < 100000 then '3: 100-1k'
                when amount_fen < 1000000 then '4: 1k-10k'
                else '5: >=10k' end as bracket, channel, donor_key, amount_fen
    from donations where $projects is null or list_contains($projects, project_id)
)
select coalesce(bracket, 'all') as bracket_yuan, coalesce(channel, 'all') as channel, count(*) as gifts,
       count(distinct donor_key) as donors, coalesce(sum(amount_fen), 0)::bigint as public_fen
from bracketed
group by grouping sets ((bracket, channel), ())
order by grouping(bracket), bracket_yuan, channel
