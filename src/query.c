/* SPDX-License-Identifier: MIT */
/*
 * --sql: the user's own query over the store, printed as a markdown table
 * or as a JSON array of objects.  Only read-only statements run, so a
 * query can never change a kept database by accident.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <sqlite3.h>

#include "loganalyze.h"

static void
query_md_row(struct buf *out, sqlite3_stmt *st, int ncol)
{
	int	i;

	buf_adds(out, "|");
	for (i = 0; i < ncol; i++) {
		buf_adds(out, " ");
		if (sqlite3_column_type(st, i) != SQLITE_NULL)
			md_escape_cell(out,
			    (const char *)sqlite3_column_text(st, i),
			    (size_t)sqlite3_column_bytes(st, i));
		buf_adds(out, " |");
	}
	buf_addc(out, '\n');
}

static json_t *
query_json_value(sqlite3_stmt *st, int i, struct buf *tmp)
{
	switch (sqlite3_column_type(st, i)) {
	case SQLITE_NULL:
		return json_null();
	case SQLITE_INTEGER:
		return json_integer(sqlite3_column_int64(st, i));
	case SQLITE_FLOAT:
		return json_real(sqlite3_column_double(st, i));
	default:
		buf_reset(tmp);
		text_sanitize(tmp, (const char *)sqlite3_column_text(st, i),
		    (size_t)sqlite3_column_bytes(st, i));
		return json_stringn(tmp->data != NULL ? tmp->data : "",
		    tmp->len);
	}
}

/*
 * ATTACH is "read-only" to SQLite but creates or opens any file it names:
 * not something a query over the store needs.
 */
static int
query_authorize(void *arg, int action, const char *a, const char *b,
    const char *c, const char *d)
{
	(void)arg;
	(void)a;
	(void)b;
	(void)c;
	(void)d;
	if (action == SQLITE_ATTACH || action == SQLITE_DETACH)
		return SQLITE_DENY;
	return SQLITE_OK;
}

/*
 * Run one read-only statement; its rows go to out as markdown (json == 0)
 * or JSON, and from out to dst (if not NULL) as they come.  -1 and *cause
 * when it does not prepare, writes, or fails; -2 and *cause when its
 * output cannot be written.
 */
int
query_run(struct store *s, const char *sql, int json, struct buf *out,
    struct output *dst, char **cause)
{
	sqlite3		*db = store_db(s);
	sqlite3_stmt	*st;
	const char	*tail;
	json_t		*o;
	struct buf	 tmp;
	int		 ncol, i, rc, nrows = 0;

	sqlite3_set_authorizer(db, query_authorize, NULL);
	rc = sqlite3_prepare_v2(db, sql, -1, &st, &tail);
	sqlite3_set_authorizer(db, NULL, NULL);
	if (rc != SQLITE_OK) {
		*cause = xasprintf("--sql: %s", sqlite3_errmsg(db));
		return -1;
	}
	if (st == NULL) {
		*cause = xstrdup("--sql: no statement");
		return -1;
	}
	while (*tail == ' ' || *tail == '\n' || *tail == '\t' || *tail == ';')
		tail++;
	if (*tail != '\0') {
		*cause = xstrdup("--sql: give one statement");
		sqlite3_finalize(st);
		return -1;
	}
	if (!sqlite3_stmt_readonly(st)) {
		*cause = xstrdup("--sql: only read-only statements may run");
		sqlite3_finalize(st);
		return -1;
	}

	buf_init(&tmp);
	ncol = sqlite3_column_count(st);
	if (json)
		buf_addc(out, '[');
	else {
		buf_adds(out, "|");
		for (i = 0; i < ncol; i++) {
			buf_adds(out, " ");
			md_escape_cell(out, sqlite3_column_name(st, i),
			    strlen(sqlite3_column_name(st, i)));
			buf_adds(out, " |");
		}
		buf_adds(out, "\n|");
		for (i = 0; i < ncol; i++)
			buf_adds(out, " --- |");
		buf_addc(out, '\n');
	}
	/* rows are written as they come: a query may return every line */
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (!json)
			query_md_row(out, st, ncol);
		else {
			o = json_object();
			for (i = 0; i < ncol; i++)
				json_object_set_new(o,
				    sqlite3_column_name(st, i),
				    query_json_value(st, i, &tmp));
			buf_adds(out, nrows > 0 ? ",\n  " : "\n  ");
			output_json(out, o, 1);
		}
		nrows++;
		if (output_flush(dst, out, cause) != 0) {
			buf_free(&tmp);
			sqlite3_finalize(st);
			return -2;
		}
	}
	buf_free(&tmp);
	if (rc != SQLITE_DONE) {
		*cause = xasprintf("--sql: %s", sqlite3_errmsg(db));
		sqlite3_finalize(st);
		return -1;
	}
	sqlite3_finalize(st);
	if (json)
		buf_adds(out, nrows > 0 ? "\n]\n" : "]\n");
	else
		buf_printf(out, "\n(%d row%s)\n", nrows, nrows == 1 ? "" : "s");
	return 0;
}
