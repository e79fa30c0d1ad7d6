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

-- Each line is read once: the rows of a 1M-line log are spread over its
-- pages, and a look-up per attribute read the same rows again.
-- the connect: the model, each key of the config it sent, the whole list
-- (so that "the same config" can be said)
WITH calls AS MATERIALIZED (
    SELECT e.conn, e.fact, e.json
    FROM evk AS e
    WHERE e.fact IN ('connecting', 'connect_call')
      AND e.conn IS NOT NULL
)
INSERT OR IGNORE INTO session_attrs
SELECT conn, 'model', json_extract(json, '$.model')
FROM calls
WHERE json_extract(json, '$.model') IS NOT NULL
UNION ALL
SELECT c.conn, 'config_key', j.value
FROM calls AS c, json_each(c.json, '$.configKeys') AS j
WHERE c.fact = 'connect_call'
  AND json_type(c.json, '$.configKeys') = 'array'
UNION ALL
SELECT c.conn, 'config_keys',
       (SELECT group_concat(value, ',')
        FROM (SELECT j.value FROM json_each(c.json, '$.configKeys') AS j
              ORDER BY j.value))
FROM calls AS c
WHERE c.fact = 'connect_call'
  AND json_type(c.json, '$.configKeys') = 'array';

-- the start payload (JSON text inside the JSON), each top-level field;
-- long text (a system instruction) is cut
INSERT OR IGNORE INTO session_attrs
SELECT e.conn, 'payload.' || j.key,
       CASE WHEN j.type IN ('true', 'false', 'null') THEN j.type
            WHEN j.type IN ('object', 'array') THEN j.type
            WHEN length(j.value) > 40
                THEN substr(j.value, 1, 37) || '...'
            ELSE j.value END
FROM evk AS e,
     json_each(CASE WHEN json_valid(json_extract(e.json, '$.payload'))
                    THEN json_extract(e.json, '$.payload') END) AS j
WHERE e.fact = 'start'
  AND e.conn IS NOT NULL
  AND json_type(e.json, '$.payload') = 'text';

-- the client's audio rate, in bands around the relay's limit of 200
-- chunks a second: over it when the relay's audio limiter rejected some,
-- else the frames per second over the span it sent them (a mean: pauses
-- lower it), from the sums of connections
INSERT OR IGNORE INTO session_attrs
SELECT c.conn,
       'audio_rate',
       CASE WHEN EXISTS (SELECT 1 FROM ev AS r
                         WHERE r.kind = 'rate_limit'
                           AND r.conn = c.conn
                           AND (r.message LIKE '%USER_AUDIO'
                                OR json_extract(r.json, '$.isAudioChunk')
                                   = 1))
                THEN 'over 200/s'
            WHEN c.frames * 1000.0 / max(c.frames_last_ts - c.frames_first_ts,
                                         1000) > 100 THEN '100-200/s'
            WHEN c.frames * 1000.0 / max(c.frames_last_ts - c.frames_first_ts,
                                         1000) > 25 THEN '25-100/s'
            ELSE 'under 25/s' END
FROM connections AS c
WHERE c.frames >= 10
  AND c.frames_first_ts IS NOT NULL;

-- the MIME types it sent: what the relay refused or rate-limited, and the
-- first audio and image chunk it sent on of each connection (a run of them
-- is one row, and one is enough for the type)
INSERT OR IGNORE INTO session_attrs
SELECT e.conn, 'mime', json_extract(e.json, '$.mimeType')
FROM evk AS e
WHERE e.kind IN ('rate_limit', 'input_rejected')
  AND e.conn IS NOT NULL
  AND json_extract(e.json, '$.mimeType') IS NOT NULL
UNION ALL
SELECT s.conn, 'mime', json_extract(e.json, '$.mimeType')
FROM (SELECT conn, min(id) AS id
      FROM ev
      WHERE kind IN ('audio_sent', 'image_sent', 'audio_chunks')
        AND conn IS NOT NULL
      GROUP BY conn, kind) AS s
JOIN events AS e ON e.id = s.id
WHERE json_extract(e.json, '$.mimeType') IS NOT NULL;

-- rate-limited or not, and whether the Live API's setup completed, for
-- every connection: index look-ups
INSERT OR IGNORE INTO session_attrs
SELECT c.conn, 'rate_limited',
       CASE WHEN EXISTS (SELECT 1 FROM ev AS e
                         WHERE e.kind = 'rate_limit' AND e.conn = c.conn)
            THEN 'yes' ELSE 'no' END
FROM connections AS c;

INSERT OR IGNORE INTO session_attrs
SELECT c.conn, 'setup_completed',
       CASE WHEN EXISTS (SELECT 1 FROM ev AS e
                         WHERE e.kind = 'setup_complete'
                           AND e.conn = c.conn)
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

-- The counts the diagnosis sets side by side, once for every failure mode:
-- sessions with each value, and sessions whose lines give the attribute,
-- by root cause (NULL: the healthy).
CREATE TEMP TABLE IF NOT EXISTS attr_counts (
	attribute	TEXT NOT NULL,
	value		TEXT NOT NULL,
	root_cause	TEXT,
	sessions	INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS temp.attr_counts_cause
	ON attr_counts (root_cause, attribute, value);
DELETE FROM attr_counts;
INSERT INTO attr_counts
SELECT a.attribute, a.value, s.root_cause, count(*)
FROM session_attrs AS a
JOIN session_causes AS s ON s.conn = a.conn
GROUP BY a.attribute, a.value, s.root_cause;

CREATE TEMP TABLE IF NOT EXISTS attr_known (
	attribute	TEXT NOT NULL,
	root_cause	TEXT,
	sessions	INTEGER NOT NULL,
	multi		INTEGER NOT NULL	-- a session has several values
);
CREATE INDEX IF NOT EXISTS temp.attr_known_cause
	ON attr_known (root_cause, attribute);
DELETE FROM attr_known;
INSERT INTO attr_known
SELECT attribute, root_cause, count(*), max(n) > 1
FROM (SELECT a.attribute, a.conn, s.root_cause, count(*) AS n
      FROM session_attrs AS a
      JOIN session_causes AS s ON s.conn = a.conn
      GROUP BY a.attribute, a.conn)
GROUP BY attribute, root_cause;

-- Each session's config in one string (model, config keys, the start
-- payload's fields that were not cut): "the same config as N healthy
-- sessions".
CREATE TEMP TABLE IF NOT EXISTS session_configs (
	conn		TEXT PRIMARY KEY,
	config		TEXT NOT NULL
);
DELETE FROM session_configs;
INSERT INTO session_configs
SELECT conn, group_concat(attribute || '=' || value, ';')
FROM (SELECT conn, attribute, value
      FROM session_attrs
      WHERE attribute IN ('model', 'config_keys')
         OR (attribute LIKE 'payload.%' AND value NOT LIKE '%...')
      ORDER BY conn, attribute, value)
GROUP BY conn;
