-- id: side_failure
-- severity: info
-- side: relay
-- title: A non-fatal failure beside the voice session
-- description: The relay's own "non-fatal" failures: loading or persisting
--   context, transcripts and conversation history, orchestrator syncs,
--   capability tracking, the session logger. The voice session goes on
--   without what failed. One finding per message and error, per connection.
-- next: Non-fatal: check the store or service the message names (database,
--   orchestrator API) if what it keeps matters.
SELECT conn AS connection_id,
       first_ts,
       last_ts,
       lines AS count,
       message
           || coalesce(': ' || error_text, '')
           || CASE WHEN lines > 1
                   THEN printf(', %d times', lines) ELSE '' END
           || '. The voice session went on without it.' AS summary,
       first_id AS anchor_event,
       NULL AS cause_event,
       evidence
FROM failure_groups
WHERE kind = 'side_failure'
ORDER BY first_id;
