/* SPDX-License-Identifier: MIT */
/*
 * The JSON report (docs/report-json.md): inputs, sessions and findings with
 * their evidence, built with jansson.  json_object_set_new and
 * json_array_append_new steal the reference they are given, so each value
 * built here is released once, when it has been written.  Strings from
 * logs are sanitized to valid UTF-8 first; times are ISO-8601 UTC strings
 * or null.
 *
 * The top-level object is written by hand, member by member, and the
 * sessions and findings arrays element by element, each as jansson would
 * indent it in place: a day of logs has tens of thousands of each, and
 * the whole tree in memory would grow with the input.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <sqlite3.h>

#include "loganalyze.h"

struct jreport {
	sqlite3		*db;
	char		**cause;
	int		 failed;
	struct buf	 tmp;
	struct buf	*out;
	struct output	*dst;		/* where out goes as it fills, or NULL */
	int		 members;	/* of the top-level object, so far */
	int		 elements;	/* of the array being written */
};

/* Write what is built so far once it is big enough. */
static void
jr_flush(struct jreport *jr)
{
	if (!jr->failed && output_flush(jr->dst, jr->out, jr->cause) != 0)
		jr->failed = 1;
}

/* The separator before the next top-level member, and its key. */
static void
jr_key(struct jreport *jr, const char *key)
{
	buf_printf(jr->out, "%s  \"%s\": ", jr->members++ > 0 ? ",\n" : "",
	    key);
}

/* One top-level member; releases v. */
static void
jr_member(struct jreport *jr, const char *key, json_t *v)
{
	jr_key(jr, key);
	output_json(jr->out, v, 1);
	jr_flush(jr);
}

static void
jr_array_begin(struct jreport *jr, const char *key)
{
	jr_key(jr, key);
	buf_addc(jr->out, '[');
	jr->elements = 0;
}

/* One element of the top-level array being written; releases v. */
static void
jr_element(struct jreport *jr, json_t *v)
{
	buf_adds(jr->out, jr->elements++ > 0 ? ",\n    " : "\n    ");
	output_json(jr->out, v, 2);
	jr_flush(jr);
}

static void
jr_array_end(struct jreport *jr)
{
	buf_adds(jr->out, jr->elements > 0 ? "\n  ]" : "]");
}

static json_t *
jr_string(struct jreport *jr, const char *s, int len)
{
	if (s == NULL)
		return json_null();
	buf_reset(&jr->tmp);
	text_sanitize(&jr->tmp, s, len < 0 ? strlen(s) : (size_t)len);
	return json_stringn(jr->tmp.data != NULL ? jr->tmp.data : "",
	    jr->tmp.len);
}

static json_t *
jr_col_string(struct jreport *jr, sqlite3_stmt *st, int i)
{
	return jr_string(jr, store_column_text(st, i),
	    sqlite3_column_bytes(st, i));
}

static json_t *
jr_col_int(sqlite3_stmt *st, int i)
{
	if (sqlite3_column_type(st, i) == SQLITE_NULL)
		return json_null();
	return json_integer(sqlite3_column_int64(st, i));
}

static json_t *
jr_col_time(sqlite3_stmt *st, int i)
{
	char	t[40];

	if (sqlite3_column_type(st, i) == SQLITE_NULL)
		return json_null();
	time_format_iso(sqlite3_column_int64(st, i), t, sizeof t);
	return json_string(t);
}

static sqlite3_stmt *
jr_prepare(struct jreport *jr, const char *sql)
{
	return store_query(jr->db, sql, &jr->failed, jr->cause);
}

static int
jr_step(struct jreport *jr, sqlite3_stmt *st)
{
	return store_query_step(jr->db, st, &jr->failed, jr->cause);
}

