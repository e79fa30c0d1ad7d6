-- id: relay_restart
-- severity: error
-- side: relay
-- title: The relay restarted while a session was open
-- description: The relay's start lines ("WebSocket server listening" and
--   the like) after a connection's lines, with no end of that connection
--   (no socket close, no session removed) before them and none of its
--   lines after: the restart cut the session. A process fault just before
--   the restart is named as its cause.
-- next: Find why the relay restarted (the process fault before it, a
--   deploy, the platform's OOM killer); deploy with draining, so that open
--   sessions end first.
WITH starts AS (
    -- one restart per burst of start lines
    SELECT s.id, s.ts
    FROM ev AS s
    WHERE s.kind = 'server_start'
      AND NOT EXISTS (SELECT 1 FROM ev AS p
                      WHERE p.kind = 'server_start'
                        AND p.id < s.id
                        AND (p.ts IS NULL OR s.ts IS NULL
                             OR s.ts - p.ts < 5000)
                        AND p.id > coalesce((SELECT max(q.id) FROM ev AS q
                                             WHERE q.id < s.id
                                               AND q.conn IS NOT NULL),
                                            -9223372036854775807))
),
cut AS (
    SELECT k.conn,
           s.id AS start_id,
           s.ts AS start_ts,
           k.last_id,
           k.last_ts
    FROM starts AS s
    JOIN connections AS k ON k.first_id < s.id
                         AND k.last_id < s.id
    WHERE (k.disconnect_ts IS NULL)
      AND k.last_id = (SELECT max(x.id) FROM ev AS x
                       WHERE x.conn = k.conn AND x.id < s.id)
      AND NOT EXISTS (SELECT 1 FROM starts AS e
                      WHERE e.id < s.id AND e.id > k.last_id)
)
SELECT c.conn AS connection_id,
       c.start_ts AS first_ts,
       c.start_ts AS last_ts,
       1 AS count,
       'The relay restarted'
           || coalesce(' at ' || strftime('%H:%M:%fZ', c.start_ts / 1000.0,
                                          'unixepoch'), '')
           || ' while this session was open: its last line'
           || coalesce(printf(' was %.1f s before', (c.start_ts - c.last_ts)
                              / 1000.0), ' came before')
           || ', and nothing of it after.'
           || coalesce(' Just before: ' || f.message || '.', '')
               AS summary,
       c.start_id AS anchor_event,
       f.id AS cause_event,
       trim(c.last_id || ' ' || coalesce(f.id || ' ', '') || c.start_id)
           AS evidence
FROM cut AS c
LEFT JOIN ev AS f ON f.id = (SELECT max(u.id) FROM ev AS u
                             WHERE u.kind IN ('uncaught', 'server_error')
                               AND u.id < c.start_id
                               AND u.id > c.last_id)
ORDER BY c.start_id, c.conn;
