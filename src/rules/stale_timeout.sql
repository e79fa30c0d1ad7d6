-- id: stale_timeout
-- severity: info
-- title: Stale 30 s connect timer (not a failure)
-- description: "Live API connection timeout after 30s" printed for a connect
--   attempt whose Live API socket had already opened: the relay never clears
--   the timer, so the line appears after every connect. It is not a cause.
--   When the session had closed before it, the close is named as its cause.
-- next: Nothing: the relay never clears this timer. Clearing it when the
--   socket opens would stop the misleading line.
WITH stale AS (
    SELECT t.*,
           (SELECT max(c.id)
            FROM evk AS c
            WHERE c.fact = 'closed'
              AND c.conn = t.conn
              AND c.id > t.attempt_id
              AND c.id < t.id) AS close_id
    FROM timeout_lines AS t
    WHERE t.sign_id IS NOT NULL
)
SELECT s.conn AS connection_id,
       s.ts AS first_ts,
       s.ts AS last_ts,
       1 AS count,
       'Stale timer: the 30 s connect timeout fired although the Live API'
           || ' socket had '
           || CASE WHEN sign.kind IN (SELECT kind FROM kinds WHERE fact = 'closed')
                   THEN 'already opened and closed (closed with '
                        || coalesce(sign.code, 'no code')
                        || coalesce(' at ' || strftime('%H:%M:%fZ',
                                    sign.ts / 1000.0, 'unixepoch'), '')
                        || ')'
                   ELSE 'opened (' || sign.message
                        || coalesce(' at ' || strftime('%H:%M:%fZ',
                                    sign.ts / 1000.0, 'unixepoch'), '')
                        || ')' END
           || CASE WHEN c.id IS NOT NULL AND c.id <> sign.id
                   THEN '; the session had closed with '
                        || coalesce(c.code, 'no code') || ' at '
                        || coalesce(strftime('%H:%M:%fZ', c.ts / 1000.0,
                                             'unixepoch'), '?')
                   ELSE '' END
           || '. The relay never clears this timer: this line is not a'
           || ' cause.' AS summary,
       s.id AS anchor_event,
       s.close_id AS cause_event,
       'stale timer, not a cause' AS timeline,
       s.id AS evidence
FROM stale AS s
JOIN ev AS sign ON sign.id = s.sign_id
LEFT JOIN ev AS c ON c.id = s.close_id
ORDER BY s.id;
