/* SPDX-License-Identifier: MIT */
/*
 * The SQLite store: schema, bulk loading and the analysis that follows it.
 * Each input is loaded in one transaction with prepared statements that are
 * bound, stepped and reset per row; the indexes the rules need are built
 * after the load.  Without --db the database is a temporary file that SQLite
 * deletes on close.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sqlite3.h>

#include "loganalyze.h"
#include "embedded.h"

#define STORE_SCHEMA_VERSION	"2"	/* docs/schema.md */
#define STORE_BUSY_MS		600000	/* wait for another run this long */

struct store {
	sqlite3		*db;
	sqlite3_stmt	*ins_event;
	sqlite3_stmt	*ins_sample;
	sqlite3_stmt	*add_cont;
	int		 persistent;
	int		 readonly;	/* --db one may only read: a copy */
	int		 in_txn;
	/* each connection's sums (connsum.c); NULL with --db */
	struct connsum	*sums;
	struct sandbox	*sandbox;	/* of the SQL users give */
	int		 summed;	/* connections came from them */
	int64_t		 year_inferred;	/* lines stored */
	int64_t		 mark;		/* last id before the input */
	int64_t		 next_id;	/* of the next event */
	int64_t		 first_ts;	/* of this input's rows */
	int64_t		 last_ts;
	uint64_t	 unread;	/* lines that looked like the relay's
					   and were not events, this run */
};

static const char store_ins_event_sql[] =
	"INSERT INTO events (input_id, line, ts, ts_source, level, kind, conn,"
	" message, json, json_error, code, proc, host, unit, prefix, raw, id,"
	" line_count, last_line, last_ts, line_list, continuation_lines)"
	" VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14,"
	" ?15, ?16, ?17, ?18, ?19, ?20, ?21, ?22)";
static const char store_ins_sample_sql[] =
	"INSERT INTO samples (input_id, line, reason, text)"
	" VALUES (?1, ?2, ?3, ?4)";
static const char store_add_cont_sql[] =
	"UPDATE events SET continuation_lines = continuation_lines + ?2"
	" WHERE id = ?1";


static const char *store_ts_sources[] = {
	"none", "line", "clock", "envelope", "json", "envelope-year-inferred"
};

static int
store_error(struct store *s, const char *what, char **cause)
{
	*cause = xasprintf("%s: %s", what, sqlite3_errmsg(s->db));
	return -1;
}

/*
 * Report queries: the first error is kept in *cause and sets *failed, and
 * every later prepare or step does nothing, so a report can run a series
 * of queries and check once at the end.
 */
sqlite3_stmt *
store_query(sqlite3 *db, const char *sql, int *failed, char **cause)
{
	sqlite3_stmt	*st;

	if (*failed)
		return NULL;
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) {
		*cause = xasprintf("report: %s", sqlite3_errmsg(db));
		*failed = 1;
		return NULL;
	}
	return st;
}

/*
 * Bind a text parameter of a report query.  SQLite copies it (the query
 * may be cached past the caller's string), and the copy can fail for want
 * of memory: the parameter would stay NULL and match no row, so a report
 * would leave a finding out and say it is complete.  The failure is kept
 * as the query's error, as by store_query.
 */
void
store_query_bind_text(sqlite3 *db, sqlite3_stmt *st, int i, const char *s,
    int *failed, char **cause)
{
	if (st == NULL || *failed)
		return;
	if (sqlite3_bind_text(st, i, s, -1, SQLITE_TRANSIENT) != SQLITE_OK) {
		*cause = xasprintf("report: %s", sqlite3_errmsg(db));
		*failed = 1;
	}
}

/*
 * A text column of a query's row, NULL for an SQL NULL.  sqlite3_column_text
 * also returns NULL when it runs out of memory making the text, which a
 * report would take for an absent value and print as complete: that is
 * remembered, for store_columns_failed.  (Only the main thread reads
 * columns; the storing thread only inserts.)
 */
static int	store_column_oom;

const char *
store_column_text(sqlite3_stmt *st, int i)
{
	const char	*s = (const char *)sqlite3_column_text(st, i);

	if (s == NULL && sqlite3_column_type(st, i) != SQLITE_NULL)
		store_column_oom = 1;
	return s;
}

/* Whether a text column could not be read since the run began. */
int
store_columns_failed(void)
{
	return store_column_oom;
}

/* Step a report query: 1 for a row, 0 at the end or after an error. */
int
store_query_step(sqlite3 *db, sqlite3_stmt *st, int *failed, char **cause)
{
	int	rc;

	if (st == NULL || *failed)
		return 0;
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		return 1;
	if (rc != SQLITE_DONE) {
		*cause = xasprintf("report: %s", sqlite3_errmsg(db));
		*failed = 1;
	}
	return 0;
}

