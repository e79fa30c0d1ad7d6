-- id: connect_timeout
-- severity: error
-- title: Live API connect timed out
-- description: "Live API connection timeout after 30s" for a connect attempt
--   whose Live API socket showed no sign of opening before the line: no
--   opened, established or ready line, no session close, no frame warning
--   with "isSessionReady":true. The relay prints the line 30 s after every
--   connect call and never clears the timer, so with any such sign it is a
--   stale timer (see stale_timeout), not a failed connect.
-- next: Check the relay's outbound network to the Live API, the API key
--   and quota, and that the model name exists for the Live API.
WITH unopened AS (
    SELECT *
    FROM timeout_lines
    WHERE sign_id IS NULL
)
SELECT u.conn AS connection_id,
       u.ts AS first_ts,
       u.ts AS last_ts,
       1 AS count,
       'The Live API connect'
           || CASE WHEN a.ts IS NOT NULL AND u.ts IS NOT NULL
                   THEN printf(' called at %s',
                               strftime('%H:%M:%fZ', a.ts / 1000.0,
                                        'unixepoch'))
                   ELSE '' END
           || ' never opened its socket: no open, ready or close line and'
           || ' no frame from a ready session before the 30 s timeout.'
           || coalesce(' The relay then reported the connect failed ('
                       || f.reason || ').', '')
           || ' Check the network path to the Live API, the API key and'
           || ' quota, and the model name.' AS summary,
       u.id AS anchor_event,
       NULL AS cause_event,
       'the connect timed out' AS timeline,
       trim(coalesce(nullif(u.attempt_id, 0) || ' ', '') || u.id
            || coalesce(' ' || f.id, '')) AS evidence
FROM unopened AS u
LEFT JOIN ev AS a ON a.id = u.attempt_id
LEFT JOIN (
    SELECT x.id,
           x.conn,
           coalesce(json_extract(x.json, '$.errorCode'), x.message)
               AS reason
    FROM ev AS x
    WHERE x.kind IN (SELECT kind FROM kinds WHERE fact = 'connect_failed')
) AS f ON f.conn = u.conn
      AND f.id = (SELECT min(y.id)
                  FROM ev AS y
                  WHERE y.conn = u.conn
                    AND y.kind IN (SELECT kind FROM kinds WHERE fact = 'connect_failed')
                    AND y.id > u.id)
ORDER BY u.id;
