-- Run after every load: attribute lines that lost their connection id, then
-- rebuild one row per connection from the events in the window (view ev).

-- A per-connection message without an id (pasted without its JSON, say)
-- belongs to the connection open at that point, if exactly one is: a
-- connection is open from its first event to its disconnect, or to the end
-- of the log when it never disconnected.  Both ends come from the indexes,
-- and only when there is a line to attribute at all.
CREATE TEMP TABLE IF NOT EXISTS spans (conn TEXT, lo INTEGER, hi INTEGER);
DELETE FROM spans;
INSERT INTO spans (conn, lo, hi)
SELECT f.conn,
       f.lo,
       coalesce(d.hi, 9223372036854775807)
FROM (SELECT conn, min(id) AS lo
      FROM events
      WHERE conn IS NOT NULL
      GROUP BY conn) AS f
LEFT JOIN (SELECT conn, max(id) AS hi
           FROM events
           WHERE kind IN ('ws_closed', 'session_removed')
             AND conn IS NOT NULL
           GROUP BY conn) AS d ON d.conn = f.conn
WHERE EXISTS (SELECT 1
              FROM ev
              WHERE conn IS NULL
                AND kind NOT IN ('other', 'safe_send', 'uncaught'));

UPDATE events
SET conn = (SELECT s.conn FROM spans AS s
            WHERE events.id BETWEEN s.lo AND s.hi),
    attributed = 1
WHERE conn IS NULL
  AND kind NOT IN ('other', 'safe_send', 'uncaught')
  AND id IN (SELECT id FROM ev WHERE conn IS NULL)
  AND (SELECT count(*) FROM spans AS s
       WHERE events.id BETWEEN s.lo AND s.hi) = 1;

-- One row per connection, from the events in the window.
DELETE FROM connections;
INSERT INTO connections (conn, first_id, last_id, first_ts, last_ts, events,
                         host, connected_ts, start_ts, connect_call_ts,
                         opened_ts, ready_ts, live_seen, timeout_ts,
                         disconnect_ts)
SELECT conn,
       min(id),
       max(id),
       min(ts),
       max(coalesce(last_ts, ts)),
       sum(line_count),
       max(host),
       min(CASE WHEN kind = 'client_connected' THEN ts END),
       min(CASE WHEN kind = 'start' THEN ts END),
       min(CASE WHEN kind IN ('connect_model', 'connect_call') THEN ts END),
       min(CASE WHEN kind IN ('opened', 'connect_done') THEN ts END),
       min(CASE WHEN kind = 'ready' THEN ts END),
       -- any sign that the Live API socket opened (see connect_timeout.sql)
       max(CASE
           WHEN kind IN ('opened', 'connect_done', 'ready', 'closed',
                         'rate_limit') THEN 1
           WHEN kind IN ('no_session', 'retries')
               THEN coalesce(json_extract(json, '$.isSessionReady'), 0) = 1
           ELSE 0
       END),
       min(CASE WHEN kind = 'timeout' THEN ts END),
       max(CASE WHEN kind IN ('ws_closed', 'session_removed',
                              'heartbeat_lost') THEN ts END)
FROM ev
WHERE conn IS NOT NULL
GROUP BY conn;

-- The close that decided the session: the first abnormal one, else the last.
UPDATE connections
SET close_id = coalesce(
        (SELECT min(e.id) FROM ev AS e
         WHERE e.conn = connections.conn AND e.kind = 'closed'
           AND coalesce(e.code, -1) NOT IN (1000, 1001, 1005)),
        (SELECT max(e.id) FROM ev AS e
         WHERE e.conn = connections.conn AND e.kind = 'closed'));

UPDATE connections
SET close_ts = (SELECT ts FROM events WHERE id = close_id),
    close_code = (SELECT code FROM events WHERE id = close_id),
    close_reason = (SELECT json_extract(json, '$.reason')
                    FROM events WHERE id = close_id)
WHERE close_id IS NOT NULL;

UPDATE connections
SET failed_error = (SELECT coalesce(json_extract(e.json, '$.errorCode'),
                                    e.message)
                    FROM ev AS e
                    WHERE e.conn = connections.conn
                      AND e.kind = 'connect_failed'
                    ORDER BY e.id
                    LIMIT 1);

UPDATE connections
SET outcome = CASE
    WHEN close_code IN (1000, 1001, 1005)
        THEN 'closed normally (' || close_code || ')'
    WHEN close_code IS NOT NULL
        THEN 'closed with ' || close_code
    WHEN close_id IS NOT NULL
        THEN 'closed (no code)'
    WHEN failed_error IS NOT NULL
        THEN 'connect failed (' || failed_error || ')'
    WHEN timeout_ts IS NOT NULL AND live_seen = 0
        THEN 'connect timed out'
    WHEN disconnect_ts IS NOT NULL
        THEN 'browser disconnected'
    ELSE 'still open at end of log'
END;

-- Every 30 s timeout line, with the connect attempt it belongs to (the
-- last connect call before it, 0 when none was logged) and the first sign
-- before it that the attempt's Live API socket opened: an open, ready or
-- close line, or a frame warning with "isSessionReady":true (NULL when
-- there is none).  connect_timeout and stale_timeout both read it.
CREATE TEMP VIEW IF NOT EXISTS timeout_lines AS
SELECT t.*,
       (SELECT min(s.id)
        FROM ev AS s
        WHERE s.conn = t.conn
          AND s.id > t.attempt_id
          AND s.id < t.id
          AND (s.kind IN ('opened', 'connect_done', 'ready', 'closed')
               OR (s.kind IN ('no_session', 'retries')
                   AND json_extract(s.json, '$.isSessionReady') = 1)))
           AS sign_id
FROM (SELECT e.id,
             e.conn,
             e.ts,
             coalesce((SELECT max(a.id)
                       FROM ev AS a
                       WHERE a.conn = e.conn
                         AND a.kind = 'connect_call'
                         AND a.id < e.id), 0) AS attempt_id
      FROM ev AS e
      WHERE e.kind = 'timeout'
        AND e.conn IS NOT NULL) AS t;
