-- id: process_fault
-- severity: error
-- side: relay
-- title: The relay's process hit an error of its own
-- description: UNCAUGHT_EXCEPTION, UNHANDLED_REJECTION, "Server error",
--   "Failed to start server", "Port N is already in use" and "Live message
--   handler error": an exception in the relay's code, not a failure of
--   Google's service or of the browser. One finding per message, error and
--   top stack frame (per connection for the handler's errors, which name
--   one); an uncaught one may have stopped the process (see relay_restart).
-- next: Fix the relay's code at the top frame of the stack; port in use:
--   stop the other process on that port. Check whether the relay restarted
--   after it.
SELECT conn AS connection_id,
       first_ts,
       last_ts,
       lines AS count,
       message
           || coalesce(': ' || error_text, '')
           || coalesce(' (' || frame || ')', '')
           || CASE WHEN lines > 1
                   THEN printf(', %d times', lines) ELSE '' END
           || CASE kind
                  WHEN 'handler_error'
                      THEN '. An exception in the relay''s handler of the'
                           || ' Live API''s messages: what the model sent'
                           || ' after it was not handled.'
                  WHEN 'uncaught'
                      THEN '. Nothing caught it: the relay may have'
                           || ' stopped, cutting every open session.'
                  ELSE '.' END AS summary,
       first_id AS anchor_event,
       NULL AS cause_event,
       evidence
FROM failure_groups
WHERE kind IN ('uncaught', 'server_error', 'handler_error')
ORDER BY first_id;
