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

#include <sqlite3.h>

#include "loganalyze.h"
#include "embedded.h"

#define STORE_SCHEMA_VERSION	"1"

struct store {
	sqlite3		*db;
	sqlite3_stmt	*ins_event;
	sqlite3_stmt	*ins_sample;
	sqlite3_stmt	*add_cont;
	sqlite3_stmt	*upd_run;
	int		 persistent;
	int		 in_txn;
};

static const char store_ins_event_sql[] =
	"INSERT INTO events (input_id, line, ts, ts_source, level, kind, conn,"
	" message, json, json_error, code, proc, host, unit, prefix, raw)"
	" VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14,"
	" ?15, ?16)";
static const char store_ins_sample_sql[] =
	"INSERT INTO samples (input_id, line, reason, text)"
	" VALUES (?1, ?2, ?3, ?4)";
static const char store_add_cont_sql[] =
	"UPDATE events SET continuation_lines = continuation_lines + ?2"
	" WHERE id = ?1";

static const char store_upd_run_sql[] =
	"UPDATE events SET line_count = ?2, last_line = ?3, last_ts = ?4,"
	" line_list = ?5 WHERE id = ?1";

static const char *store_ts_sources[] = {
	"none", "line", "clock", "envelope", "json", "envelope-year-inferred"
};

