-- id: ws_error
-- severity: warning
-- side: network
-- title: The browser's socket failed
-- description: "WebSocket error" on the browser's connection to the relay:
--   a network drop, a proxy cutting the connection, or a bad frame.
-- next: Check the network path between browser and relay (proxies, load
--   balancer idle timeouts) for the time of the error.
SELECT conn AS connection_id,
       first_ts,
       last_ts,
       lines AS count,
       'The browser''s socket failed'
           || coalesce(': ' || error_text, '')
           || CASE WHEN lines > 1
                   THEN printf(', %d times', lines) ELSE '' END
           || '.' AS summary,
       first_id AS anchor_event,
       NULL AS cause_event,
       evidence
FROM failure_groups
WHERE kind = 'ws_error'
ORDER BY first_id;
