-- id: connect_failed
-- severity: error
-- title: Live API connection failed
-- description: "Live API connection failed" or "Failed to start Live API
--   session", with the relay's error code (API_KEY_INVALID, QUOTA_EXCEEDED,
--   CONNECTION_TIMEOUT, ...). A failure that follows a real connect timeout
--   names the timeout as its cause.
-- next: Act on the error code: API_KEY_INVALID, the relay's key;
--   QUOTA_EXCEEDED, the project's quota; CONNECTION_TIMEOUT, the network.
WITH failures AS (
    SELECT f.id,
           f.conn,
           f.ts,
           f.message,
           json_extract(f.json, '$.errorCode') AS code,
           coalesce(json_extract(f.json, '$.errorMessage'),
                    json_extract(f.json, '$.error.message')) AS text,
           (SELECT max(t.id)
            FROM ev AS t
            WHERE t.conn = f.conn
              AND t.kind IN (SELECT kind FROM kinds WHERE fact = 'timeout')
              AND t.id < f.id) AS timeout_id,
           -- one failure often prints both messages: report it once
           (SELECT max(p.id)
            FROM ev AS p
            WHERE p.conn = f.conn
              AND p.kind IN (SELECT kind FROM kinds WHERE fact = 'connect_failed')
              AND p.id < f.id
              AND p.id > coalesce((SELECT max(a.id)
                                   FROM ev AS a
                                   WHERE a.conn = f.conn
                                     AND a.kind IN
                                         (SELECT kind FROM kinds WHERE fact = 'connect_call')
                                     AND a.id < f.id), 0)) AS previous_id
    FROM ev AS f
    WHERE f.kind IN (SELECT kind FROM kinds WHERE fact = 'connect_failed')
)
SELECT conn AS connection_id,
       ts AS first_ts,
       ts AS last_ts,
       1 AS count,
       message
           || coalesce(' (' || code || ')', '')
           || coalesce(': ' || text, '')
           || CASE code
                  WHEN 'API_KEY_INVALID'
                      THEN '. Check the relay''s Gemini API key.'
                  WHEN 'QUOTA_EXCEEDED'
                      THEN '. The project''s Live API quota is used up.'
                  WHEN 'CONNECTION_TIMEOUT'
                      THEN '. The Live API socket never opened.'
                  ELSE '.' END AS summary,
       id AS anchor_event,
       CASE WHEN code = 'CONNECTION_TIMEOUT' THEN timeout_id END
           AS cause_event,
       id AS evidence
FROM failures
WHERE previous_id IS NULL
ORDER BY id;