/*
 * The evidence lines of a finding, one event id (?1) at a time: the input's
 * path, the line number, the line's text, and for a run of identical lines
 * how many there are, the last one's number and time.
 */
const char store_evidence_sql[] =
	"SELECT i.path, e.line, e.text, v.line_count,"
	" coalesce(v.last_line, v.line), v.last_ts"
	" FROM event_lines AS e JOIN inputs AS i ON i.id = e.input_id"
	" JOIN events AS v ON v.id = e.id WHERE e.id = ?1";

/*
 * The next event id of a findings.evidence list ("12 15", "12,15") at *p,
 * moving *p past it.  0 when there is none left.
 */
int
store_next_id(const char **p, int64_t *id)
{
	char	*end;

	if (*p == NULL)
		return 0;
	*id = strtoll(*p, &end, 10);
	if (end == *p)
		return 0;
	for (*p = end; **p == ' ' || **p == ','; (*p)++)
		;
	return 1;
}

/* Run SQL text (several statements allowed); -1 and *cause on error. */
int
store_exec(struct store *s, const char *sql, char **cause)
{
	char	*msg = NULL;

	if (sqlite3_exec(s->db, sql, NULL, NULL, &msg) != SQLITE_OK) {
		*cause = xstrdup(msg != NULL ? msg : sqlite3_errmsg(s->db));
		sqlite3_free(msg);
		return -1;
	}
	return 0;
}

/*
 * store_exec for statements SQLite runs without its busy handler (changing
 * the journal mode while another run opens the same new database): retry
 * for as long as the busy timeout.
 */
static int
store_exec_busy(struct store *s, const char *sql, char **cause)
{
	int	tries;

	for (tries = 0; tries < STORE_BUSY_MS / 50; tries++) {
		if (store_exec(s, sql, cause) == 0)
			return 0;
		if ((sqlite3_extended_errcode(s->db) & 0xff) != SQLITE_BUSY)
			return -1;
		free(*cause);
		*cause = NULL;
		sqlite3_sleep(50);
	}
	return store_exec(s, sql, cause);
}

static int
store_prepare(struct store *s, const char *sql, sqlite3_stmt **stmt,
    char **cause)
{
	if (sqlite3_prepare_v3(s->db, sql, -1, SQLITE_PREPARE_PERSISTENT, stmt,
	    NULL) != SQLITE_OK)
		return store_error(s, "prepare", cause);
	return 0;
}

/*
 * Refuse a database written by another schema version, or not by
 * loganalyze at all (anything in it, and no meta table), before anything
 * touches it (the page size, the journal mode, the schema script): the
 * tables of an older version lack columns (events gained line_count,
 * last_line, line_list, last_ts and prefix, inputs content_hash) and its
 * constraints differ, so it is not migrated.
 */
static int
store_check_version(struct store *s, char **cause)
{
	sqlite3_stmt	*st;
	const char	*v;
	int		 rc = 0;

	if (sqlite3_prepare_v2(s->db,
	    "SELECT (SELECT count(*) FROM sqlite_master WHERE type = 'table'"
	    " AND name = 'meta'), (SELECT count(*) FROM sqlite_master)", -1,
	    &st, NULL) != SQLITE_OK)
		return store_error(s, "schema version", cause);
	if (sqlite3_step(st) != SQLITE_ROW) {
		sqlite3_finalize(st);
		return store_error(s, "schema version", cause);
	}
	if (sqlite3_column_int(st, 0) == 0) {
		/* a new database, or one loganalyze did not write */
		if (sqlite3_column_int(st, 1) != 0) {
			*cause = xstrdup("not a loganalyze database (no "
			    "schema version)");
			rc = -1;
		}
		sqlite3_finalize(st);
		return rc;
	}
	sqlite3_finalize(st);
	if (sqlite3_prepare_v2(s->db,
	    "SELECT value FROM meta WHERE key = 'schema_version'", -1, &st,
	    NULL) != SQLITE_OK)
		return store_error(s, "schema version", cause);
	if (sqlite3_step(st) == SQLITE_ROW) {
		v = (const char *)sqlite3_column_text(st, 0);
		if (v == NULL || strcmp(v, STORE_SCHEMA_VERSION) != 0) {
			*cause = xasprintf("database has schema version %s, "
			    "this loganalyze reads version %s only: keep the "
			    "old file for the old program and start a new "
			    "database", v != NULL ? v : "(none)",
			    STORE_SCHEMA_VERSION);
			rc = -1;
		}
	}
	sqlite3_finalize(st);
	return rc;
}

/*
 * -vv: each statement's time, and where it starts, for finding the slow
 * one among the analysis, the rules and the report.
 */
