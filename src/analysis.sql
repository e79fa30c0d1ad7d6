-- Run after every load, once the connections table has its rows
-- (connections.sql or src/connsum.c): how each session ended, and the
-- view the timeout rules read.

-- The close that decided the session: the first abnormal one, else the last.
UPDATE connections
SET close_id = coalesce(
        (SELECT min(e.id) FROM ev AS e
         WHERE e.conn = connections.conn
           AND e.kind IN (SELECT kind FROM kinds WHERE fact = 'closed')
           AND coalesce(e.code, -1) NOT IN (1000, 1001, 1005)),
        (SELECT max(e.id) FROM ev AS e
         WHERE e.conn = connections.conn
           AND e.kind IN (SELECT kind FROM kinds WHERE fact = 'closed')));

UPDATE connections
SET close_ts = (SELECT ts FROM events WHERE id = close_id),
    close_code = (SELECT code FROM events WHERE id = close_id),
    close_reason = (SELECT json_extract(json, '$.reason')
                    FROM events WHERE id = close_id)
WHERE close_id IS NOT NULL;

-- The first failure's error code.  By min(id) rather than ORDER BY id
-- LIMIT 1: with a list of kinds the latter walks all the connection's
-- events in id order instead of looking each kind up in events_kind.
UPDATE connections
SET failed_error = (SELECT coalesce(json_extract(e.json, '$.errorCode'),
                                    e.message)
                    FROM events AS e
                    WHERE e.id = (SELECT min(f.id)
                                  FROM ev AS f
                                  WHERE f.conn = connections.conn
                                    AND f.kind IN (SELECT kind FROM kinds
                                          WHERE fact = 'connect_failed')));

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
-- there is none).  connect_timeout and stale_timeout both read it: a table
-- computed once, where a view was computed again in every place a rule
-- named one of its columns.
CREATE TEMP TABLE IF NOT EXISTS timeout_lines (
	id		INTEGER PRIMARY KEY,
	conn		TEXT,
	ts		INTEGER,
	attempt_id	INTEGER,
	sign_id		INTEGER
);
DELETE FROM timeout_lines;
INSERT INTO timeout_lines (id, conn, ts, attempt_id, sign_id)
SELECT t.id,
       t.conn,
       t.ts,
       t.attempt_id,
       (SELECT min(s.id)
        FROM ev AS s
        WHERE s.conn = t.conn
          AND s.id > t.attempt_id
          AND s.id < t.id
          AND (s.kind IN (SELECT kind FROM kinds WHERE live = 'yes')
               OR (s.kind IN (SELECT kind FROM kinds
                              WHERE live = 'if_ready')
                   AND json_extract(s.json, '$.isSessionReady') = 1)))
FROM (SELECT e.id,
             e.conn,
             e.ts,
             coalesce((SELECT max(a.id)
                       FROM ev AS a
                       WHERE a.conn = e.conn
                         AND a.kind IN (SELECT kind FROM kinds
                                        WHERE fact = 'connect_call')
                         AND a.id < e.id), 0) AS attempt_id
      FROM ev AS e
      WHERE e.kind IN (SELECT kind FROM kinds WHERE fact = 'timeout')
        AND e.conn IS NOT NULL) AS t;
