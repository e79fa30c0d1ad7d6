-- id: frames_without_session
-- severity: warning
-- side: browser
-- title: Frames rejected: the relay had no Live API session
-- description: "... received but no active session" and its family for a
--   connection with no close of its Live API session before them: the
--   browser sent while the relay had no session for it (it never opened,
--   or it ended before the log began). After a close, post_close_race
--   tells the same warnings as the close's consequence. One REALTIME_INPUT
--   frame prints two warnings (after retries, then no active session): the
--   count is frames.
-- next: Make the browser send only after session_ready, and stop when the
--   relay reports the session closed; if the session never opened, see
--   the connection's connect.
-- The frames and their lines, counted once for both rules:
-- rejected_frames (src/analysis.sql, docs/schema.md).
SELECT p.conn AS connection_id,
       p.first_ts,
       p.last_ts,
       p.frames AS count,
       printf('%d frame%s (%d warning line%s) rejected: the relay had no'
              || ' Live API session for this connection', p.frames,
              CASE p.frames WHEN 1 THEN '' ELSE 's' END, p.lines,
              CASE p.lines WHEN 1 THEN '' ELSE 's' END)
           || CASE WHEN p.last_ts < coalesce(k.opened_ts, k.ready_ts)
                   THEN ' yet: they came before it opened, so the browser'
                        || ' sent before the session was ready'
                   WHEN k.live_seen = 0 AND k.start_note IS NULL
                   THEN ', and nothing shows one ever opened'
                   WHEN k.start_note IS NOT NULL
                   THEN ' (it ' || k.start_note || ')'
                   ELSE '' END
           || '.' AS summary,
       p.first_id AS anchor_event,
       NULL AS cause_event,
       'frames rejected, no session: ' || p.frames AS timeline,
       CASE WHEN p.first_id = p.last_id THEN p.first_id || ''
            ELSE p.first_id || ' ' || p.last_id END AS evidence
FROM rejected_frames AS p
LEFT JOIN connections AS k ON k.conn = p.conn
WHERE NOT p.after_close
ORDER BY p.first_id;
