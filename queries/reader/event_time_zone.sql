-- The event's time zone, stored with every version (event_info): local days and hours in
-- every query are the event's.
select time_zone from event_info
