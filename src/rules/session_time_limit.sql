-- id: session_time_limit
-- severity: info
-- side: google
-- title: Google ended a long session (its time limit)
-- description: A Live API close with 1000 or 1005 more than 9.5 minutes
--   after the session opened: the Live API ends sessions at its time limit
--   (about 10 minutes for native audio, 15 for audio, 2 with video), so
--   this is the limit, not a fault.
-- next: To go on past the limit, resume the session (session resumption)
--   or open a new one before it ends; watch for the goAway message.
-- The close that decided the session (connections.close_id): a normal
-- close is the last one.
SELECT conn AS connection_id,
       close_ts AS first_ts,
       close_ts AS last_ts,
       1 AS count,
       printf('The Live API closed the session with %d %.1f minutes after'
              || ' it opened: its session time limit.', close_code,
              (close_ts - coalesce(opened_ts, ready_ts, connect_call_ts))
              / 60000.0) AS summary,
       close_id AS anchor_event,
       NULL AS cause_event,
       'the session''s time limit' AS timeline,
       close_id AS evidence
FROM connections
WHERE close_code IN (1000, 1005)
  AND close_ts - coalesce(opened_ts, ready_ts, connect_call_ts) > 570000
ORDER BY close_id;
