-- id: config_warning
-- severity: warning
-- side: config
-- title: The relay changed the Live API config it built
-- description: The config builder's warnings ("[config-builder] Invalid
--   function name format", "Function name too long", "No valid function
--   declarations ..., using googleSearch only", "Error building tools
--   config ...") and "System instruction truncated": the session's config
--   is not the one the relay was asked for, a usual lead to a 1007. The
--   lines name no connection: each belongs to the connect the relay was
--   building, the next line of a connection after it.
-- next: Fix the function declarations (names of letters, digits and _,
--   at most 64 characters) and the system instruction's length; then see
--   whether the session still closes with 1007.
WITH warnings AS (
    SELECT w.id,
           w.ts,
           coalesce(w.last_ts, w.ts) AS end_ts,
           w.line_count,
           w.message,
           coalesce(json_extract(w.json, '$.name'),
                    json_extract(w.json, '$.error.message'),
                    json_extract(w.json, '$.toolError')) AS detail,
           coalesce(w.conn,
                    (SELECT n.conn FROM ev AS n
                     WHERE n.id = (SELECT min(x.id)
                                   FROM ev AS x
                                   WHERE x.kind IN (SELECT kind FROM kinds
                                                    WHERE fact IN ('connecting',
                                                    'connect_call'))
                                     AND x.id > w.id)),
                    (SELECT min(n.conn) FROM ev AS n
                     WHERE n.id = (SELECT min(y.id) FROM ev AS y
                                   WHERE y.id > w.id
                                     AND y.conn IS NOT NULL)))
               AS conn
    FROM ev AS w
    WHERE w.kind = 'config_warning'
)
SELECT conn AS connection_id,
       min(ts) AS first_ts,
       max(end_ts) AS last_ts,
       sum(line_count) AS count,
       message
           || coalesce(': ' || group_concat(DISTINCT detail), '')
           || CASE WHEN sum(line_count) > 1
                   THEN printf(', %d times', sum(line_count)) ELSE '' END
           || CASE WHEN conn IS NOT NULL
                   THEN ', building the config of this connection'
                   ELSE '' END
           || '.' AS summary,
       min(id) AS anchor_event,
       NULL AS cause_event,
       'config changed: ' || message AS timeline,
       CASE WHEN min(id) = max(id) THEN min(id) || ''
            ELSE min(id) || ' ' || max(id) END AS evidence
FROM warnings
GROUP BY conn, message
ORDER BY min(id);
