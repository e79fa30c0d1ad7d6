-- Run after every load, once the connections table has its rows
-- (connections.sql or src/connsum.c): how each session ended, and the
-- view the timeout rules read.

-- The close that decided the session: the first abnormal one, else the last.
UPDATE connections
SET close_id = coalesce(
        (SELECT min(e.id) FROM ev AS e
         WHERE e.conn = connections.conn
           AND e.kind = 'closed'
           AND coalesce(e.code, -1) NOT IN (1000, 1001, 1005)),
        (SELECT max(e.id) FROM ev AS e
         WHERE e.conn = connections.conn
           AND e.kind = 'closed'));

UPDATE connections
SET close_ts = (SELECT ts FROM events WHERE id = close_id),
    close_code = (SELECT code FROM events WHERE id = close_id),
    close_reason = (SELECT json_extract(json, '$.reason')
                    FROM events WHERE id = close_id)
WHERE close_id IS NOT NULL;

-- The error code of the connect failure: the relay prints "Live API
-- connection failed" (no code) and then "Failed to start Live API session"
-- (its errorCode), so the first line with a code, else the first line.
-- By min(id) rather than ORDER BY id LIMIT 1: with a list of kinds the
-- latter walks all the connection's events in id order instead of looking
-- each kind up in events_kind.
UPDATE connections
SET failed_error = coalesce(
        (SELECT json_extract(e.json, '$.errorCode')
         FROM events AS e
         WHERE e.id = (SELECT min(f.id)
                       FROM ev AS f
                       WHERE f.conn = connections.conn
                         AND f.kind = 'connect_failed'
                         AND json_extract(f.json, '$.errorCode')
                             IS NOT NULL)),
        (SELECT e.message
         FROM events AS e
         WHERE e.id = (SELECT min(f.id)
                       FROM ev AS f
                       WHERE f.conn = connections.conn
                         AND f.kind = 'connect_failed')));

-- Where the log has no connect call (production logs hold no INFO line),
-- the 30 s timer line is the only clue to when the connect was called.
UPDATE connections
SET connect_call_ts = timeout_ts - 30000,
    connect_inferred = 1
WHERE connect_call_ts IS NULL
  AND timeout_ts IS NOT NULL;

-- Whether the window holds the lines the relay prints at INFO (the
-- lifecycle milestones): a production relay prints WARN and ERROR only.
-- By the milestones' kinds, so it is index look-ups, not a scan of every
-- row for its level.
CREATE TEMP TABLE IF NOT EXISTS window_levels (info_lines INTEGER);
DELETE FROM window_levels;
INSERT INTO window_levels
SELECT EXISTS (SELECT 1 FROM evk
               WHERE fact IN ('connected', 'start', 'connecting',
                              'connect_call', 'opened', 'ready'));

-- A session whose start is not in what was read: it has lines before the
-- --since window, or none of the lines that start a session in a log that
-- prints them (one with INFO lines).
UPDATE connections
SET start_note = CASE
    -- an earlier line of the connection is not in the window, or it
    -- would be first_id
    WHEN EXISTS (SELECT 1 FROM events AS e
                 WHERE e.conn = connections.conn
                   AND e.id < connections.first_id)
        THEN 'started before the window'
    WHEN connected_ts IS NULL AND start_ts IS NULL
         AND connect_inferred = 0 AND connect_call_ts IS NULL
         AND (SELECT info_lines FROM window_levels)
        THEN 'started before the log'
END;

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
    WHEN disconnect_ts IS NOT NULL
        THEN 'browser disconnected'
    ELSE 'still open at end of log'
END;

