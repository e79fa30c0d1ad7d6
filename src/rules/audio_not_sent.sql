-- id: audio_not_sent
-- severity: error
-- side: relay
-- title: Audio or frames the relay failed to send to the Live API
-- description: "Failed to send audio to Live API", "Failed to send realtime
--   input" and "sendRealtimeInput (method) not available on session": the
--   relay took the chunk from the browser and could not hand it to the Live
--   API session, so the model never heard it. When the session had closed
--   before, the close is named as the cause.
-- next: A send that fails after a close is the close's consequence: fix the
--   close. sendRealtimeInput missing on the session means the relay's
--   @google/genai SDK does not match its code.
SELECT g.conn AS connection_id,
       g.first_ts,
       g.last_ts,
       g.lines AS count,
       printf('%d chunk%s not sent: ', g.lines,
              CASE g.lines WHEN 1 THEN '' ELSE 's' END)
           || g.message
           || coalesce(': ' || g.error_text, '')
           || CASE WHEN c.id IS NOT NULL
                   THEN ' (after the Live API session closed with '
                        || coalesce(c.code, 'no code') || ')'
                   ELSE '' END
           || '. The model never heard them.' AS summary,
       g.first_id AS anchor_event,
       c.id AS cause_event,
       printf('%d chunks not sent', g.lines) AS timeline,
       g.evidence
FROM failure_groups AS g
LEFT JOIN ev AS c ON c.id = (SELECT max(x.id)
                             FROM ev AS x
                             WHERE x.kind = 'closed'
                               AND x.conn = g.conn
                               AND x.id < g.first_id)
WHERE g.kind = 'send_failed'
ORDER BY g.first_id;
