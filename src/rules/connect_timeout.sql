-- id: connect_timeout
-- severity: error
-- side: network
-- title: Live API connect timed out
-- description: "Live API connection timeout after 30s" that the relay
--   followed at once with "Live API connection failed" (both ERROR, so in
--   production logs too): the connect really timed out. The failure is the
--   root cause (connect_failed, with its error code); this line is linked
--   under it. A timer line with no such failure after it is a stale timer
--   (stale_timeout) or, where the log ends too soon, undecided
--   (timeout_undecided): the relay never clears the timer.
-- next: Check the relay's outbound network to the Live API, the API key
--   and quota, and that the model name exists for the Live API.
SELECT t.conn AS connection_id,
       t.ts AS first_ts,
       t.ts AS last_ts,
       1 AS count,
       'The 30 s connect timer fired before the Live API socket opened'
           || CASE WHEN a.ts IS NOT NULL
                   THEN printf(' (connect called at %s)',
                               strftime('%H:%M:%fZ', a.ts / 1000.0,
                                        'unixepoch'))
                   ELSE '' END
           || ', and the relay reported the connect failed at once.'
               AS summary,
       t.id AS anchor_event,
       t.failed_id AS cause_event,
       'the connect timed out' AS timeline,
       trim(coalesce(t.attempt_id || ' ', '') || t.id || ' '
            || t.failed_id) AS evidence
FROM timeout_lines AS t
LEFT JOIN ev AS a ON a.id = t.attempt_id
WHERE t.failed_id IS NOT NULL
ORDER BY t.id;
