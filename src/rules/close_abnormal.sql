-- id: close_abnormal
-- severity: error
-- side: google
-- title: Live API session closed abnormally
-- description: A Live API close with a code other than 1000, 1001, 1005
--   (normal ends) and 1007 (which close_1007 explains): 1006 abnormal, 1008
--   policy (auth, quota), 1011 internal error, 1013 try again later.
-- next: 1008: check the API key, project and quota. 1011 and 1013: retry
--   with backoff and check the Live API status. 1006: look for network
--   drops between the relay and Google.
SELECT c.conn AS connection_id,
       c.ts AS first_ts,
       c.ts AS last_ts,
       1 AS count,
       'The Live API closed the session with '
           || coalesce(c.code, 'no code')
           || CASE c.code
                  WHEN 1006 THEN ' (abnormal: no close frame)'
                  WHEN 1008 THEN ' (policy violation: auth or quota)'
                  WHEN 1011 THEN ' (internal error on the Live API side)'
                  WHEN 1013 THEN ' (try again later)'
                  ELSE '' END
           || CASE WHEN coalesce(json_extract(c.json, '$.reason'), '') <> ''
                   THEN ': "' || json_extract(c.json, '$.reason') || '"'
                   ELSE '' END
           || CASE WHEN c.ts > coalesce(k.connected_ts, k.first_ts)
                   THEN printf(', %.1f s after the connection started',
                               (c.ts - coalesce(k.connected_ts, k.first_ts))
                               / 1000.0)
                   ELSE '' END
           || '.' AS summary,
       c.id AS anchor_event,
       NULL AS cause_event,
       c.id AS evidence
FROM ev AS c
LEFT JOIN connections AS k ON k.conn = c.conn
WHERE c.kind IN (SELECT kind FROM kinds WHERE fact = 'closed')
  AND coalesce(c.code, 0) NOT IN (1000, 1001, 1005, 1007)
ORDER BY c.id;