static int
store_error(struct store *s, const char *what, char **cause)
{
	*cause = xasprintf("%s: %s", what, sqlite3_errmsg(s->db));
	return -1;
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

static int
store_prepare(struct store *s, const char *sql, sqlite3_stmt **stmt,
    char **cause)
{
	if (sqlite3_prepare_v3(s->db, sql, -1, SQLITE_PREPARE_PERSISTENT, stmt,
	    NULL) != SQLITE_OK)
		return store_error(s, "prepare", cause);
	return 0;
}

/* Refuse a database written by another schema version. */
static int
store_check_version(struct store *s, char **cause)
{
	sqlite3_stmt	*st;
	const char	*v;
	int		 rc = 0;

	if (sqlite3_prepare_v2(s->db,
	    "SELECT value FROM meta WHERE key = 'schema_version'", -1, &st,
	    NULL) != SQLITE_OK)
		return store_error(s, "schema version", cause);
	if (sqlite3_step(st) == SQLITE_ROW) {
		v = (const char *)sqlite3_column_text(st, 0);
		if (v == NULL || strcmp(v, STORE_SCHEMA_VERSION) != 0) {
			*cause = xasprintf("database has schema version %s, "
			    "this loganalyze reads version %s",
			    v != NULL ? v : "(none)", STORE_SCHEMA_VERSION);
			rc = -1;
		}
	}
	sqlite3_finalize(st);
	if (rc == 0 && store_exec(s, "INSERT OR IGNORE INTO meta VALUES "
	    "('schema_version', '" STORE_SCHEMA_VERSION "')", cause) != 0)
		rc = -1;
	return rc;
}

/*
 * Open the database at path, or a temporary one for NULL, and make sure
 * the schema is there.  NULL and *cause on failure.
 */
struct store *
store_open(const char *path, char **cause)
{
	struct store	*s;
	char		*err = NULL;

	s = xcalloc(1, sizeof *s);
	s->persistent = path != NULL;
	if (sqlite3_open_v2(path != NULL ? path : "", &s->db,
	    SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) != SQLITE_OK) {
		*cause = xasprintf("%s: %s", path != NULL ? path : "temporary "
		    "database", s->db != NULL ? sqlite3_errmsg(s->db) :
		    "out of memory");
		goto fail;
	}
	sqlite3_busy_timeout(s->db, 60000);
	sqlite3_extended_result_codes(s->db, 1);
	if (s->persistent) {
		if (store_exec(s, "PRAGMA journal_mode = WAL;"
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
	if (store_exec(s, "PRAGMA cache_size = -32768;"
	    "PRAGMA temp_store = FILE;", &err) != 0)
		goto fail_msg;
	if (store_exec(s, embedded_schema, &err) != 0)
		goto fail_msg;
	if (store_check_version(s, &err) != 0)
		goto fail_msg;
	if (store_prepare(s, store_ins_event_sql, &s->ins_event, &err) != 0 ||
	    store_prepare(s, store_ins_sample_sql, &s->ins_sample, &err) != 0 ||
	    store_prepare(s, store_add_cont_sql, &s->add_cont, &err) != 0 ||
	    store_prepare(s, store_upd_run_sql, &s->upd_run, &err) != 0)
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
	sqlite3_finalize(s->upd_run);
	sqlite3_close(s->db);
	free(s);
}

void *
store_db(struct store *s)
{
	return s->db;
}

/* Start loading one input: a transaction and an inputs row. */
int
store_begin_input(struct store *s, const char *path, int64_t *id,
    char **cause)
{
	sqlite3_stmt	*st;

	if (store_exec(s, "BEGIN IMMEDIATE", cause) != 0)
		return -1;
	s->in_txn = 1;
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

static void
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

/* Insert one event; its row id is the reading order. */
int
store_insert_event(struct store *s, int64_t input, uint64_t line,
    uint64_t cont_of, const struct log_record *r, const struct envelope *env,
    char **cause)
{
	sqlite3_stmt	*st = s->ins_event;
	const char	*level;

	(void)cont_of;
	sqlite3_bind_int64(st, 1, input);
	sqlite3_bind_int64(st, 2, (sqlite3_int64)line);
	if (r->ts == TS_NONE)
		sqlite3_bind_null(st, 3);
	else
		sqlite3_bind_int64(st, 3, r->ts);
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
	if (sqlite3_step(st) != SQLITE_DONE) {
		sqlite3_reset(st);
		return store_error(s, "insert event", cause);
	}
	sqlite3_reset(st);
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

/* Give a run's row its totals (runs.c). */
int
store_update_run(struct store *s, int64_t id, uint64_t count,
    uint64_t last_line, int64_t last_ts, const char *list, size_t len,
    char **cause)
{
	sqlite3_stmt	*st = s->upd_run;

	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int64(st, 2, (sqlite3_int64)count);
	sqlite3_bind_int64(st, 3, (sqlite3_int64)last_line);
	if (last_ts == TS_NONE)
		sqlite3_bind_null(st, 4);
	else
		sqlite3_bind_int64(st, 4, last_ts);
	sqlite3_bind_text64(st, 5, list, len, SQLITE_STATIC, SQLITE_UTF8);
	if (sqlite3_step(st) != SQLITE_DONE) {
		sqlite3_reset(st);
		return store_error(s, "update run", cause);
	}
	sqlite3_reset(st);
	return 0;
}

int64_t
store_last_event(struct store *s)
{
	return sqlite3_last_insert_rowid(s->db);
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

/* Record the input's counts and commit its transaction. */
int
store_end_input(struct store *s, int64_t id, const struct input_stats *is,
    char **cause)
{
	sqlite3_stmt	*st;
	int		 rc;

	if (sqlite3_prepare_v2(s->db, "UPDATE inputs SET bytes = ?2, "
	    "lines = ?3, events = ?4, continuations = ?5, unparsed = ?6, "
	    "blank = ?7, json_errors = ?8, complete = 1, "
	    "first_ts = (SELECT min(ts) FROM events WHERE input_id = ?1), "
	    "last_ts = (SELECT max(coalesce(last_ts, ts)) FROM events "
	    "WHERE input_id = ?1) "
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
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return store_error(s, "inputs", cause);
	if (store_exec(s, "COMMIT", cause) != 0)
		return -1;
	s->in_txn = 0;
	return 0;
}

/* Drop a half-loaded input. */
int
store_abort_input(struct store *s)
{
	char	*cause = NULL;
	int	 rc = 0;

	if (s->in_txn) {
		rc = store_exec(s, "ROLLBACK", &cause);
		free(cause);
		s->in_txn = 0;
	}
	return rc;
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
	sql = xasprintf("DROP VIEW IF EXISTS temp.ev;"
	    "CREATE TEMP VIEW ev AS SELECT * FROM main.events WHERE %s;",
	    where);
	rc = store_exec(s, sql, cause);
	free(sql);
	if (rc != 0)
		return -1;

	if (store_exec(s, "BEGIN", cause) != 0)
		return -1;
	if (store_exec(s, embedded_analysis, cause) != 0) {
		store_exec(s, "ROLLBACK", &ignored);
		free(ignored);
		return -1;
	}
	return store_exec(s, "COMMIT", cause);
}
