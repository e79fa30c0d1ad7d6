-- Run after the rules, for the report's diagnosis (src/report_diagnosis.c):
-- what each session was, and every attribute the logs give it, so that the
-- sessions that failed one way can be set against those that did not fail.

-- Each connection's root cause: the rule of its most severe finding that
-- no other finding caused, errors only.  A connection with none is
-- healthy, whatever its warnings.
CREATE TEMP TABLE IF NOT EXISTS session_causes (
	conn		TEXT PRIMARY KEY,
	root_cause	TEXT,		-- a rule id, NULL when healthy
	failure_id	INTEGER,	-- that finding
	failure_ts	INTEGER
);
DELETE FROM session_causes;
INSERT INTO session_causes (conn, root_cause, failure_id, failure_ts)
SELECT c.conn,
       f.rule,
       f.id,
       f.first_ts
FROM connections AS c
LEFT JOIN findings AS f
       ON f.id = (SELECT g.id FROM findings AS g
                  WHERE g.conn = c.conn
                    AND g.caused_by IS NULL
                    AND g.severity_rank = 2
                  ORDER BY g.first_ts, g.id
                  LIMIT 1);

-- Every attribute of every connection, one row per (attribute, value); a
-- connection has no row for an attribute its lines do not give (a
-- production log has no connect call, so no model).  Each row is a
-- feature: "model = X", "config_key = tools", "rate_limited = yes".
CREATE TEMP TABLE IF NOT EXISTS session_attrs (
	conn		TEXT NOT NULL,
	attribute	TEXT NOT NULL,
	value		TEXT NOT NULL,
	PRIMARY KEY (conn, attribute, value)
) WITHOUT ROWID;
DELETE FROM session_attrs;

-- the connect: the model, and each key of the config it sent
INSERT OR IGNORE INTO session_attrs
SELECT e.conn, 'model', json_extract(e.json, '$.model')
FROM evk AS e
WHERE e.fact IN ('connecting', 'connect_call')
  AND e.conn IS NOT NULL
  AND json_extract(e.json, '$.model') IS NOT NULL;

INSERT OR IGNORE INTO session_attrs
SELECT e.conn, 'config_key', j.value
FROM evk AS e, json_each(e.json, '$.configKeys') AS j
WHERE e.fact = 'connect_call'
  AND e.conn IS NOT NULL
  AND json_type(e.json, '$.configKeys') = 'array';

-- the whole key list too, so that "the same config" can be said
INSERT OR IGNORE INTO session_attrs
SELECT e.conn, 'config_keys',
       (SELECT group_concat(value, ',')
        FROM (SELECT j.value FROM json_each(e.json, '$.configKeys') AS j
              ORDER BY j.value))
FROM evk AS e
WHERE e.fact = 'connect_call'
  AND e.conn IS NOT NULL
  AND json_type(e.json, '$.configKeys') = 'array';

-- the start payload (JSON text inside the JSON), each top-level field;
-- long text (a system instruction) is cut
INSERT OR IGNORE INTO session_attrs
SELECT e.conn, 'payload.' || j.key,
       CASE WHEN length(j.value) > 40
            THEN substr(j.value, 1, 37) || '...'
            ELSE coalesce(j.value, 'null') END
FROM evk AS e,
     json_each(CASE WHEN json_valid(json_extract(e.json, '$.payload'))
                    THEN json_extract(e.json, '$.payload') END) AS j
WHERE e.fact = 'start'
  AND e.conn IS NOT NULL
  AND json_type(e.json, '$.payload') = 'text';

-- the client's audio: frames per second over the span it sent them, in
-- bands around the relay's limit of 200 a second
INSERT OR IGNORE INTO session_attrs
SELECT conn,
       'audio_rate',
       CASE WHEN rate > 200 THEN 'over 200/s'
            WHEN rate > 100 THEN '100-200/s'
            WHEN rate > 25 THEN '25-100/s'
            ELSE 'under 25/s' END
FROM (SELECT conn,
             sum(line_count) * 1000.0
                 / max(max(coalesce(last_ts, ts)) - min(ts), 1000) AS rate
      FROM ev
      WHERE kind = 'frame'
        AND conn IS NOT NULL
        AND ts IS NOT NULL
      GROUP BY conn
      HAVING sum(line_count) >= 10);

-- the MIME types it sent, from every line that names one
INSERT OR IGNORE INTO session_attrs
SELECT e.conn, 'mime', json_extract(e.json, '$.mimeType')
FROM evk AS e
WHERE e.kind IN ('rate_limit', 'audio_chunks', 'input_rejected', 'other')
  AND e.conn IS NOT NULL
  AND json_extract(e.json, '$.mimeType') IS NOT NULL;

-- rate-limited or not, and whether the Live API's setup completed, for
-- every connection
INSERT OR IGNORE INTO session_attrs
SELECT c.conn, 'rate_limited',
       CASE WHEN EXISTS (SELECT 1 FROM ev AS e
                         WHERE e.kind = 'rate_limit' AND e.conn = c.conn)
            THEN 'yes' ELSE 'no' END
FROM connections AS c;

INSERT OR IGNORE INTO session_attrs
SELECT c.conn, 'setup_completed',
       CASE WHEN EXISTS (SELECT 1 FROM ev AS e
                         WHERE e.kind IN ('ready', 'other')
                           AND e.conn = c.conn
                           AND (e.message LIKE '%setup_complete%'
                                OR e.message LIKE '%after setup completion%'
                                OR e.message = 'SETUP COMPLETE'))
            THEN 'yes' ELSE 'no' END
FROM connections AS c
WHERE (SELECT info_lines FROM window_levels);

-- where and when: the relay's host, the hour, the time since a restart
INSERT OR IGNORE INTO session_attrs
SELECT conn, 'host', host FROM connections WHERE host IS NOT NULL;

INSERT OR IGNORE INTO session_attrs
SELECT conn, 'hour', strftime('%H:00', first_ts / 1000, 'unixepoch')
FROM connections
WHERE first_ts IS NOT NULL;

INSERT OR IGNORE INTO session_attrs
SELECT c.conn, 'after_restart',
       CASE WHEN r.ts IS NULL THEN 'no restart before it'
            WHEN c.first_ts - r.ts < 300000 THEN 'within 5 min'
            ELSE 'over 5 min' END
FROM connections AS c
LEFT JOIN ev AS r ON r.id = (SELECT max(s.id) FROM ev AS s
                             WHERE s.kind = 'server_start'
                               AND s.id < c.first_id)
WHERE EXISTS (SELECT 1 FROM ev WHERE kind = 'server_start');
