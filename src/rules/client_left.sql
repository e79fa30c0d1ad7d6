-- id: client_left
-- severity: info
-- side: browser
-- title: The browser left before the session was ready
-- description: "Client socket closed before session ready; closing Live
--   session" or "Client socket not open when handleStart triggered": the
--   browser's socket closed while the relay was still connecting to the
--   Live API, so the relay gave the session up. The user went away, or
--   the browser reconnected.
-- next: If users leave while connecting, look at how long connects take
--   (the connect call to the open); a browser that reconnects at once may
--   be retrying on its own timer.
SELECT conn AS connection_id,
       first_ts,
       last_ts,
       lines AS count,
       message || '.' AS summary,
       first_id AS anchor_event,
       NULL AS cause_event,
       evidence
FROM failure_groups
WHERE kind = 'client_left'
ORDER BY first_id;