static int
store_profile(unsigned type, void *arg, void *stmt, void *ns)
{
	const char	*sql;
	size_t		 n;

	(void)arg;
	if (type != SQLITE_TRACE_PROFILE ||
	    (sql = sqlite3_sql(stmt)) == NULL)
		return 0;
	sql += strspn(sql, " \t\n");
	while (sql[0] == '-' && sql[1] == '-') {
		sql += strcspn(sql, "\n");
		sql += strspn(sql, " \t\n");
	}
	n = strcspn(sql, "\n");
	if (n < 40 && sql[n] == '\n')	/* a line that says little: two */
		n += 1 + strcspn(sql + n + 1, "\n");
	log_debug("sql %.3f ms: %.*s", *(sqlite3_int64 *)ns / 1e6,
	    (int)(n > 120 ? 120 : n), sql);
	return 0;
}

/*
 * Copy the database at path, which the user may only read, into the
 * scratch database: the analysis writes its tables there, and nothing
 * reaches the file.  It is opened read-only; when that needs files it
 * cannot make (the -shm of a WAL database in a directory it may not
 * write), as immutable.  0, or -1 and *cause.
 */
static int
store_copy_readonly(struct store *s, const char *path, char **cause)
{
	static const char	 safe[] = "abcdefghijklmnopqrstuvwxyz"
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789/-._~";
	sqlite3			*src = NULL;
	sqlite3_backup		*b;
	struct buf		 uri;
	const unsigned char	*p;
	int			 rc = SQLITE_ERROR, immutable;

	for (immutable = 0; immutable <= 1; immutable++) {
		buf_init(&uri);
		buf_adds(&uri, "file:");
		for (p = (const unsigned char *)path; *p != '\0'; p++) {
			if (strchr(safe, *p) != NULL)
				buf_addc(&uri, *p);
			else
				buf_printf(&uri, "%%%02X", *p);
		}
		buf_adds(&uri, immutable ? "?immutable=1" : "?mode=ro");
		sqlite3_close(src);
		src = NULL;
		rc = sqlite3_open_v2(buf_cstr(&uri), &src,
		    SQLITE_OPEN_READONLY | SQLITE_OPEN_URI, NULL);
		buf_free(&uri);
		if (rc == SQLITE_OK)
			rc = sqlite3_exec(src, "SELECT count(*) FROM "
			    "sqlite_master", NULL, NULL, NULL);
		if (rc == SQLITE_OK)
			break;
	}
	if (rc != SQLITE_OK) {
		*cause = xstrdup(src != NULL ? sqlite3_errmsg(src) :
		    "out of memory");
		sqlite3_close(src);
		return -1;
	}
	b = sqlite3_backup_init(s->db, "main", src, "main");
	if (b != NULL) {
		sqlite3_backup_step(b, -1);
		sqlite3_backup_finish(b);
	}
	rc = 0;
	if (sqlite3_errcode(s->db) != SQLITE_OK) {
		*cause = xasprintf("copying it: %s", sqlite3_errmsg(s->db));
		rc = -1;
	}
	sqlite3_close(src);
	return rc;
}

/*
 * Open the database at path, or a temporary one for NULL, and make sure
 * the schema is there.  A database at path that the user may only read is
 * copied into a temporary one (store_is_readonly).  NULL and *cause on
 * failure.
 */
