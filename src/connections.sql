-- Run after every load, before analysis.sql, unless the sums kept while
-- storing stand for it (src/connsum.c, which must agree with this file):
-- attribute lines that lost their connection id, then rebuild one row per
-- connection from the events in the window (view ev).

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