static json_t *
jr_inputs(struct jreport *jr)
{
	sqlite3_stmt	*st;
	json_t		*a = json_array(), *o;

	st = jr_prepare(jr, "SELECT path, lines, events, continuations, blank,"
	    " unparsed, json_errors, first_ts, last_ts, complete, bytes"
	    " FROM inputs ORDER BY id");
	while (jr_step(jr, st)) {
		o = json_object();
		json_object_set_new(o, "path", jr_col_string(jr, st, 0));
		json_object_set_new(o, "bytes", jr_col_int(st, 10));
		json_object_set_new(o, "lines", jr_col_int(st, 1));
		json_object_set_new(o, "events", jr_col_int(st, 2));
		json_object_set_new(o, "continuations", jr_col_int(st, 3));
		json_object_set_new(o, "blank", jr_col_int(st, 4));
		json_object_set_new(o, "unparsed", jr_col_int(st, 5));
		json_object_set_new(o, "json_errors", jr_col_int(st, 6));
		json_object_set_new(o, "first_ts", jr_col_time(st, 7));
		json_object_set_new(o, "last_ts", jr_col_time(st, 8));
		json_object_set_new(o, "complete",
		    json_boolean(sqlite3_column_int(st, 9)));
		json_array_append_new(a, o);
	}
	sqlite3_finalize(st);
	return a;
}

/* Files this run skipped as known or read on (--db), or NULL for none. */
static json_t *
jr_run_inputs(struct jreport *jr)
{
	sqlite3_stmt	*st;
	json_t		*a = json_array(), *o;

	st = jr_prepare(jr, "SELECT path, action, input_id FROM"
	    " temp.run_inputs ORDER BY rowid");
	while (jr_step(jr, st)) {
		o = json_object();
		json_object_set_new(o, "path", jr_col_string(jr, st, 0));
		json_object_set_new(o, "action", jr_col_string(jr, st, 1));
		json_object_set_new(o, "input", jr_col_int(st, 2));
		json_array_append_new(a, o);
	}
	sqlite3_finalize(st);
	if (json_array_size(a) == 0) {
		json_decref(a);
		return NULL;
	}
	return a;
}

/* The comparison with the window before (--since), or NULL for none. */
static json_t *
jr_compare(struct jreport *jr)
{
	sqlite3_stmt	*st;
	json_t		*c, *a, *o;

	if (jr->failed || sqlite3_prepare_v2(jr->db, "SELECT before, since,"
	    " until FROM temp.compare_window", -1, &st, NULL) != SQLITE_OK)
		return NULL;	/* no window before */
	if (!jr_step(jr, st)) {
		sqlite3_finalize(st);
		return NULL;
	}
	c = json_object();
	json_object_set_new(c, "before_since", jr_col_time(st, 0));
	json_object_set_new(c, "since", jr_col_time(st, 1));
	json_object_set_new(c, "until", jr_col_time(st, 2));
	sqlite3_finalize(st);
	a = json_array();
	st = jr_prepare(jr, report_compare_sql);
	while (jr_step(jr, st)) {
		o = json_object();
		json_object_set_new(o, "rule", jr_col_string(jr, st, 0));
		json_object_set_new(o, "severity", jr_col_string(jr, st, 1));
		json_object_set_new(o, "title", jr_col_string(jr, st, 2));
		json_object_set_new(o, "findings_before", jr_col_int(st, 3));
		json_object_set_new(o, "findings", jr_col_int(st, 4));
		json_object_set_new(o, "connections_before",
		    jr_col_int(st, 5));
		json_object_set_new(o, "connections", jr_col_int(st, 6));
		json_array_append_new(a, o);
	}
	sqlite3_finalize(st);
	json_object_set_new(c, "rules", a);
	a = json_array();
	st = jr_prepare(jr, report_compare_attrs_sql);
	while (jr_step(jr, st)) {
		o = json_object();
		json_object_set_new(o, "attribute", jr_col_string(jr, st, 0));
		json_object_set_new(o, "value", jr_col_string(jr, st, 1));
		json_object_set_new(o, "sessions_before", jr_col_int(st, 2));
		json_object_set_new(o, "of_before", jr_col_int(st, 3));
		json_object_set_new(o, "sessions", jr_col_int(st, 4));
		json_object_set_new(o, "of", jr_col_int(st, 5));
		json_array_append_new(a, o);
	}
	sqlite3_finalize(st);
	json_object_set_new(c, "changes", a);
	return c;
}

