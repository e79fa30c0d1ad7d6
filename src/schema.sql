-- loganalyze database schema (docs/schema.md explains every column).
-- Times are integer milliseconds since 1970-01-01 UTC; NULL when unknown.
-- events.id is the global reading order: within one input it is line order.
-- A row may stand for a run of identical high-volume lines of one
-- connection (audio frames): line_count lines, from line to last_line, at
-- the numbers listed in line_list.

CREATE TABLE IF NOT EXISTS meta (
	key		TEXT PRIMARY KEY,
	value		TEXT
);

CREATE TABLE IF NOT EXISTS inputs (
	id		INTEGER PRIMARY KEY,
	path		TEXT NOT NULL,
	bytes		INTEGER NOT NULL DEFAULT 0,
	lines		INTEGER NOT NULL DEFAULT 0,
	events		INTEGER NOT NULL DEFAULT 0,
	continuations	INTEGER NOT NULL DEFAULT 0,
	unparsed	INTEGER NOT NULL DEFAULT 0,
	blank		INTEGER NOT NULL DEFAULT 0,
	json_errors	INTEGER NOT NULL DEFAULT 0,
	first_ts	INTEGER,
	last_ts		INTEGER,
	complete	INTEGER NOT NULL DEFAULT 0,
	content_hash	TEXT
);

-- With --db, an input is known by its content: content_hash is the digest
-- of its first `bytes` bytes (decompressed), so a renamed or recompressed
-- file is found again, and a file that grew is found by its first part.
CREATE INDEX IF NOT EXISTS inputs_content ON inputs (bytes, content_hash);

-- Whether an input just loaded is older than one already there (order.c
-- asks after every input): a look-up, not a scan of every input.
CREATE INDEX IF NOT EXISTS inputs_first_ts ON inputs (first_ts);

CREATE TABLE IF NOT EXISTS events (
	id		INTEGER PRIMARY KEY,
	input_id	INTEGER NOT NULL REFERENCES inputs(id),
	line		INTEGER NOT NULL,
	line_count	INTEGER NOT NULL DEFAULT 1,
	last_line	INTEGER,
	line_list	TEXT,
	ts		INTEGER,
	last_ts		INTEGER,
	ts_source	TEXT NOT NULL,
	level		TEXT,
	kind		TEXT NOT NULL,
	conn		TEXT,
	attributed	INTEGER NOT NULL DEFAULT 0,
	message		TEXT NOT NULL,
	json		TEXT,
	json_error	TEXT,
	code		INTEGER,
	proc		TEXT,
	host		TEXT,
	unit		TEXT,
	continuation_lines INTEGER NOT NULL DEFAULT 0,
	prefix		TEXT,
	raw		TEXT
);

-- The text of each event's (first) line, verbatim but for ANSI escapes.
-- Most lines are prefix || message || ' ' || json exactly, and only the
-- prefix is stored; raw holds the lines that are not.
CREATE VIEW IF NOT EXISTS event_lines AS
SELECT id,
       input_id,
       line,
       coalesce(raw, prefix || message || coalesce(' ' || json, '')) AS text
FROM events;

-- The first few lines of each input that were not events, kept as samples.
CREATE TABLE IF NOT EXISTS samples (
	input_id	INTEGER NOT NULL REFERENCES inputs(id),
	line		INTEGER NOT NULL,
	reason		TEXT NOT NULL,
	text		TEXT NOT NULL
);

-- Rebuilt by every analysis, over the --since/--until window, in this
-- run's temporary schema: two runs on one database with different windows
-- each see their own.  (A version 2 database made before may also hold
-- main.connections and main.findings, unused: the temporary ones hide them.)
CREATE TEMP TABLE IF NOT EXISTS connections (
	conn		TEXT PRIMARY KEY,
	first_id	INTEGER,
	last_id		INTEGER,
	first_ts	INTEGER,
	last_ts		INTEGER,
	events		INTEGER,
	host		TEXT,
	connected_ts	INTEGER,
	start_ts	INTEGER,
	connect_call_ts	INTEGER,
	connect_inferred INTEGER NOT NULL DEFAULT 0,
	opened_ts	INTEGER,
	ready_ts	INTEGER,
	live_seen	INTEGER,
	close_id	INTEGER,
	close_ts	INTEGER,
	close_code	INTEGER,
	close_reason	TEXT,
	timeout_ts	INTEGER,
	failed_error	TEXT,
	disconnect_ts	INTEGER,
	frames		INTEGER NOT NULL DEFAULT 0,	-- the client's frames
	frames_first_ts	INTEGER,
	frames_last_ts	INTEGER,
	outcome		TEXT,
	start_note	TEXT
);

-- The JSON of each connection's first line of each kind the diagnosis
-- reads (kinds.diag): kept while storing (src/connsum.c), else rebuilt by
-- src/connections.sql, so that the diagnosis reads a few thousand rows
-- instead of lines spread over every page of the events.
CREATE TEMP TABLE IF NOT EXISTS session_lines (
	conn		TEXT NOT NULL,
	kind		TEXT NOT NULL,
	id		INTEGER NOT NULL,
	json		TEXT,
	PRIMARY KEY (conn, kind)
) WITHOUT ROWID;

CREATE TEMP TABLE IF NOT EXISTS findings (
	id		INTEGER PRIMARY KEY,
	rule		TEXT NOT NULL,
	severity	TEXT NOT NULL,
	severity_rank	INTEGER NOT NULL,	-- info 0, warning 1, error 2
	title		TEXT NOT NULL,
	next		TEXT,
	conn		TEXT,
	first_ts	INTEGER,
	last_ts		INTEGER,
	count		INTEGER,
	summary		TEXT,
	anchor_event	INTEGER,
	cause_event	INTEGER,
	caused_by	INTEGER REFERENCES findings(id),
	evidence	TEXT,
	timeline	TEXT,	-- the rule's words for its anchor event
	side		TEXT	-- google, relay, browser, network, config
);

-- The report looks findings up by connection (in its order: severity,
-- time, id; and by the event they start at, for the timelines), by the
-- event they start at and by their cause.  Read in index order, they need
-- no sort per connection.
CREATE INDEX IF NOT EXISTS temp.findings_conn ON findings (conn,
	severity_rank DESC, first_ts);
CREATE INDEX IF NOT EXISTS temp.findings_conn_anchor
	ON findings (conn, anchor_event);
CREATE INDEX IF NOT EXISTS temp.findings_anchor ON findings (anchor_event);
CREATE INDEX IF NOT EXISTS temp.findings_cause ON findings (caused_by);
