-- id: input_rejected
-- severity: warning
-- side: browser
-- title: Chunks the relay refused to pass on (text or no MIME type)
-- description: "REALTIME_INPUT: Rejecting text chunk", "... Rejecting
--   unsupported mimeType" and "REALTIME_INPUT chunk missing mimeType": the
--   browser sent text, or a chunk without an audio, image or video type,
--   through the realtime channel. The Live API closes a session with 1007
--   for such input; the relay drops it to prevent that. When a 1007 follows
--   anyway, the finding says so.
-- next: Send text as client content (sendClientContent), not realtime
--   input, and give every realtime chunk an audio/, image/ or video/ MIME
--   type.
SELECT g.conn AS connection_id,
       g.first_ts,
       g.last_ts,
       g.lines AS count,
       printf('%d chunk%s refused: ', g.lines,
              CASE g.lines WHEN 1 THEN '' ELSE 's' END)
           || g.message
           || coalesce(' (mimeType ' || json_extract(f.json, '$.mimeType')
                       || ')', '')
           || CASE WHEN c.id IS NOT NULL
                   THEN printf('; the session closed with 1007 %.1f s'
                               || ' after the first', (c.ts - g.first_ts)
                               / 1000.0)
                   ELSE '' END
           || '.' AS summary,
       g.first_id AS anchor_event,
       NULL AS cause_event,
       'chunks refused: ' || coalesce(json_extract(f.json, '$.mimeType'),
                                      'no MIME type') AS timeline,
       g.evidence
FROM failure_groups AS g
JOIN ev AS f ON f.id = g.first_id
LEFT JOIN ev AS c ON c.id = (SELECT min(x.id)
                             FROM ev AS x
                             WHERE x.kind = 'closed'
                               AND x.conn = g.conn
                               AND x.id > g.first_id
                               AND x.code = 1007)
WHERE g.kind = 'input_rejected'
ORDER BY g.first_id;
