-- id: origin_rejected
-- severity: warning
-- side: config
-- title: Browsers refused for their origin
-- description: "Rejected connection from unauthorized origin": the relay
--   refused a WebSocket because its Origin header is not in the allowed
--   list (or is missing). Those users never got a session. One finding per
--   origin; the line names no connection.
-- next: If the origin is yours (a new domain, a preview deployment), add it
--   to the relay's allowed origins; a missing origin is a client that is
--   not a browser.
SELECT NULL AS connection_id,
       min(ts) AS first_ts,
       max(coalesce(last_ts, ts)) AS last_ts,
       sum(line_count) AS count,
       printf('%d connection%s refused from origin %s',
              sum(line_count), CASE sum(line_count) WHEN 1 THEN '' ELSE 's'
              END, coalesce('"' || json_extract(json, '$.origin') || '"',
                            '(none)'))
           || coalesce(' (' || json_extract(json, '$.reason') || ')', '')
           || coalesce('; allowed: '
                       || (SELECT group_concat(value, ', ')
                           FROM json_each(o.json, '$.allowedOrigins')), '')
           || '.' AS summary,
       min(id) AS anchor_event,
       NULL AS cause_event,
       CASE WHEN min(id) = max(id) THEN min(id) || ''
            ELSE min(id) || ' ' || max(id) END AS evidence
FROM ev AS o
WHERE kind = 'origin_rejected'
GROUP BY json_extract(json, '$.origin')
ORDER BY min(id);
