-- id: heartbeat_lost
-- severity: warning
-- side: browser
-- title: The relay ended a call: no heartbeat from the browser
-- description: "No heartbeat for 60s. Terminating socket": the browser sent
--   no heartbeat for a minute, so the relay terminated its socket; the
--   browser then sees the socket close with 1006. The relay ended the
--   call, not Google and not the user.
-- next: The browser stopped sending heartbeats: a frozen or backgrounded
--   tab, a sleeping laptop, or a network drop. Check the browser's console
--   at that time.
SELECT h.conn AS connection_id,
       h.ts AS first_ts,
       h.ts AS last_ts,
       1 AS count,
       'No heartbeat from the browser for 60 s: the relay terminated its'
           || ' socket'
           || CASE WHEN h.ts > coalesce(k.connected_ts, k.first_ts)
                   THEN printf(' %.1f s after the connection started',
                               (h.ts - coalesce(k.connected_ts, k.first_ts))
                               / 1000.0)
                   ELSE '' END
           || coalesce(', and the browser''s socket closed with '
                       || w.code, '')
           || '.' AS summary,
       h.id AS anchor_event,
       NULL AS cause_event,
       trim(h.id || coalesce(' ' || w.id, '')) AS evidence
FROM ev AS h
LEFT JOIN connections AS k ON k.conn = h.conn
LEFT JOIN ev AS w ON w.id = (SELECT min(x.id)
                             FROM ev AS x
                             WHERE x.kind = 'ws_closed'
                               AND x.conn = h.conn
                               AND x.id > h.id)
WHERE h.kind = 'heartbeat_lost'
ORDER BY h.id;
