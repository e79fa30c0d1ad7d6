-- id: client_message_error
-- severity: warning
-- side: browser
-- title: Messages from the browser the relay could not use
-- description: "Failed to parse websocket message payload", "Unknown
--   message type", "Error processing message", empty chunks or payloads, a
--   CONTEXT_UPDATE with a bad modality or no text, a TOOL_RESULT without
--   responses: the browser sent something the relay dropped.
-- next: Check what the browser sends for that message type against the
--   relay's protocol (the JSON fields are in the evidence lines).
SELECT g.conn AS connection_id,
       g.first_ts,
       g.last_ts,
       g.lines AS count,
       g.message
           || coalesce(': ' || g.error_text,
                       ' ' || json_extract(f.json, '$.messageType'), '')
           || CASE WHEN g.lines > 1
                   THEN printf(', %d times', g.lines) ELSE '' END
           || '. The relay dropped what the browser sent.' AS summary,
       g.first_id AS anchor_event,
       NULL AS cause_event,
       g.evidence
FROM failure_groups AS g
JOIN ev AS f ON f.id = g.first_id
WHERE g.kind = 'client_message_error'
ORDER BY g.first_id;