static json_t *
jr_samples(struct jreport *jr)
{
	sqlite3_stmt	*st;
	json_t		*a = json_array(), *o;

	st = jr_prepare(jr, "SELECT i.path, s.line, s.reason, s.text FROM"
	    " samples AS s JOIN inputs AS i ON i.id = s.input_id"
	    " ORDER BY s.input_id, s.line");
	while (jr_step(jr, st)) {
		o = json_object();
		json_object_set_new(o, "path", jr_col_string(jr, st, 0));
		json_object_set_new(o, "line", jr_col_int(st, 1));
		json_object_set_new(o, "reason", jr_col_string(jr, st, 2));
		json_object_set_new(o, "text", jr_col_string(jr, st, 3));
		json_array_append_new(a, o);
	}
	sqlite3_finalize(st);
	return a;
}

static void
jr_sessions(struct jreport *jr)
{
	sqlite3_stmt	*st;
	json_t		*o;

	jr_array_begin(jr, "sessions");
	st = jr_prepare(jr, "SELECT conn, first_ts, last_ts, events,"
	    " live_seen, close_code, close_reason, outcome, host,"
	    " connected_ts, connect_call_ts, opened_ts, ready_ts, close_ts,"
	    " timeout_ts, disconnect_ts, connect_inferred, start_note,"
	    " (SELECT root_cause FROM session_causes AS s"
	    "  WHERE s.conn = connections.conn),"
	    " CASE WHEN close_code IS NOT NULL THEN 'closed:' || close_code"
	    "  WHEN close_id IS NOT NULL THEN 'closed:none'"
	    "  WHEN failed_error IS NOT NULL THEN 'connect_failed:'"
	    "   || failed_error"
	    "  WHEN disconnect_ts IS NOT NULL THEN 'disconnected'"
	    "  ELSE 'open' END"
	    " FROM connections ORDER BY first_id");
	while (jr_step(jr, st)) {
		o = json_object();
		json_object_set_new(o, "connection_id",
		    jr_col_string(jr, st, 0));
		json_object_set_new(o, "first_seen", jr_col_time(st, 1));
		json_object_set_new(o, "last_seen", jr_col_time(st, 2));
		json_object_set_new(o, "events", jr_col_int(st, 3));
		json_object_set_new(o, "opened",
		    json_boolean(sqlite3_column_int(st, 4)));
		json_object_set_new(o, "close_code", jr_col_int(st, 5));
		json_object_set_new(o, "close_reason",
		    jr_col_string(jr, st, 6));
		json_object_set_new(o, "outcome", jr_col_string(jr, st, 7));
		json_object_set_new(o, "host", jr_col_string(jr, st, 8));
		json_object_set_new(o, "connected", jr_col_time(st, 9));
		json_object_set_new(o, "connect_call", jr_col_time(st, 10));
		json_object_set_new(o, "socket_opened", jr_col_time(st, 11));
		json_object_set_new(o, "ready", jr_col_time(st, 12));
		json_object_set_new(o, "closed", jr_col_time(st, 13));
		json_object_set_new(o, "timeout_line", jr_col_time(st, 14));
		json_object_set_new(o, "disconnected", jr_col_time(st, 15));
		json_object_set_new(o, "connect_call_inferred",
		    json_boolean(sqlite3_column_int(st, 16)));
		json_object_set_new(o, "start_note", jr_col_string(jr, st, 17));
		json_object_set_new(o, "root_cause", jr_col_string(jr, st, 18));
		json_object_set_new(o, "outcome_code",
		    jr_col_string(jr, st, 19));
		jr_element(jr, o);
	}
	sqlite3_finalize(st);
	jr_array_end(jr);
}

static json_t *
jr_evidence(struct jreport *jr, sqlite3_stmt *ev, const char *ids)
{
	json_t		*a = json_array(), *o;
	const char	*p = ids;
	int64_t		 id;

	while (store_next_id(&p, &id)) {
		sqlite3_bind_int64(ev, 1, id);
		if (jr_step(jr, ev)) {
			o = json_object();
			json_object_set_new(o, "path",
			    jr_col_string(jr, ev, 0));
			json_object_set_new(o, "line", jr_col_int(ev, 1));
			json_object_set_new(o, "text",
			    jr_col_string(jr, ev, 2));
			json_object_set_new(o, "lines", jr_col_int(ev, 3));
			json_object_set_new(o, "last_line",
			    jr_col_int(ev, 4));
			json_array_append_new(a, o);
		}
		sqlite3_reset(ev);
	}
	return a;
}

