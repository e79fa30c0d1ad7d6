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
SELECT conn AS connection_id,
       first_ts,
       last_ts,
       lines AS count,
       message
           || coalesce(': ' || error_text, '')
           || CASE WHEN lines > 1
                   THEN printf(', %d times', lines) ELSE '' END
           || '. The relay dropped what the browser sent.' AS summary,
       first_id AS anchor_event,
       NULL AS cause_event,
       evidence
FROM failure_groups
WHERE kind = 'client_message_error'
ORDER BY first_id;
