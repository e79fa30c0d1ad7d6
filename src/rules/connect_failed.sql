-- id: connect_failed
-- severity: error
-- side: google
-- title: Live API connection failed
-- description: The relay could not start the Live API session. It logs
--   "Live API connection failed" (with errorMessage) and then "Failed to
--   start Live API session" (with errorCode: API_KEY_INVALID, QUOTA_EXCEEDED,
--   CONNECTION_TIMEOUT, ...) in the same tick; the two, and any repeat within
--   2 s, are one failure, with the code of whichever line has it. A 30 s
--   timeout line just before it is its consequence (connect_timeout).
-- next: Act on the error code: API_KEY_INVALID or API_KEY_EXPIRED, the
--   relay's key; QUOTA_EXCEEDED, the project's quota; CONNECTION_TIMEOUT,
--   the network path from the relay to the Live API and the model name.
WITH failures AS MATERIALIZED (
    SELECT f.id,
           f.conn,
           f.ts,
           f.message,
           json_extract(f.json, '$.errorCode') AS code,
           coalesce(json_extract(f.json, '$.errorMessage'),
                    json_extract(f.json, '$.originalError'),
                    json_extract(f.json, '$.error.message')) AS text,
           (SELECT max(p.id)
            FROM ev AS p
            WHERE p.kind = 'connect_failed'
              AND p.conn IS f.conn
              AND p.id < f.id) AS previous_id
    FROM evk AS f
    WHERE f.fact = 'connect_failed'
),
-- A failure is a new one unless the line before it was a failure of the
-- same connection within 2 s, with no connect call or timeout line between.
marked AS (
    SELECT f.*,
           CASE WHEN f.previous_id IS NULL THEN 1
                WHEN f.ts - p.ts > 2000 THEN 1
                WHEN EXISTS (SELECT 1
                             FROM evk AS x
                             WHERE x.fact IN ('connect_call', 'timeout')
                               AND x.conn IS f.conn
                               AND x.id > f.previous_id
                               AND x.id < f.id) THEN 1
                ELSE 0 END AS head
    FROM failures AS f
    LEFT JOIN ev AS p ON p.id = f.previous_id
),
numbered AS (
    SELECT *,
           sum(head) OVER (PARTITION BY conn ORDER BY id
                           ROWS UNBOUNDED PRECEDING) AS failure
    FROM marked
),
episodes AS (
    SELECT conn,
           min(id) AS first_id,
           max(id) AS last_id,
           min(ts) AS first_ts,
           max(ts) AS last_ts,
           max(code) AS code,
           coalesce(max(CASE WHEN code IS NOT NULL THEN text END),
                    max(text)) AS text
    FROM numbered
    GROUP BY conn, failure
)
SELECT e.conn AS connection_id,
       e.first_ts,
       e.last_ts,
       1 AS count,
       CASE WHEN t.id IS NOT NULL
            THEN 'The Live API connect'
                 || CASE WHEN k.connect_call_ts IS NOT NULL
                         THEN printf(' called at %s%s',
                                     strftime('%H:%M:%fZ',
                                              k.connect_call_ts / 1000.0,
                                              'unixepoch'),
                                     CASE WHEN k.connect_inferred
                                          THEN ' (30 s before the timer'
                                               || ' line)'
                                          ELSE '' END)
                         ELSE '' END
                 || ' timed out: its socket did not open within 30 s, and'
                 || ' the relay gave up'
            ELSE m.message END
           || coalesce(' (' || e.code || ')', '')
           || coalesce(': ' || rtrim(e.text, '.'), '')
           || CASE e.code
                  WHEN 'API_KEY_INVALID'
                      THEN '. Check the relay''s Gemini API key.'
                  WHEN 'API_KEY_EXPIRED'
                      THEN '. The relay''s Gemini API key has expired.'
                  WHEN 'QUOTA_EXCEEDED'
                      THEN '. The project''s Live API quota is used up.'
                  WHEN 'CONNECTION_TIMEOUT'
                      THEN '. Check the network path to the Live API and'
                           || ' the model name.'
                  ELSE '.' END AS summary,
       e.first_id AS anchor_event,
       NULL AS cause_event,
       CASE WHEN e.code LIKE 'API_KEY%' THEN 'config'
            WHEN e.code = 'CONNECTION_TIMEOUT' OR t.id IS NOT NULL
                THEN 'network'
            ELSE 'google' END AS side,
       trim(coalesce(t.id || ' ', '') || e.first_id
            || CASE WHEN e.last_id <> e.first_id
                    THEN ' ' || e.last_id ELSE '' END) AS evidence
FROM episodes AS e
JOIN ev AS m ON m.id = e.first_id
LEFT JOIN connections AS k ON k.conn = e.conn
LEFT JOIN timeout_lines AS t ON t.failed_id = e.first_id
ORDER BY e.first_id;