struct store *
store_open(const char *path, char **cause)
{
	struct store	*s;
	char		*err = NULL, *ignored = NULL;

	s = xcalloc(1, sizeof *s);
	s->readonly = path != NULL && access(path, F_OK) == 0 &&
	    access(path, W_OK) != 0;
	s->persistent = path != NULL && !s->readonly;
	/*
	 * NOMUTEX: the storing thread and the main thread take turns with
	 * the connection (handoff.c), never at once, so SQLite need not lock
	 * it on every call.
	 */
	if (sqlite3_open_v2(s->persistent ? path : "", &s->db,
	    SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
	    NULL) != SQLITE_OK) {
		*cause = xasprintf("%s: %s", path != NULL ? path : "temporary "
		    "database", s->db != NULL ? sqlite3_errmsg(s->db) :
		    "out of memory");
		goto fail;
	}
	sqlite3_busy_timeout(s->db, STORE_BUSY_MS);
	if (log_verbose > 1)
		sqlite3_trace_v2(s->db, SQLITE_TRACE_PROFILE, store_profile,
		    NULL);
	s->sandbox = sandbox_create(s->db);
	sqlite3_extended_result_codes(s->db, 1);
	/*
	 * Pages of 16 KiB, for a new database (an existing one keeps its
	 * own): a run's line list fits in fewer overflow pages, and the index
	 * builds and the report read the table in a quarter of the reads
	 * (33.9k 4 KiB preads at 1M lines); about 8 % faster there.  Before
	 * WAL, which fixes the page size.
	 */
	if (s->readonly && store_copy_readonly(s, path, &err) != 0)
		goto fail_msg;
	if (store_check_version(s, &err) != 0)
		goto fail_msg;
	if (store_exec_busy(s, "PRAGMA page_size = 16384;", &err) != 0)
		goto fail_msg;
	if (s->persistent) {
		if (store_exec_busy(s, "PRAGMA journal_mode = WAL;"
		    "PRAGMA synchronous = NORMAL;", &err) != 0)
			goto fail_msg;
	} else {
		/*
		 * A scratch database: nothing to protect from a crash, but
		 * store_abort_input's ROLLBACK must work (with the journal
		 * OFF it leaves half an input, or a malformed database after
		 * an out-of-memory error): keep the journal in memory.
		 */
		if (store_exec(s, "PRAGMA journal_mode = MEMORY;"
		    "PRAGMA synchronous = OFF;", &err) != 0)
			goto fail_msg;
	}
	if (store_exec(s, "PRAGMA cache_size = -8192;"
	    "PRAGMA temp_store = FILE;"
	    "PRAGMA temp.journal_mode = MEMORY;", &err) != 0)
		goto fail_msg;
	/* two first runs at once: one creates the schema, one waits */
	if (store_exec(s, "BEGIN IMMEDIATE", &err) != 0 ||
	    store_check_version(s, &err) != 0) {
		store_exec(s, "ROLLBACK", &ignored);
		free(ignored);
		goto fail_msg;
	}
	if (store_exec(s, embedded_schema, &err) != 0 ||
	    store_exec(s, "INSERT OR IGNORE INTO meta VALUES "
	    "('schema_version', '" STORE_SCHEMA_VERSION "');"
	    /* a database of rows from before has no order yet (order.c) */
	    "INSERT OR IGNORE INTO meta SELECT 'event_order', 'ordered'"
	    " WHERE NOT EXISTS (SELECT 1 FROM events);"
	    "COMMIT;"
	    "CREATE TEMP TABLE run_inputs (path TEXT NOT NULL,"
	    " action TEXT NOT NULL, input_id INTEGER)", &err) != 0) {
		store_exec(s, "ROLLBACK", &ignored);
		free(ignored);
		goto fail_msg;
	}
	if (classify_store_kinds(s->db, &err) != 0)
		goto fail_msg;
	/* sums of what this run stores: not for a copy's events */
	if (!s->persistent && !s->readonly)
		s->sums = connsum_create();
	if (store_prepare(s, store_ins_event_sql, &s->ins_event, &err) != 0 ||
	    store_prepare(s, store_ins_sample_sql, &s->ins_sample, &err) != 0 ||
	    store_prepare(s, store_add_cont_sql, &s->add_cont, &err) != 0)
		goto fail_msg;
	return s;

fail_msg:
	*cause = xasprintf("%s: %s", path != NULL ? path : "temporary database",
	    err);
	free(err);
fail:
	store_close(s);
	return NULL;
}

void
store_close(struct store *s)
{
	if (s == NULL)
		return;
	sqlite3_finalize(s->ins_event);
	sqlite3_finalize(s->ins_sample);
	sqlite3_finalize(s->add_cont);
	sandbox_free(s->sandbox);
	sqlite3_close(s->db);
	connsum_free(s->sums);
	free(s);
}

void *
store_db(struct store *s)
{
	return s->db;
}

/* The sandbox of user SQL on the connection, borrowed. */
struct sandbox *
store_sandbox(struct store *s)
{
	return s->sandbox;
}

/* Whether the --db file may only be read (the store is a copy of it). */
int
store_is_readonly(const struct store *s)
{
	return s->readonly;
}

/* Whether the database outlives the run (--db). */
int
store_is_persistent(const struct store *s)
{
	return s->persistent;
}

/*
 * Start loading one input: a write transaction.  BEGIN IMMEDIATE takes the
 * write lock at once, so that a second run on the same database waits here
 * (busy timeout) and then sees everything the first one committed.
 */
int
store_begin(struct store *s, char **cause)
{
	sqlite3_stmt	*st;
	int		 rc;

	if (store_exec(s, "BEGIN IMMEDIATE", cause) != 0)
		return -1;
	s->in_txn = 1;
	if (sqlite3_prepare_v2(s->db, "SELECT coalesce(max(id), 0) FROM "
	    "events", -1, &st, NULL) != SQLITE_OK)
		return store_error(s, "events", cause);
	rc = sqlite3_step(st);
	s->mark = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
	s->next_id = s->mark + 1;
	s->first_ts = s->last_ts = TS_NONE;
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW)
		return store_error(s, "events", cause);
	return 0;
}

