-- id: api_key_missing
-- severity: error
-- side: config
-- title: The relay has no Gemini API key
-- description: "FATAL: Gemini API key not configured" (a session could not
--   start) or "Failed to resolve Gemini API key" (at start-up): the relay's
--   environment holds no usable key, so no Live API session can open.
-- next: Set GEMINI_API_KEY (or GOOGLE_APPLICATION_CREDENTIALS for a service
--   account) in the relay's environment and restart it.
SELECT conn AS connection_id,
       first_ts,
       last_ts,
       lines AS count,
       message
           || coalesce(': ' || error_text, '')
           || CASE WHEN lines > 1
                   THEN printf(', %d times', lines) ELSE '' END
           || '. Without a key no Live API session can open.' AS summary,
       first_id AS anchor_event,
       NULL AS cause_event,
       'no Gemini API key' AS timeline,
       evidence
FROM failure_groups
WHERE kind = 'api_key_missing'
ORDER BY first_id;
