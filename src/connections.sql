-- Run after every load, before analysis.sql, unless the sums kept while
-- storing stand for it (src/connsum.c, which must agree with this file):
-- attribute lines that lost their connection id, then rebuild one row per
-- connection from the events in the window (view ev).

-- A logs:watch excerpt (unit 'logs-watch', formats.c) names a connection
-- by the first 8 characters of its id and gives times of day in the
-- viewer's zone, without a date.  Its connections join those of the other
-- inputs when that is sound: the short id begins the id of exactly one
-- connection there, and the excerpt's clock can be placed, every record it
-- shares with them (a start, an open, a close: the same kind of the same
-- connection, as below) being a whole number of quarter hours (the zone
-- and the day) and at most 2 s away, at one offset.  Else the excerpt
-- keeps its short ids and times of day.  A time of day that goes back by
-- more than 12 h is the next day's.
CREATE TEMP TABLE IF NOT EXISTS watch_ids (
	input_id	INTEGER,
	short		TEXT,
	conn		TEXT,
	PRIMARY KEY (input_id, short)
);
DELETE FROM watch_ids;
INSERT INTO watch_ids (input_id, short, conn)
SELECT w.input_id, w.conn, min(f.conn)
FROM (SELECT DISTINCT input_id, conn
      FROM events
      WHERE unit = 'logs-watch'
        AND length(conn) BETWEEN 1 AND 8) AS w
JOIN (SELECT DISTINCT conn
      FROM events
      WHERE unit IS NOT 'logs-watch'
        AND length(conn) > 8) AS f
  ON substr(f.conn, 1, length(w.conn)) = w.conn
GROUP BY w.input_id, w.conn
HAVING count(*) = 1;

CREATE TEMP TABLE IF NOT EXISTS watch_times (
	id		INTEGER PRIMARY KEY,
	input_id	INTEGER,
	t		INTEGER		-- the time of day, days added
);
DELETE FROM watch_times;
INSERT INTO watch_times (id, input_id, t)
SELECT id,
       input_id,
       ts + 86400000 * sum(wrap) OVER (PARTITION BY input_id ORDER BY id)
FROM (SELECT id,
             input_id,
             ts,
             CASE WHEN ts < lag(ts) OVER (PARTITION BY input_id
                                          ORDER BY id) - 43200000
                  THEN 1 ELSE 0 END AS wrap
      FROM events
      WHERE unit = 'logs-watch'
        AND ts BETWEEN 0 AND 86399999
        AND input_id IN (SELECT input_id FROM watch_ids));

CREATE TEMP TABLE IF NOT EXISTS watch_offsets (
	input_id	INTEGER PRIMARY KEY,
	offset		INTEGER
);
DELETE FROM watch_offsets;
INSERT INTO watch_offsets (input_id, offset)
SELECT input_id, min(q)
FROM (SELECT w.input_id,
             t.ts - x.t AS d,
             (t.ts - x.t + 450000) / 900000 * 900000 AS q
      FROM events AS w
      JOIN watch_times AS x ON x.id = w.id
      JOIN watch_ids AS i ON i.input_id = w.input_id AND i.short = w.conn
      JOIN events AS t ON t.conn = i.conn AND t.kind = w.kind
      WHERE w.kind IN (SELECT kind FROM kinds WHERE role <> 'noise')
        AND t.unit IS NOT 'logs-watch'
        AND t.ts > 86400000)
WHERE abs(d - q) <= 2000
GROUP BY input_id
HAVING count(DISTINCT q) = 1;

UPDATE events
SET last_ts = last_ts + (SELECT x.t + o.offset - events.ts
                         FROM watch_times AS x
                         JOIN watch_offsets AS o USING (input_id)
                         WHERE x.id = events.id),
    ts = (SELECT x.t + o.offset
          FROM watch_times AS x
          JOIN watch_offsets AS o USING (input_id)
          WHERE x.id = events.id)
WHERE id IN (SELECT x.id
             FROM watch_times AS x
             JOIN watch_offsets AS o USING (input_id));

UPDATE events
SET conn = (SELECT i.conn
            FROM watch_ids AS i
            WHERE i.input_id = events.input_id
              AND i.short = events.conn)
WHERE unit = 'logs-watch'
  AND input_id IN (SELECT input_id FROM watch_offsets)
  AND EXISTS (SELECT 1
              FROM watch_ids AS i
              WHERE i.input_id = events.input_id
                AND i.short = events.conn);

-- A session log's record of what the terminal log holds too (a start, an
-- open, a close: the same kind within 2 s) is kept once, the terminal's:
-- the session log's (or the logs:watch excerpt's) becomes kind
-- 'session_log_twin', which no rule reads.
UPDATE events
SET kind = 'session_log_twin'
WHERE unit IN ('session-log', 'logs-watch')
  AND kind IN (SELECT kind FROM kinds WHERE role <> 'noise')
  AND conn IS NOT NULL
  AND EXISTS (SELECT 1
              FROM events AS t
              WHERE t.conn = events.conn
                AND t.kind = events.kind
                AND coalesce(t.unit, '') NOT IN ('session-log',
                                                 'logs-watch')
                AND abs(t.ts - events.ts) <= 2000);