/* Add an inputs row for path, in the transaction; its id in *id. */
int
store_add_input(struct store *s, const char *path, int64_t *id, char **cause)
{
	sqlite3_stmt	*st;

	if (sqlite3_prepare_v2(s->db, "INSERT INTO inputs (path) VALUES (?1)",
	    -1, &st, NULL) != SQLITE_OK)
		return store_error(s, "inputs", cause);
	sqlite3_bind_text(st, 1, path, -1, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_DONE) {
		sqlite3_finalize(st);
		return store_error(s, "inputs", cause);
	}
	sqlite3_finalize(st);
	*id = sqlite3_last_insert_rowid(s->db);
	return 0;
}

/* Start loading one input: a transaction and an inputs row. */
int
store_begin_input(struct store *s, const char *path, int64_t *id,
    char **cause)
{
	if (store_begin(s, cause) != 0)
		return -1;
	return store_add_input(s, path, id, cause);
}

/*
 * The lengths of the inputs known by content, ascending and without 0, in
 * *lens (the caller's to free) and their number in *n.
 */
int
store_known_lengths(struct store *s, uint64_t **lens, size_t *n, char **cause)
{
	sqlite3_stmt	*st;
	size_t		 cap = 0;
	int		 rc;

	*lens = NULL;
	*n = 0;
	if (sqlite3_prepare_v2(s->db, "SELECT DISTINCT bytes FROM inputs"
	    " WHERE complete = 1 AND content_hash IS NOT NULL AND bytes > 0"
	    " ORDER BY bytes", -1, &st, NULL) != SQLITE_OK)
		return store_error(s, "inputs", cause);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (*n == cap) {
			cap = cap == 0 ? 16 : cap * 2;
			*lens = xreallocarray(*lens, cap, sizeof **lens);
		}
		(*lens)[(*n)++] = (uint64_t)sqlite3_column_int64(st, 0);
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		free(*lens);
		*lens = NULL;
		*n = 0;
		return store_error(s, "inputs", cause);
	}
	return 0;
}

/*
 * Find a complete input whose first bytes bytes have the digest hash.
 * Returns 1 and fills *k (k->path is the caller's to free), 0 when there is
 * none, -1 and *cause on error.
 */
int
store_find_input(struct store *s, uint64_t bytes, const char *hash,
    struct store_known *k, char **cause)
{
	sqlite3_stmt	*st;
	int		 rc;

