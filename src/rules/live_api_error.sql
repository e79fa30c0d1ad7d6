-- id: live_api_error
-- severity: error
-- side: google
-- title: Live API error without a close
-- description: "Live API error" (the Live API session's onerror) with no
--   close of the session in the 10 s after it: an error on Google's side or
--   on the socket to it that did not end the session, or whose close the
--   log does not hold. An error followed by a close is told by the close's
--   rule.
-- next: Read the error's message and code; retry with backoff, and check
--   the Live API's status for that time.
SELECT e.conn AS connection_id,
       e.ts AS first_ts,
       e.ts AS last_ts,
       1 AS count,
       'Live API error'
           || coalesce(': ' || json_extract(e.json, '$.message'), '')
           || coalesce(' (code ' || json_extract(e.json, '$.code') || ')',
                       '')
           || ', and no close of the session followed within 10 s.'
               AS summary,
       e.id AS anchor_event,
       NULL AS cause_event,
       e.id AS evidence
FROM ev AS e
WHERE e.kind = 'api_error'
  AND NOT EXISTS (SELECT 1
                  FROM evk AS c
                  WHERE c.fact = 'closed'
                    AND c.conn = e.conn
                    AND c.id > e.id
                    AND (c.ts IS NULL OR e.ts IS NULL
                         OR c.ts - e.ts <= 10000))
ORDER BY e.id;
