-- id: session_time_limit
-- severity: info
-- title: Google ended a long session (its time limit)
-- description: A Live API close with 1000 or 1005 more than 9.5 minutes
--   after the session opened: the Live API ends sessions at its time limit
--   (about 10 minutes for native audio, 15 for audio, 2 with video), so
--   this is the limit, not a fault.
-- next: To go on past the limit, resume the session (session resumption)
--   or open a new one before it ends; watch for the goAway message.
SELECT c.conn AS connection_id,
       c.ts AS first_ts,
       c.ts AS last_ts,
       1 AS count,
       printf('The Live API closed the session with %d %.1f minutes after'
              || ' it opened: its session time limit.', c.code,
              (c.ts - coalesce(k.opened_ts, k.ready_ts, k.connect_call_ts))
              / 60000.0) AS summary,
       c.id AS anchor_event,
       NULL AS cause_event,
       'the session''s time limit' AS timeline,
       c.id AS evidence
FROM evk AS c
JOIN connections AS k ON k.conn = c.conn
WHERE c.fact = 'closed'
  AND c.code IN (1000, 1005)
  AND c.ts - coalesce(k.opened_ts, k.ready_ts, k.connect_call_ts) > 570000
ORDER BY c.id;
