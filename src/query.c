/* SPDX-License-Identifier: MIT */
/*
 * --sql: the user's own query over the store, printed as a markdown table
 * or as a JSON array of objects.  Only read-only statements run, so a
 * query can never change a kept database by accident.
 */
#include "config.h"

#include <math.h>
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
			    store_column_text(st, i),
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
		/* JSON has no Inf or NaN: null, as JSON.stringify gives */
		if (!isfinite(sqlite3_column_double(st, i)))
			return json_null();
		return json_real(sqlite3_column_double(st, i));
	default:
		buf_reset(tmp);
		text_sanitize(tmp, store_column_text(st, i),
		    (size_t)sqlite3_column_bytes(st, i));
		return json_stringn(tmp->data != NULL ? tmp->data : "",
		    tmp->len);
	}
}

/*
 * Past white space, semicolons and comments (-- to the end of the line,
 * and C-style, an unclosed one to the end): what is left after the
 * statement must be nothing else.
 */
static const char *
query_skip_rest(const char *p)
{
	for (;;) {
		p += strspn(p, " \t\r\n\f;");
		if (p[0] == '-' && p[1] == '-')
			p += strcspn(p, "\n");
		else if (p[0] == '/' && p[1] == '*') {
			p = strstr(p + 2, "*/");
			if (p == NULL)
				return "";
			p += 2;
		} else
			return p;
	}
}

/* The message of a query that failed, refused or stopped by the sandbox. */
static char *
query_error(struct sandbox *sb)
{
	char	*msg, *cause;

	msg = sandbox_message(sb);
	if (msg == NULL)
		return xstrdup("--sql: only read-only statements may run");
	cause = xasprintf("--sql: %s", msg);
	free(msg);
	return cause;
}

/*
 * Run one read-only statement in the sandbox; its rows go to out as
 * markdown (json == 0) or JSON, and from out to dst (if not NULL) as they
 * come.  -1 and *cause when it does not prepare, writes, is refused, stops
 * at the time limit or fails; -2 and *cause when its output cannot be
 * written, it is interrupted, or it fails for want of memory or I/O.
 */
int
query_run(struct store *s, const char *sql, int json, struct buf *out,
    struct output *dst, char **cause)
{
	sqlite3		*db = store_db(s);
	struct sandbox	*sb = store_sandbox(s);
	sqlite3_stmt	*st = NULL;
	const char	*tail;
	json_t		*o;
	struct buf	 tmp;
	int		 ncol, i, rc, nrows = 0, ret = -1;

	buf_init(&tmp);
	sandbox_start(sb, 1);
	if (sqlite3_prepare_v2(db, sql, -1, &st, &tail) != SQLITE_OK) {
		*cause = query_error(sb);
		if (sandbox_failed_outside(sb))
			ret = -2;
		goto out;
	}
	if (st == NULL) {
		*cause = xstrdup("--sql: no statement");
		goto out;
	}
	if (*query_skip_rest(tail) != '\0') {
		*cause = xstrdup("--sql: give one statement");
		goto out;
	}
	if (!sqlite3_stmt_readonly(st)) {
		*cause = xstrdup("--sql: only read-only statements may run");
		goto out;
	}

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
			ret = -2;
			goto out;
		}
	}
	if (rc != SQLITE_DONE) {
		*cause = query_error(sb);
		if (sandbox_failed_outside(sb))
			ret = -2;
		goto out;
	}
	if (json)
		buf_adds(out, nrows > 0 ? "\n]\n" : "]\n");
	else
		buf_printf(out, "\n(%d row%s)\n", nrows, nrows == 1 ? "" : "s");
	ret = 0;
out:
	sqlite3_finalize(st);
	sandbox_stop(sb);
	buf_free(&tmp);
	return ret;
}
