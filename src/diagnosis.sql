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

-- The sessions the diagnosis compares: every failed and every healthy one
-- up to 300 of each, evenly spread over the window beyond that, so that
-- its cost stays bounded on a day of logs while its shares stay those of
-- the whole.
CREATE TEMP TABLE IF NOT EXISTS diag_sessions (conn TEXT PRIMARY KEY);
DELETE FROM diag_sessions;
INSERT INTO diag_sessions
SELECT conn
FROM (SELECT s.conn,
             row_number() OVER (PARTITION BY s.root_cause IS NULL
                                ORDER BY c.first_id) AS n,
             count(*) OVER (PARTITION BY s.root_cause IS NULL) AS total
      FROM session_causes AS s
      JOIN connections AS c ON c.conn = s.conn)
WHERE total <= 300
   OR (n - 1) * 300 / total <> n * 300 / total;

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

-- The lines' JSON comes from session_lines, each connection's first line
-- of each kind the diagnosis reads (schema.sql): the same lines read from
-- events were spread over every page of a large log.  One json_each over
-- a line gives every field from one parse.
-- the connect: the model, each key of the config it sent, the whole list
-- (so that "the same config" can be said)
WITH calls AS MATERIALIZED (
    SELECT l.conn, l.kind, j.key, j.value, j.type
    FROM session_lines AS l, json_each(l.json) AS j
    WHERE l.kind IN ('connect_model', 'connect_call')
      AND l.conn IN (SELECT conn FROM diag_sessions)
      AND j.key IN ('model', 'configKeys')
)
INSERT OR IGNORE INTO session_attrs
SELECT conn, 'model', value
FROM calls
WHERE key = 'model'
  AND value IS NOT NULL
UNION ALL
SELECT c.conn, 'config_key', k.value
FROM calls AS c, json_each(c.value) AS k
WHERE c.key = 'configKeys'
  AND c.kind = 'connect_call'
  AND c.type = 'array'
UNION ALL
-- the relay prints Object.keys of the config it built: one config, one
-- order
SELECT conn, 'config_keys', replace(replace(replace(value, '"', ''), '[', ''),
                                     ']', '')
FROM calls
WHERE key = 'configKeys'
  AND kind = 'connect_call'
  AND type = 'array';

-- the start payload (JSON text inside the JSON), each top-level field;
-- long text (a system instruction) is cut
INSERT OR IGNORE INTO session_attrs
SELECT l.conn, 'payload.' || p.key,
       CASE WHEN p.type IN ('true', 'false', 'null') THEN p.type
            WHEN p.type IN ('object', 'array') THEN p.type
            WHEN length(p.value) > 40
                THEN substr(p.value, 1, 37) || '...'
            ELSE p.value END
FROM session_lines AS l,
     json_each(l.json) AS j,
     json_each(CASE WHEN json_valid(j.value) THEN j.value END) AS p
WHERE l.kind = 'start_payload'
  AND l.conn IN (SELECT conn FROM diag_sessions)
  AND j.key = 'payload'
  AND j.type = 'text';

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
  AND c.frames_first_ts IS NOT NULL
  AND c.conn IN (SELECT conn FROM diag_sessions);

-- the MIME types it sent: of the first chunk it sent on, or had rejected
-- for its type.  Not of a rate-limit warning: only the limited sessions
-- print one, so in a production log (no DEBUG lines of the chunks sent)
-- the healthy sessions would seem to have sent no audio at all.
INSERT OR IGNORE INTO session_attrs
SELECT conn, 'mime', json_extract(json, '$.mimeType')
FROM session_lines
WHERE kind IN ('input_rejected', 'audio_sent', 'image_sent', 'audio_chunks')
  AND conn IN (SELECT conn FROM diag_sessions)
  AND json_extract(json, '$.mimeType') IS NOT NULL;

-- rate-limited or not, and whether the Live API's setup completed, for
-- every connection: index look-ups
INSERT OR IGNORE INTO session_attrs
SELECT c.conn, 'rate_limited',
       CASE WHEN EXISTS (SELECT 1 FROM ev AS e
                         WHERE e.kind = 'rate_limit' AND e.conn = c.conn)
            THEN 'yes' ELSE 'no' END
FROM connections AS c
WHERE c.conn IN (SELECT conn FROM diag_sessions);

INSERT OR IGNORE INTO session_attrs
SELECT c.conn, 'setup_completed',
       CASE WHEN EXISTS (SELECT 1 FROM ev AS e
                         WHERE e.kind = 'setup_complete'
                           AND e.conn = c.conn)
            THEN 'yes' ELSE 'no' END
FROM connections AS c
WHERE (SELECT info_lines FROM window_levels)
  AND c.conn IN (SELECT conn FROM diag_sessions);

-- where and when: the relay's host, the hour, the time since a restart
INSERT OR IGNORE INTO session_attrs
SELECT conn, 'host', host FROM connections
WHERE host IS NOT NULL
  AND conn IN (SELECT conn FROM diag_sessions);

INSERT OR IGNORE INTO session_attrs
SELECT conn, 'hour', strftime('%H:00', first_ts / 1000, 'unixepoch')
FROM connections
WHERE first_ts IS NOT NULL
  AND conn IN (SELECT conn FROM diag_sessions);

INSERT OR IGNORE INTO session_attrs
SELECT c.conn, 'after_restart',
       CASE WHEN r.ts IS NULL THEN 'no restart before it'
            WHEN c.first_ts - r.ts < 300000 THEN 'within 5 min'
            ELSE 'over 5 min' END
FROM connections AS c
LEFT JOIN ev AS r ON r.id = (SELECT max(s.id) FROM ev AS s
                             WHERE s.kind = 'server_start'
                               AND s.id < c.first_id)
WHERE EXISTS (SELECT 1 FROM ev WHERE kind = 'server_start')
  AND c.conn IN (SELECT conn FROM diag_sessions);

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
-- From the counts, not from the rows: an attribute of one value a session
-- is known for as many sessions as its values count; a session has as
-- many config keys as it likes, and is known for them when its key list
-- is; a session with no MIME type in the log sent none of the types that
-- lines name (even a production log warns of a text chunk), so every
-- session is known for it.
INSERT INTO attr_known
SELECT CASE attribute WHEN 'config_keys' THEN 'config_key' ELSE attribute END,
       root_cause, sum(sessions), attribute = 'config_keys'
FROM attr_counts
WHERE attribute NOT IN ('config_key', 'mime')
GROUP BY attribute, root_cause
UNION ALL
SELECT 'config_keys', root_cause, sum(sessions), 0
FROM attr_counts
WHERE attribute = 'config_keys'
GROUP BY root_cause
UNION ALL
SELECT 'mime', s.root_cause, count(*), 1
FROM diag_sessions AS d
JOIN session_causes AS s ON s.conn = d.conn
WHERE EXISTS (SELECT 1 FROM session_attrs WHERE attribute = 'mime')
GROUP BY s.root_cause;

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
