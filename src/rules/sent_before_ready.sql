-- id: sent_before_ready
-- severity: warning
-- side: browser
-- title: Audio or messages sent before the session was ready
-- description: "USER_AUDIO received before session ready" and its family
--   (REALTIME_INPUT, CONTEXT_UPDATE, TOOL_RESULT): the browser sent before
--   the relay had marked the session ready, and the relay dropped it. For
--   audio that is the user's first words, lost.
-- next: Make the browser wait for the relay's session_ready (or
--   session_started) event before it streams audio, or buffer what it
--   records until then.
SELECT g.conn AS connection_id,
       g.first_ts,
       g.last_ts,
       g.lines AS count,
       printf('%d message%s dropped: %s', g.lines,
              CASE g.lines WHEN 1 THEN '' ELSE 's' END, g.message)
           || CASE WHEN g.last_ts > g.first_ts
                   THEN printf(' over %.1f s', (g.last_ts - g.first_ts)
                               / 1000.0)
                   ELSE '' END
           || CASE WHEN k.ready_ts IS NOT NULL AND k.ready_ts >= g.last_ts
                   THEN printf(', the last %s before the session was ready',
                               CASE WHEN k.ready_ts - g.last_ts < 1000
                                    THEN (k.ready_ts - g.last_ts) || ' ms'
                                    ELSE printf('%.1f s', (k.ready_ts
                                                - g.last_ts) / 1000.0)
                                    END)
                   ELSE '' END
           || CASE WHEN g.message LIKE '%AUDIO%'
                        OR g.message LIKE 'REALTIME_INPUT%'
                   THEN '. The user''s first words never reached the'
                        || ' model.'
                   ELSE '.' END AS summary,
       g.first_id AS anchor_event,
       NULL AS cause_event,
       printf('%d sent before ready', g.lines) AS timeline,
       g.evidence
FROM failure_groups AS g
LEFT JOIN connections AS k ON k.conn = g.conn
WHERE g.kind = 'too_early'
ORDER BY g.first_id;
