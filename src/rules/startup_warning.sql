-- id: startup_warning
-- severity: warning
-- side: config
-- title: A problem with the relay's configuration
-- description: "SSL certificates not found", "GEMINI_LIVE_MODEL is not an
--   audio-capable model; falling back to DEFAULT_VOICE", "Failed to
--   initialize service account, falling back to API key", "Service account
--   file not found, using API key": the relay runs, but not as configured.
-- next: Fix the setting the message names in the relay's environment
--   (certificate paths, GEMINI_LIVE_MODEL, GOOGLE_APPLICATION_CREDENTIALS).
SELECT g.conn AS connection_id,
       g.first_ts,
       g.last_ts,
       g.lines AS count,
       g.message
           || coalesce(': ' || g.error_text, '')
           || coalesce(' (configured '
                       || json_extract(f.json, '$.configuredModel')
                       || ', using ' || json_extract(f.json, '$.fallback')
                       || ')', '')
           || CASE WHEN g.lines > 1
                   THEN printf(', %d times', g.lines) ELSE '' END
           || '.' AS summary,
       g.first_id AS anchor_event,
       NULL AS cause_event,
       g.evidence
FROM failure_groups AS g
JOIN ev AS f ON f.id = g.first_id
WHERE g.kind = 'startup_warning'
ORDER BY g.first_id;
