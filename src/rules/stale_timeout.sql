-- id: stale_timeout
-- severity: info
-- side: relay
-- title: Stale 30 s connect timer (not a failure)
-- description: "Live API connection timeout after 30s" that is not a
--   failed connect: the relay starts the timer at every connect call and
--   never clears it, so the line appears 30 s after every connect. A real
--   timeout is followed at once by "Live API connection failed"; this one is
--   not, and the log says why: the socket had opened (an open, ready or close
--   line, or a frame warning with "isSessionReady":true, before it), the
--   connect had already failed, the session was live after it (a close or a
--   rate-limit warning), or at least no failure followed while the log went
--   on. When the session had closed, or the connect failed, before it, that
--   is named as its cause.
-- next: Nothing: the relay never clears this timer. Clearing it when the
--   socket opens would stop the misleading line.
WITH stale AS MATERIALIZED (
    SELECT t.*,
           (SELECT max(c.id)
            FROM ev AS c
            WHERE c.kind = 'closed'
              AND c.conn IS t.conn
              AND c.id > t.from_id
              AND c.id < t.id
              AND (t.from_ts IS NULL OR c.ts IS NULL
                   OR c.ts >= t.from_ts)) AS close_id
    FROM timeout_lines AS t
    WHERE t.failed_id IS NULL
      AND (t.sign_id IS NOT NULL
           OR t.earlier_failed_id IS NOT NULL
           OR t.later_sign_id IS NOT NULL
           OR t.goes_on)
)
SELECT s.conn AS connection_id,
       s.ts AS first_ts,
       s.ts AS last_ts,
       1 AS count,
       'Stale timer: the 30 s connect timeout fired although '
           || CASE
              WHEN sign.kind = 'closed'
                  THEN 'the Live API socket had already opened and closed'
                       || ' (closed with ' || coalesce(sign.code, 'no code')
                       || coalesce(' at ' || strftime('%H:%M:%fZ',
                                   sign.ts / 1000.0, 'unixepoch'), '')
                       || ')'
              WHEN sign.id IS NOT NULL
                  THEN 'the Live API socket had opened (' || sign.message
                       || coalesce(' at ' || strftime('%H:%M:%fZ',
                                   sign.ts / 1000.0, 'unixepoch'), '')
                       || ')'
              WHEN failed.id IS NOT NULL
                  THEN 'the connect had already failed ('
                       || coalesce(k.failed_error, failed.message)
                       || coalesce(' at ' || strftime('%H:%M:%fZ',
                                   failed.ts / 1000.0, 'unixepoch'), '')
                       || ')'
              WHEN later.id IS NOT NULL
                  THEN 'the session was live: ' || later.message
                       || coalesce(' at ' || strftime('%H:%M:%fZ',
                                   later.ts / 1000.0, 'unixepoch'), '')
                       || ' follows it, and no connect failure'
              ELSE 'no connect failure follows it, which the relay logs'
                   || ' at once after a real timeout (the socket''s open'
                   || ' line is not in this log: production logs hold no'
                   || ' INFO lines)'
              END
           || CASE WHEN c.id IS NOT NULL AND c.id IS NOT sign.id
                   THEN '; the session had closed with '
                        || coalesce(c.code, 'no code') || ' at '
                        || coalesce(strftime('%H:%M:%fZ', c.ts / 1000.0,
                                             'unixepoch'), '?')
                   ELSE '' END
           || '. The relay never clears this timer: this line is not a'
           || ' cause.' AS summary,
       s.id AS anchor_event,
       coalesce(s.close_id, s.earlier_failed_id) AS cause_event,
       'stale timer, not a cause' AS timeline,
       s.id AS evidence
FROM stale AS s
LEFT JOIN ev AS sign ON sign.id = s.sign_id
LEFT JOIN ev AS failed ON failed.id = s.earlier_failed_id
LEFT JOIN ev AS later ON later.id = s.later_sign_id
LEFT JOIN ev AS c ON c.id = s.close_id
LEFT JOIN connections AS k ON k.conn = s.conn
ORDER BY s.id;