	if (sqlite3_prepare_v2(s->db, "SELECT id, path, lines FROM inputs"
	    " WHERE bytes = ?1 AND content_hash = ?2 AND complete = 1"
	    " ORDER BY id LIMIT 1", -1, &st, NULL) != SQLITE_OK)
		return store_error(s, "inputs", cause);
	sqlite3_bind_int64(st, 1, (sqlite3_int64)bytes);
	sqlite3_bind_text(st, 2, hash, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		k->id = sqlite3_column_int64(st, 0);
		k->path = xstrdup((const char *)sqlite3_column_text(st, 1));
		k->lines = (uint64_t)sqlite3_column_int64(st, 2);
		k->bytes = bytes;
		sqlite3_finalize(st);
		return 1;
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return store_error(s, "inputs", cause);
	return 0;
}

/* Bind a time, NULL for TS_NONE. */
void
store_bind_ts(sqlite3_stmt *st, int col, int64_t ts)
{
	if (ts == TS_NONE)
		sqlite3_bind_null(st, col);
	else
		sqlite3_bind_int64(st, col, ts);
}

/* Bind len bytes of text, NULL for a NULL s; s must outlive the step. */
void
store_bind_text(sqlite3_stmt *st, int col, const char *s, size_t len)
{
	if (s == NULL)
		sqlite3_bind_null(st, col);
	else
		sqlite3_bind_text64(st, col, s, len, SQLITE_STATIC,
		    SQLITE_UTF8);
}

/*
 * Whether the line reads back exactly as prefix, message, space and JSON
 * (the event_lines view), so that only the prefix need be stored.
 */
static int
store_is_rebuilt(const struct log_record *r)
{
	const char	*end = r->text + r->text_len;

	if (r->msg < r->text || r->msg > end)
		return 0;
	if (r->json == NULL)
		return r->msg + r->msg_len == end;
	return r->json_ok == 1 && r->json == r->msg + r->msg_len + 1 &&
	    r->msg[r->msg_len] == ' ' && r->json + r->json_len == end;
}

/*
 * The id of the next event: ids are the reading order, and a run's row
 * takes its first line's place although it is stored when the run ends.
 */
int64_t
store_next_event(struct store *s)
{
	return s->next_id++;
}

/*
 * Insert event id (from store_next_event), read at line of input; tot has
 * the totals of the run of lines it stands for, or is NULL for one line.
 */
int
store_insert_event(struct store *s, int64_t id, int64_t input,
    uint64_t line, const struct log_record *r, const struct envelope *env,
    const struct event_totals *tot, char **cause)
{
	sqlite3_stmt	*st = s->ins_event;
	const char	*level;
	int64_t		 last_ts = TS_NONE;

	sqlite3_bind_int64(st, 1, input);
	sqlite3_bind_int64(st, 2, (sqlite3_int64)line);
	store_bind_ts(st, 3, r->ts);
	sqlite3_bind_text(st, 4, store_ts_sources[r->ts_src], -1,
	    SQLITE_STATIC);
	level = parser_level_name(r->level);
	if (*level == '\0')
		sqlite3_bind_null(st, 5);
	else
		sqlite3_bind_text(st, 5, level, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 6, classify_kind_name(r->kind), -1,
	    SQLITE_STATIC);
	store_bind_text(st, 7, r->conn, r->conn_len);
	store_bind_text(st, 8, r->msg, r->msg_len);
	store_bind_text(st, 9, r->json_ok == 1 ? r->json : NULL, r->json_len);
	store_bind_text(st, 10, r->json_ok == 0 ? r->json_error : NULL,
	    r->json_ok == 0 ? strlen(r->json_error) : 0);
	if (r->close_code == -1)
		sqlite3_bind_null(st, 11);
	else
		sqlite3_bind_int64(st, 11, r->close_code);
	store_bind_text(st, 12, r->proc, r->proc_len);
	store_bind_text(st, 13, env->host, env->host ? strlen(env->host) : 0);
	store_bind_text(st, 14, env->unit, env->unit ? strlen(env->unit) : 0);
	if (store_is_rebuilt(r)) {
		store_bind_text(st, 15, r->text, (size_t)(r->msg - r->text));
		sqlite3_bind_null(st, 16);
	} else {
		sqlite3_bind_null(st, 15);
		store_bind_text(st, 16, r->text, r->text_len);
	}
	sqlite3_bind_int64(st, 17, id);
	if (tot != NULL && tot->count > 1) {
		last_ts = tot->last_ts;
		sqlite3_bind_int64(st, 18, (sqlite3_int64)tot->count);
		sqlite3_bind_int64(st, 19, (sqlite3_int64)tot->last_line);
		store_bind_ts(st, 20, last_ts);
		store_bind_text(st, 21, tot->list, tot->list_len);
	} else {
		sqlite3_bind_int64(st, 18, 1);
		sqlite3_bind_null(st, 19);
		sqlite3_bind_null(st, 20);
		sqlite3_bind_null(st, 21);
	}
	sqlite3_bind_int64(st, 22, tot != NULL ?
	    (sqlite3_int64)tot->continuations : 0);
	if (sqlite3_step(st) != SQLITE_DONE) {
		sqlite3_reset(st);
		return store_error(s, "insert event", cause);
	}
	sqlite3_reset(st);
	/* the input's time range, as min(ts), max(coalesce(last_ts, ts)) */
	if (r->ts != TS_NONE && (s->first_ts == TS_NONE || r->ts < s->first_ts))
		s->first_ts = r->ts;
	if (last_ts == TS_NONE)
		last_ts = r->ts;
	if (last_ts != TS_NONE &&
	    (s->last_ts == TS_NONE || last_ts > s->last_ts))
		s->last_ts = last_ts;
	if (r->ts_src == TSSRC_ENVELOPE_NOYEAR)
		s->year_inferred += tot != NULL ? (int64_t)tot->count : 1;
	/* what both logs record is kept once by connections.sql */
	if (s->sums != NULL && (env->kind == ENV_SESSION_LOG ||
	    env->kind == ENV_WATCH))
		connsum_drop(s->sums, "session logs to merge");
	if (s->sums != NULL)
		connsum_event(s->sums, id, r, env->host,
		    tot != NULL ? tot->count : 1, last_ts);
	return 0;
}

/* Count n continuation lines (a stack trace, say) against an event. */
int
store_add_continuations(struct store *s, int64_t event, uint64_t n,
    char **cause)
{
	sqlite3_stmt	*st = s->add_cont;

	sqlite3_bind_int64(st, 1, event);
	sqlite3_bind_int64(st, 2, (sqlite3_int64)n);
	if (sqlite3_step(st) != SQLITE_DONE) {
		sqlite3_reset(st);
		return store_error(s, "continuation", cause);
	}
	sqlite3_reset(st);
	return 0;
}

/*
 * Remember for the report that path was skipped or resumed (what) as input
 * id in this run: the temporary table run_inputs.  Best effort: the report
 * then just says less.
 */
void
store_note_input(struct store *s, const char *path, const char *what,
    int64_t id)
{
	sqlite3_stmt	*st;

	if (sqlite3_prepare_v2(s->db, "INSERT INTO temp.run_inputs"
	    " (path, action, input_id) VALUES (?1, ?2, ?3)", -1, &st,
	    NULL) != SQLITE_OK)
		return;
	sqlite3_bind_text(st, 1, path, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, what, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, id);
	if (sqlite3_step(st) != SQLITE_DONE)
		log_debug("run_inputs: %s", sqlite3_errmsg(s->db));
	sqlite3_finalize(st);
}

/* Keep a line that was not an event, for the report's samples. */
int
store_insert_sample(struct store *s, int64_t input, uint64_t line,
    const char *reason, const char *text, size_t len, char **cause)
{
	sqlite3_stmt	*st = s->ins_sample;

	sqlite3_bind_int64(st, 1, input);
	sqlite3_bind_int64(st, 2, (sqlite3_int64)line);
	sqlite3_bind_text(st, 3, reason, -1, SQLITE_STATIC);
	/* Samples are for reading, not for evidence: keep them short. */
	sqlite3_bind_text64(st, 4, text, len > 200 ? 200 : len, SQLITE_STATIC,
	    SQLITE_UTF8);
	if (sqlite3_step(st) != SQLITE_DONE) {
		sqlite3_reset(st);
		return store_error(s, "insert sample", cause);
	}
	sqlite3_reset(st);
	return 0;
}

/*
 * Add the counts of what was read to the input's row (a resumed input
 * already has some), record its content digest (NULL for none) and commit.
 */
int
store_end_input(struct store *s, int64_t id, const struct input_stats *is,
    const char *hash, char **cause)
{
	sqlite3_stmt	*st;
	int		 rc;

	if (sqlite3_prepare_v2(s->db, "UPDATE inputs SET bytes = bytes + ?2, "
	    "lines = lines + ?3, events = events + ?4, "
	    "continuations = continuations + ?5, unparsed = unparsed + ?6, "
	    "blank = blank + ?7, json_errors = json_errors + ?8, "
	    "complete = ?12, content_hash = ?9, "
	    "first_ts = coalesce(min(first_ts, ?10), first_ts, ?10), "
	    "last_ts = coalesce(max(last_ts, ?11), last_ts, ?11) "
	    "WHERE id = ?1", -1, &st, NULL) != SQLITE_OK)
		return store_error(s, "inputs", cause);
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int64(st, 2, (sqlite3_int64)is->bytes);
	sqlite3_bind_int64(st, 3, (sqlite3_int64)is->lines);
	sqlite3_bind_int64(st, 4, (sqlite3_int64)is->events);
	sqlite3_bind_int64(st, 5, (sqlite3_int64)is->continuations);
	sqlite3_bind_int64(st, 6, (sqlite3_int64)is->unparsed);
	sqlite3_bind_int64(st, 7, (sqlite3_int64)is->blank);
	sqlite3_bind_int64(st, 8, (sqlite3_int64)is->json_errors);
	if (hash != NULL)
		sqlite3_bind_text(st, 9, hash, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(st, 9);
	sqlite3_bind_int(st, 12, !is->partial);
	/* kept while storing: no scan of the input's rows */
	store_bind_ts(st, 10, s->first_ts);
	store_bind_ts(st, 11, s->last_ts);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return store_error(s, "inputs", cause);
	if (order_note_input(s->db, id, cause) != 0)
		return -1;
	if (store_exec(s, "COMMIT", cause) != 0) {
		xprefix(cause, "cannot commit");
		return -1;
	}
	s->in_txn = 0;
	return 0;
}

/* Drop a half-loaded input, or end a transaction that added nothing. */
int
store_abort_input(struct store *s)
{
	char	*cause = NULL;
	int	 rc = 0;

	if (s->in_txn) {
		rc = store_exec(s, "ROLLBACK", &cause);
		free(cause);
		s->in_txn = 0;
		if (s->sums != NULL)
			connsum_drop(s->sums, "an input was rolled back");
	}
	return rc;
}

/*
 * One row per connection: from the sums kept while storing when they saw
 * every row of the window, else from the events (connections.sql).
 */
static int
store_connections(struct store *s, int64_t since, int64_t until,
    char **cause)
{
	int	rc;

	if (s->sums != NULL && since == TS_NONE && until == TS_NONE &&
	    connsum_dropped(s->sums) == NULL) {
		log_debug("connections from the sums kept while storing");
		rc = connsum_store(s->sums, s->db, cause);
		s->summed = rc == 0;
		/* they describe the whole load once */
		connsum_drop(s->sums, "used");
		return rc;
	}
	if (s->sums != NULL && connsum_dropped(s->sums) != NULL)
		log_debug("connections from the events: %s",
		    connsum_dropped(s->sums));
	s->summed = 0;
	return store_exec(s, embedded_connections, cause);
}

/*
 * The report's notes on the window, when the load already knows them: with
 * the connections from the sums (every row stored by this run, no window,
 * no line to attribute) nothing was attributed or left unattributed, and
 * the lines whose year was inferred were counted as they were stored.
 * Returns 0 when the caller must count them over the window itself.
 */
int
store_window_notes(const struct store *s, int64_t *attributed,
    int64_t *unattributed, int64_t *year_inferred)
{
	if (!s->summed)
		return 0;
	*attributed = 0;
	*unattributed = 0;
	*year_inferred = s->year_inferred;
	return 1;
}

/*
 * Lines this run read that looked like the relay's (a level of its, a
 * connection id) but were not events: a wrapper not read, most likely.
 */
void
store_note_unread(struct store *s, uint64_t n)
{
	s->unread += n;
}

uint64_t
store_unread(const struct store *s)
{
	return s->unread;
}

/*
 * In a write transaction: put the rows in the inputs' time order if a
 * load left them out of it (order.c).  Sums kept while storing name the
 * ids the rows had.
 */
static int
store_order_events(struct store *s, char **cause)
{
	int64_t	moved;

	if (order_events(s->db, &moved, cause) != 0)
		return -1;
	if (moved > 0 && s->sums != NULL)
		connsum_drop(s->sums, "rows were put in time order");
	return 0;
}

/*
 * The same in a transaction of its own: at the end of an --ingest-only
 * load, and before the indexes are built (store_finish_load).
 */
int
store_order(struct store *s, char **cause)
{
	char	*ignored = NULL;

	if (store_exec(s, "BEGIN IMMEDIATE", cause) != 0)
		return -1;
	if (store_order_events(s, cause) != 0) {
		store_exec(s, "ROLLBACK", &ignored);
		free(ignored);
		return -1;
	}
	return store_exec(s, "COMMIT", cause);
}

/*
 * After loading: build the indexes, set the report window and rebuild the
 * connections table.  since and until may be TS_NONE.
 */
int
store_finish_load(struct store *s, int64_t since, int64_t until,
    char **cause)
{
	char	 where[128];
	char	*sql, *ignored = NULL;
	int	 rc;

	/*
	 * Rows out of place are moved before the indexes exist when they do
	 * not yet (a scratch database): fewer pages for its in-memory journal
	 * to keep (1M lines in two files given newest first: 32 MB at peak,
	 * not 43).  The analysis checks again, in its own transaction, for a
	 * run that loaded since.
	 */
	if (store_order(s, cause) != 0)
		return -1;
	if (store_exec(s, "CREATE INDEX IF NOT EXISTS events_conn "
	    "ON events (conn, id);"
	    "CREATE INDEX IF NOT EXISTS events_kind "
	    "ON events (kind, conn, id);", cause) != 0)
		return -1;

	if (since == TS_NONE && until == TS_NONE)
		snprintf(where, sizeof where, "1");
	else if (until == TS_NONE)
		snprintf(where, sizeof where, "ts >= %lld", (long long)since);
	else if (since == TS_NONE)
		snprintf(where, sizeof where, "ts < %lld", (long long)until);
	else
		snprintf(where, sizeof where, "ts >= %lld AND ts < %lld",
		    (long long)since, (long long)until);
	/*
	 * evk: the window's events with their kind's properties.  The kinds
	 * in the outer loop, so a look-up by fact uses events_kind.
	 */
	sql = xasprintf("DROP VIEW IF EXISTS temp.ev;"
	    "CREATE TEMP VIEW ev AS SELECT * FROM main.events WHERE %s;"
	    "DROP VIEW IF EXISTS temp.evk;"
	    "CREATE TEMP VIEW evk AS SELECT k.role, k.fact, k.live, e.*"
	    " FROM kinds AS k CROSS JOIN ev AS e ON e.kind = k.kind;",
	    where);
	rc = store_exec(s, sql, cause);
	free(sql);
	if (rc != 0)
		return -1;

	/*
	 * IMMEDIATE: the analysis reads events before it writes; a deferred
	 * transaction could not take the write lock after another run
	 * committed (SQLITE_BUSY at once, no busy wait).
	 */
	if (store_exec(s, "BEGIN IMMEDIATE", cause) != 0)
		return -1;
	if (store_order_events(s, cause) != 0 ||
	    store_connections(s, since, until, cause) != 0 ||
	    store_exec(s, embedded_analysis, cause) != 0) {
		store_exec(s, "ROLLBACK", &ignored);
		free(ignored);
		return -1;
	}
	return store_exec(s, "COMMIT", cause);
}
