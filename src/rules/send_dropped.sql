-- id: send_dropped
-- severity: warning
-- side: network
-- title: Messages to browsers the relay dropped
-- description: "safeSend: Buffer full, dropping message", "safeSend error"
--   and "safeSendPriority error": the relay could not write to a browser's
--   socket (its send buffer was over the threshold, or the write failed),
--   so audio or events for the browser were lost. The lines name no
--   connection.
-- next: A full buffer is a browser that reads too slowly or a network too
--   slow for the audio: check the clients' bandwidth and the relay's
--   bufferedAmount threshold.
SELECT NULL AS connection_id,
       g.first_ts,
       g.last_ts,
       g.lines AS count,
       printf('%d message%s to browsers dropped: %s', g.lines,
              CASE g.lines WHEN 1 THEN '' ELSE 's' END, g.message)
           || coalesce(': ' || g.error_text, '')
           || coalesce(' (bufferedAmount '
                       || json_extract(f.json, '$.bufferedAmount')
                       || ' over ' || json_extract(f.json, '$.threshold')
                       || ')', '')
           || '.' AS summary,
       g.first_id AS anchor_event,
       NULL AS cause_event,
       g.evidence
FROM failure_groups AS g
JOIN ev AS f ON f.id = g.first_id
WHERE g.kind = 'send_dropped'
ORDER BY g.first_id;