-- A per-connection message without an id (pasted without its JSON, say)
-- belongs to the connection open at that point, if exactly one is: a
-- connection is open from its first event to its disconnect, or to the end
-- of the log when it never disconnected.  Both ends come from the indexes,
-- and only when there is a line to attribute at all.
CREATE TEMP TABLE IF NOT EXISTS spans (
	k		INTEGER PRIMARY KEY,	-- a number for the connection
	conn		TEXT,
	lo		INTEGER,
	hi		INTEGER
);
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
           WHERE kind IN (SELECT kind FROM kinds
                          WHERE fact = 'disconnect')
             AND conn IS NOT NULL
           GROUP BY conn) AS d ON d.conn = f.conn
WHERE EXISTS (SELECT 1
              FROM ev
              WHERE conn IS NULL
                AND kind IN (SELECT kind FROM kinds WHERE attributable));

-- One sweep in id order over the spans' ends and the lines to attribute:
-- the running count of open spans, and the running sum of their numbers,
-- which is the number of the one open span where the count is 1.  (A test
-- of every span for every line was quadratic: 40k open connections and 4k
-- lines took 11 s.)  At one id a span's start or end comes before a line.
CREATE TEMP TABLE IF NOT EXISTS attributions (id INTEGER PRIMARY KEY,
                                              k INTEGER);
DELETE FROM attributions;
INSERT INTO attributions (id, k)
SELECT pos, open_k
FROM (SELECT pos,
             line,
             sum(dn) OVER w AS open_n,
             sum(dk) OVER w AS open_k
      FROM (SELECT lo AS pos, 0 AS line, 1 AS dn, k AS dk FROM spans
            UNION ALL
            SELECT hi + 1, 0, -1, -k FROM spans
            WHERE hi < 9223372036854775807
            UNION ALL
            SELECT id, 1, 0, 0 FROM ev
            WHERE conn IS NULL
              AND kind IN (SELECT kind FROM kinds WHERE attributable)
              AND EXISTS (SELECT 1 FROM spans))
      WINDOW w AS (ORDER BY pos, line ROWS UNBOUNDED PRECEDING))
WHERE line = 1
  AND open_n = 1;

UPDATE events
SET conn = (SELECT s.conn FROM spans AS s
            WHERE s.k = (SELECT a.k FROM attributions AS a
                         WHERE a.id = events.id)),
    attributed = 1
WHERE id IN (SELECT id FROM attributions);

-- The first line of each kind the diagnosis reads, per connection: the ids
-- from the index, then the rows in id order, so that the lines of one
-- connection's start, side by side in the log, cost one page.
DELETE FROM session_lines;
INSERT INTO session_lines (conn, kind, id, json)
SELECT e.conn, e.kind, e.id, e.json
FROM (SELECT min(id) AS id
      FROM ev
      WHERE kind IN (SELECT kind FROM kinds WHERE diag)
        AND conn IS NOT NULL
      GROUP BY conn, kind
      ORDER BY 1) AS f
JOIN events AS e ON e.id = f.id;

-- One row per connection, from the events in the window.
DELETE FROM connections;
INSERT INTO connections (conn, first_id, last_id, first_ts, last_ts, events,
                         host, connected_ts, start_ts, connect_call_ts,
                         opened_ts, ready_ts, live_seen, timeout_ts,
                         disconnect_ts, frames, frames_first_ts,
                         frames_last_ts)
SELECT ev.conn,
       min(ev.id),
       max(ev.id),
       min(ev.ts),
       max(coalesce(ev.last_ts, ev.ts)),
       sum(ev.line_count),
       max(ev.host),
       min(CASE WHEN k.fact = 'connected' THEN ev.ts END),
       min(CASE WHEN k.fact = 'start' THEN ev.ts END),
       min(CASE WHEN k.fact IN ('connecting', 'connect_call')
                THEN ev.ts END),
       min(CASE WHEN k.fact = 'opened' THEN ev.ts END),
       min(CASE WHEN k.fact = 'ready' THEN ev.ts END),
       -- any sign that the Live API socket opened (see connect_timeout.sql)
       max(CASE k.live
           WHEN 'yes' THEN 1
           WHEN 'sending' THEN 1
           WHEN 'if_ready'
               THEN coalesce(json_extract(ev.json, '$.isSessionReady'), 0) = 1
           ELSE 0
       END),
       min(CASE WHEN k.fact = 'timeout' THEN ev.ts END),
       max(CASE WHEN k.fact = 'disconnect' THEN ev.ts END),
       coalesce(sum(CASE WHEN k.fact = 'frame' THEN ev.line_count END), 0),
       min(CASE WHEN k.fact = 'frame' THEN ev.ts END),
       max(CASE WHEN k.fact = 'frame' THEN coalesce(ev.last_ts, ev.ts) END)
-- CROSS JOIN: the events in the outer loop, so the GROUP BY needs no sort
FROM ev
CROSS JOIN kinds AS k ON k.kind = ev.kind
WHERE ev.conn IS NOT NULL
GROUP BY ev.conn;
