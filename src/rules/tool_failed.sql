-- id: tool_failed
-- severity: warning
-- side: relay
-- title: A tool call failed
-- description: "Tool execution failed: NAME", "Tool validation failed:
--   NAME", "Failed to send tool results", "Failed to forward tool responses
--   to Live API", "Client or session is undefined" (and "Unknown tool: NAME"
--   of older relays): the model asked for a tool and got no good result
--   back. One finding per message and error, per connection.
-- next: Check the tool's implementation and the arguments the model sent;
--   a tool that takes over 25 s times out. Failed sends of results: the
--   session had usually closed.
SELECT conn AS connection_id,
       first_ts,
       last_ts,
       lines AS count,
       message
           || coalesce(': ' || error_text, '')
           || CASE WHEN lines > 1
                   THEN printf(', %d times', lines) ELSE '' END
           || '. The model did not get the tool''s result.' AS summary,
       first_id AS anchor_event,
       NULL AS cause_event,
       evidence
FROM failure_groups
WHERE kind = 'tool_failed'
ORDER BY first_id;
