-- id: timeout_undecided
-- severity: info
-- side: relay
-- title: 30 s connect timer at the end of the log (cannot tell)
-- description: "Live API connection timeout after 30s" with nothing in the
--   log to say whether the connect timed out: no sign before it that the
--   socket opened, no connect failure, and the log ends within 2 s of it,
--   before the relay would have logged the failure of a real timeout.
-- next: Read the relay's log past this point, or its session log
--   (logs/live/<connection>.jsonl), to see whether the connect failed.
SELECT t.conn AS connection_id,
       t.ts AS first_ts,
       t.ts AS last_ts,
       1 AS count,
       CASE WHEN k.last_ts > t.ts
            THEN printf('The log ends %.1f s after this 30 s connect timer'
                        || ' line', (k.last_ts - t.ts) / 1000.0)
            ELSE 'The log ends at this 30 s connect timer line' END
           || ': a real timeout is'
           || ' followed at once by "Live API connection failed", a stale'
           || ' timer by nothing, so it cannot tell which this was.'
               AS summary,
       t.id AS anchor_event,
       NULL AS cause_event,
       'cannot tell: the log ends here' AS timeline,
       t.id AS evidence
FROM timeout_lines AS t
LEFT JOIN connections AS k ON k.conn = t.conn
WHERE t.failed_id IS NULL
  AND t.sign_id IS NULL
  AND t.earlier_failed_id IS NULL
  AND t.later_sign_id IS NULL
  AND NOT t.goes_on
ORDER BY t.id;
