-- id: post_close_race
-- severity: warning
-- side: browser
-- title: Frames arrived after the Live API session had closed
-- description: After the Live API session closed, the browser still
--   believed it was ready and kept sending; the relay rejected each frame
--   ("... received but no active session" and its family). A consequence of
--   the close, not a separate fault. One REALTIME_INPUT frame prints two
--   warnings (after retries, then no active session): the count is frames.
-- next: Fix the close that caused it first. Then make the browser stop
--   sending when the relay reports the session closed.
-- The frames and their lines, counted once for both rules:
-- rejected_frames (src/analysis.sql, docs/schema.md).
SELECT p.conn AS connection_id,
       p.first_ts,
       p.last_ts,
       p.frames AS count,
       printf('%d frame%s (%d warning line%s) rejected after the Live API'
              || ' session closed with %s',
              p.frames, CASE p.frames WHEN 1 THEN '' ELSE 's' END,
              p.lines, CASE p.lines WHEN 1 THEN '' ELSE 's' END,
              coalesce(c.code, 'no code'))
           || CASE WHEN c.ts IS NOT NULL AND p.first_ts IS NOT NULL
                   THEN printf(' at %s: the first %.1f s after the close,'
                               || ' the last %.1f s after',
                               strftime('%H:%M:%fZ', c.ts / 1000.0,
                                        'unixepoch'),
                               (p.first_ts - c.ts) / 1000.0,
                               (p.last_ts - c.ts) / 1000.0)
                   ELSE '' END
           || '. The browser still believed the session was ready and kept'
           || ' sending; these warnings are a consequence of the close.'
               AS summary,
       p.first_id AS anchor_event,
       p.close_id AS cause_event,
       'frames rejected after the close start: ' || p.frames AS timeline,
       CASE WHEN p.first_id = p.last_id THEN p.first_id
            ELSE p.first_id || ' ' || p.last_id END AS evidence
FROM rejected_frames AS p
JOIN ev AS c ON c.id = p.close_id
WHERE p.after_close
ORDER BY p.first_id;