-- Every 30 s timeout line and what the log says of its connect attempt.
-- The relay starts the timer at every connect call and never clears it;
-- when it fires before the socket opened, the relay logs "Live API
-- connection failed" and "Failed to start Live API session" (both ERROR)
-- in the same tick, so those lines are there even in a production log.
-- connect_timeout, stale_timeout and timeout_undecided read it: a table
-- computed once, where a view was computed again in every place a rule
-- named one of its columns.
--   attempt_id   the last connect call before it, NULL when none was logged
--   from_id, from_ts  where the attempt's lines before it begin: after
--                the call; when none was logged, after no id (the
--                smallest) but at most 31 s before it (the timer's 30 s),
--                from_ts NULL when there is no such bound
--   sign_id      the first sign before it, after the call (and after
--                the timer line before it), that the
--                socket had opened: an open, ready or close line, or a
--                frame warning with "isSessionReady":true
--   failed_id    the connect failure the relay logged at once after it
--                (within 2 s and before another connect call): a real
--                timeout
--   earlier_failed_id  a connect failure between the call and the line:
--                the attempt had failed already, the timer is stale
--   next_attempt_id  the next connect call after it, or the largest id
--   next_line_id the next connect call or timer line: where what the log
--                says of this attempt ends
--   later_sign_id  the first sign after it that the session was live: a
--                close, a rate-limit warning, a ready frame warning
--   goes_on      1 when the log goes on more than 2 s after it, so a
--                failure the relay would have logged at once would be
--                there
CREATE TEMP TABLE IF NOT EXISTS timeout_lines (
	id		INTEGER PRIMARY KEY,
	conn		TEXT,
	ts		INTEGER,
	attempt_id	INTEGER,
	from_id		INTEGER,
	from_ts		INTEGER,
	sign_id		INTEGER,
	failed_id	INTEGER,
	earlier_failed_id INTEGER,
	next_attempt_id	INTEGER,
	next_line_id	INTEGER,
	later_sign_id	INTEGER,
	goes_on		INTEGER
);
CREATE INDEX IF NOT EXISTS temp.timeout_lines_failed
	ON timeout_lines (failed_id);
DELETE FROM timeout_lines;
-- MATERIALIZED: flattened, each use of attempt_id inside a subquery below
-- would look the connect call up again for every row it walks.
WITH t AS MATERIALIZED (
    SELECT e.id,
           e.conn,
           e.ts,
           (SELECT max(a.id)
            FROM ev AS a
            WHERE a.kind = 'connect_call'
              AND a.conn IS e.conn
              AND a.id < e.id) AS attempt_id,
           coalesce((SELECT min(a.id)
                     FROM ev AS a
                     WHERE a.kind = 'connect_call'
                       AND a.conn IS e.conn
                       AND a.id > e.id), 9223372036854775807)
               AS next_attempt_id,
           -- the timer lines around it bound the walks below: without
           -- them, a connection of 2k timer lines and no connect call
           -- (a production log) walked all its lines for each
           coalesce((SELECT max(p.id)
                     FROM ev AS p
                     WHERE p.kind = 'timeout'
                       AND p.conn IS e.conn
                       AND p.id < e.id), -9223372036854775807)
               AS prev_timer_id,
           coalesce((SELECT min(p.id)
                     FROM ev AS p
                     WHERE p.kind = 'timeout'
                       AND p.conn IS e.conn
                       AND p.id > e.id), 9223372036854775807)
               AS next_timer_id
    FROM evk AS e
    WHERE e.fact = 'timeout'
),
w AS (
    SELECT t.*,
           coalesce(t.attempt_id, -9223372036854775807) AS from_id,
           CASE WHEN t.attempt_id IS NULL THEN t.ts - 31000 END AS from_ts
    FROM t
)
INSERT INTO timeout_lines (id, conn, ts, attempt_id, from_id, from_ts,
                           sign_id, failed_id, earlier_failed_id,
                           next_attempt_id, next_line_id, goes_on)
SELECT t.id,
       t.conn,
       t.ts,
       t.attempt_id,
       t.from_id,
       t.from_ts,
       (SELECT min(s.id)
        FROM ev AS s
        WHERE s.conn IS t.conn
          AND s.id > max(t.from_id, t.prev_timer_id)
          AND s.id < t.id
          AND (t.from_ts IS NULL OR s.ts IS NULL OR s.ts >= t.from_ts)
          AND (s.kind IN (SELECT kind FROM kinds WHERE live = 'yes')
               OR (s.kind IN (SELECT kind FROM kinds
                              WHERE live = 'if_ready')
                   AND json_extract(s.json, '$.isSessionReady') = 1))),
       (SELECT min(f.id)
        FROM ev AS f
        WHERE f.kind = 'connect_failed'
          AND f.conn IS t.conn
          AND f.id > t.id
          AND f.id < t.next_attempt_id
          AND (f.ts IS NULL OR t.ts IS NULL OR f.ts - t.ts <= 2000)),
       (SELECT min(f.id)
        FROM ev AS f
        WHERE f.kind = 'connect_failed'
          AND f.conn IS t.conn
          AND f.id > t.from_id
          AND f.id < t.id
          AND (t.from_ts IS NULL OR f.ts IS NULL OR f.ts >= t.from_ts)),
       t.next_attempt_id,
       min(t.next_attempt_id, t.next_timer_id),
       CASE WHEN t.ts IS NOT NULL AND ends.ts IS NOT NULL
            THEN ends.ts - t.ts > 2000
            ELSE ends.id > t.id END
FROM w AS t
-- where the connections' lines end: no scan of every row
CROSS JOIN (SELECT max(last_ts) AS ts, max(last_id) AS id
            FROM connections) AS ends;

-- The sign after it is needed only when nothing before it decides, and it
-- may be far: the walk goes through every frame row up to the close.
UPDATE timeout_lines
SET later_sign_id = (SELECT min(s.id)
                     FROM ev AS s
                     WHERE s.conn IS timeout_lines.conn
                       AND s.id > timeout_lines.id
                       AND s.id < timeout_lines.next_line_id
                       AND (s.kind IN (SELECT kind FROM kinds
                                       WHERE live IN ('yes', 'sending'))
                            OR (s.kind IN (SELECT kind FROM kinds
                                           WHERE live = 'if_ready')
                                AND json_extract(s.json,
                                                 '$.isSessionReady') = 1)))
WHERE failed_id IS NULL
  AND sign_id IS NULL
  AND earlier_failed_id IS NULL;

-- The warnings of frames the relay rejected for want of a Live API session
-- (kinds of fact 'rejected'), per connection, on either side of its first
-- close: before it, or with no close, frames_without_session reports them;
-- after it post_close_race does, as the close's consequence.  One
-- REALTIME_INPUT frame prints two warnings (after retries, then no active
-- session), so frames counts frames, not lines; a row of ev may be a run
-- of identical warnings (line_count lines, src/runs.c).
--   after_close  1 for the warnings after the connection's first close
--   close_id     then that close: the last one before the first warning
CREATE TEMP TABLE IF NOT EXISTS rejected_frames (
	conn		TEXT,
	after_close	INTEGER NOT NULL,
	close_id	INTEGER,
	first_id	INTEGER,
	last_id		INTEGER,
	first_ts	INTEGER,
	last_ts		INTEGER,
	frames		INTEGER,
	lines		INTEGER
);
DELETE FROM rejected_frames;
INSERT INTO rejected_frames
WITH rejected AS (
    SELECT r.id,
           r.conn,
           r.ts,
           coalesce(r.last_ts, r.ts) AS end_ts,
           r.line_count,
           r.kind,
           r.message LIKE 'REALTIME_INPUT%' AS realtime,
           (SELECT max(c.id)
            FROM ev AS c
            WHERE c.kind = 'closed'
              AND c.conn IS r.conn
              AND c.id < r.id) AS close_id
    FROM ev AS r
    WHERE r.kind IN (SELECT kind FROM kinds WHERE fact = 'rejected')
)
SELECT conn,
       close_id IS NOT NULL,
       min(close_id),
       min(id),
       max(id),
       min(ts),
       max(end_ts),
       max(sum((kind = 'retries') * line_count),
           sum((kind = 'no_session' AND realtime) * line_count))
           + sum((kind = 'no_session' AND NOT realtime) * line_count),
       sum(line_count)
FROM rejected
GROUP BY conn, close_id IS NOT NULL;

-- The failure lines of the window in groups: one kind, one connection (or
-- none, for the relay's own lines), one message and one error.  Most
-- failure rules report these groups, each with its own words and advice.
-- A table filled once (failure lines are few): as a view, each rule paid
-- for parsing and planning it again.
--   error_text  the error's message: error.message, errorMessage, or an
--               error given as text
--   frame       the top frame of the error's stack ("at fn (file:1:2)")
--   evidence    the group's first line and, when there are more, its last
CREATE TEMP TABLE IF NOT EXISTS failure_groups (
	kind		TEXT NOT NULL,
	conn		TEXT,
	message		TEXT,
	error_text	TEXT,
	frame		TEXT,
	first_id	INTEGER,
	last_id		INTEGER,
	first_ts	INTEGER,
	last_ts		INTEGER,
	lines		INTEGER,
	evidence	TEXT
);
CREATE INDEX IF NOT EXISTS temp.failure_groups_kind
	ON failure_groups (kind, first_id);
DELETE FROM failure_groups;
INSERT INTO failure_groups
WITH lines AS (
    SELECT e.id,
           e.kind,
           e.conn,
           e.ts,
           coalesce(e.last_ts, e.ts) AS end_ts,
           e.line_count,
           e.message,
           e.json,
           coalesce(json_extract(e.json, '$.error.message'),
                    json_extract(e.json, '$.errorMessage'),
                    CASE WHEN json_type(e.json, '$.error') = 'text'
                         THEN json_extract(e.json, '$.error') END)
               AS error_text,
           coalesce(json_extract(e.json, '$.error.stack'),
                    json_extract(e.json, '$.stack'),
                    json_extract(e.json, '$.errorStack')) AS stack
    FROM kinds AS k
    CROSS JOIN ev AS e ON e.kind = k.kind
    WHERE k.role = 'failure'
),
framed AS (
    SELECT *,
           -- the stack's second line, where its first frame is
           CASE WHEN instr(stack, char(10)) > 0
                THEN trim(substr(stack, instr(stack, char(10)) + 1,
                                 instr(substr(stack, instr(stack, char(10))
                                              + 1) || char(10), char(10))
                                 - 1))
           END AS frame
    FROM lines
)
SELECT kind,
       conn,
       message,
       error_text,
       frame,
       min(id) AS first_id,
       max(id) AS last_id,
       min(ts) AS first_ts,
       max(end_ts) AS last_ts,
       sum(line_count) AS lines,
       CASE WHEN min(id) = max(id) THEN min(id) || ''
            ELSE min(id) || ' ' || max(id) END AS evidence
FROM framed
GROUP BY kind, conn, message, error_text, frame;