static void
jr_findings(struct jreport *jr)
{
	sqlite3_stmt	*st, *ev;
	json_t		*o;

	jr_array_begin(jr, "findings");
	ev = jr_prepare(jr, store_evidence_sql);
	st = jr_prepare(jr, "SELECT id, rule, severity, title, conn,"
	    " first_ts, last_ts, count, summary, caused_by, evidence"
	    " FROM findings ORDER BY severity_rank DESC, rule, first_ts, id");
	while (jr_step(jr, st)) {
		o = json_object();
		json_object_set_new(o, "id", jr_col_int(st, 0));
		json_object_set_new(o, "rule", jr_col_string(jr, st, 1));
		json_object_set_new(o, "severity", jr_col_string(jr, st, 2));
		json_object_set_new(o, "title", jr_col_string(jr, st, 3));
		json_object_set_new(o, "connection_id",
		    jr_col_string(jr, st, 4));
		json_object_set_new(o, "first_ts", jr_col_time(st, 5));
		json_object_set_new(o, "last_ts", jr_col_time(st, 6));
		json_object_set_new(o, "count", jr_col_int(st, 7));
		json_object_set_new(o, "summary", jr_col_string(jr, st, 8));
		json_object_set_new(o, "caused_by", jr_col_int(st, 9));
		json_object_set_new(o, "evidence", jr_evidence(jr, ev,
		    store_column_text(st, 10)));
		jr_element(jr, o);
	}
	sqlite3_finalize(st);
	sqlite3_finalize(ev);
	jr_array_end(jr);
}

/* What --conn and --rule kept, or NULL when they were not given. */
static json_t *
jr_focus(const struct report_options *o)
{
	json_t	*v, *a;
	size_t	 i;

	if (o == NULL || (o->nconns == 0 && o->nrules == 0))
		return NULL;
	v = json_object();
	a = json_array();
	for (i = 0; i < o->nconns; i++)
		json_array_append_new(a, json_string(o->conns[i]));
	json_object_set_new(v, "conns", a);
	a = json_array();
	for (i = 0; i < o->nrules; i++)
		json_array_append_new(a, json_string(o->rules[i]));
	json_object_set_new(v, "rules", a);
	json_object_set_new(v, "connections_before",
	    json_integer(o->focus_total));
	return v;
}

/*
 * Write the JSON report into out: always complete (no size bound), but
 * narrowed by --conn and --rule.  -1 and *cause on a query error.
 */
int
report_json(struct store *s, const struct report_options *o,
    struct buf *out, struct output *dst, char **cause)
{
	struct jreport	  jr;
	struct diagnosis *d;
	json_t		 *run_inputs, *compare, *focus;

	memset(&jr, 0, sizeof jr);
	jr.db = store_db(s);
	jr.cause = cause;
	jr.out = out;
	jr.dst = dst;
	buf_init(&jr.tmp);

	buf_adds(out, "{\n");
	jr_member(&jr, "tool", json_string(PACKAGE_STRING));
	if ((focus = jr_focus(o)) != NULL)
		jr_member(&jr, "focus", focus);
	jr_member(&jr, "inputs", jr_inputs(&jr));
	run_inputs = jr_run_inputs(&jr);
	if (run_inputs != NULL)
		jr_member(&jr, "run_inputs", run_inputs);
	/* the comparison reads the diagnosis's tables too */
	if ((d = diagnosis_build(s, cause)) == NULL) {
		buf_free(&jr.tmp);
		return -1;
	}
	compare = jr_compare(&jr);
	if (compare != NULL)
		jr_member(&jr, "compare", compare);
	jr_member(&jr, "samples", jr_samples(&jr));
	jr_member(&jr, "summary", diagnosis_json_summary(d));
	jr_member(&jr, "diagnosis", diagnosis_json(d));
	diagnosis_free(d);
	jr_sessions(&jr);
	jr_findings(&jr);
	buf_adds(out, "\n}\n");
	buf_free(&jr.tmp);
	return jr.failed ? -1 : 0;
}
