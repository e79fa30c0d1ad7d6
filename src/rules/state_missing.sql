-- id: state_missing
-- severity: error
-- side: relay
-- title: The relay lost a connection's state (a relay bug)
-- description: "CRITICAL: ConnectionState missing ..." (and the
--   "ConnectionState missing ..." warnings of older relays): the relay had
--   no rate-limit and readiness state for a live connection and made a new
--   one, so the session may have been treated as not ready.
-- next: A bug in the relay: the connection's state was removed or never
--   made. Look at what happened to the connection just before (a restart,
--   a close) and report it with the stack.
SELECT conn AS connection_id,
       first_ts,
       last_ts,
       lines AS count,
       message
           || coalesce(' in ' || json_extract(
                  (SELECT json FROM ev WHERE id = first_id), '$.handler'),
                  '')
           || coalesce(' (' || json_extract(
                  (SELECT json FROM ev WHERE id = first_id), '$.phase')
                  || ')', '')
           || CASE WHEN lines > 1
                   THEN printf(', %d times', lines) ELSE '' END
           || '. The relay made a new state for the connection: it may'
           || ' have dropped messages as not ready.' AS summary,
       first_id AS anchor_event,
       NULL AS cause_event,
       evidence
FROM failure_groups
WHERE kind = 'state_missing'
ORDER BY first_id;
