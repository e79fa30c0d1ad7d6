/* SPDX-License-Identifier: MIT */
/*
 * Mermaid charts for the markdown report, which GitHub draws from
 * ```mermaid blocks: a gantt chart of the sessions that get a section
 * (span, findings, close, connect timer) on one time axis, and for a
 * rate-limited session its messages per second against the relay's limit.
 * Log text reaches a chart only through chart_mermaid_label, which keeps
 * letters, digits and a few harmless signs, so it cannot end a label, a
 * line or the block.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "loganalyze.h"

#define CHART_AUDIO_LIMIT	200	/* the relay's audio chunks a second */
#define CHART_MAX_BINS		60	/* bars of a rate chart */
#define CHART_MARGIN_MS		2000	/* before and after the rejections */
#define CHART_MAX_LABEL		40	/* bytes of a label */
#define CHART_TIMER_MS		30000	/* the relay's connect timer */

/*
 * Append s as a mermaid label: letters, digits, space and ". , / ( ) + - _
 * =" stay, anything else (quotes, colons, semicolons, #, brackets, bytes
 * of other scripts) becomes a space; at most CHART_MAX_LABEL bytes.
 */
void
chart_mermaid_label(struct buf *b, const char *s, size_t len)
{
	size_t	i;
	char	c;

	if (len > CHART_MAX_LABEL)
		len = CHART_MAX_LABEL;
	for (i = 0; i < len; i++) {
		c = s[i];
		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || strchr(" .,/()+-_=", c) != NULL)
			buf_addc(b, c);
		else
			buf_addc(b, ' ');
	}
}

/* Whether a label came out as spaces only: mermaid wants a name. */
static int
chart_is_blank(struct buf *b)
{
	size_t	i;

	for (i = 0; i < b->len; i++) {
		if (b->data[i] != ' ')
			return 0;
	}
	return 1;
}

/* The first 8 characters of a connection id, as a label. */
static void
chart_conn(struct buf *b, const char *conn)
{
	size_t	n = strlen(conn);

	chart_mermaid_label(b, conn, n > 8 ? 8 : n);
}

static void
chart_label(struct buf *b, const char *s)
{
	if (s != NULL)
		chart_mermaid_label(b, s, strlen(s));
}

/* One gantt task; a milestone when start is end. */
static void
chart_task(struct buf *b, const char *name, const char *tag, int64_t start,
    int64_t end)
{
	buf_adds(b, "    ");
	chart_label(b, name);
	buf_adds(b, " :");
	if (start == end)
		buf_adds(b, "milestone, ");
	if (tag != NULL)
		buf_printf(b, "%s, ", tag);
	buf_printf(b, "%lld, %lld\n", (long long)start,
	    (long long)(end > start ? end : start + 1));
}

static const char chart_sessions_sql[] =
	"SELECT c.conn, c.first_ts, c.last_ts, c.connect_call_ts,"
	" c.timeout_ts, c.close_ts, c.close_code"
	" FROM report_sections AS s JOIN connections AS c ON c.conn = s.conn"
	" WHERE c.first_ts IS NOT NULL ORDER BY s.first_id";

static const char chart_findings_sql[] =
	"SELECT rule, severity_rank, first_ts, coalesce(last_ts, first_ts)"
	" FROM findings WHERE conn = ?1 AND first_ts IS NOT NULL"
	" ORDER BY first_ts, id";

static const char *chart_tags[] = { "done", "active", "crit" };

/* A close code of a session that ended as meant: 1000, 1001, 1005. */
static int
chart_close_normal(sqlite3_stmt *st, int i)
{
	int64_t	code = sqlite3_column_int64(st, i);

	return sqlite3_column_type(st, i) != SQLITE_NULL &&
	    (code == 1000 || code == 1001 || code == 1005);
}

/*
 * The gantt chart of the connections in report_sections: one section of
 * the chart each, its span, its connect call's timer up to the timeout
 * line, its close and its findings (spans, or milestones at one time).
 * Nothing when no connection has a time.  -1 and *cause on a query error.
 */
int
chart_sessions(sqlite3 *db, struct buf *b, char **cause)
{
	sqlite3_stmt	*st = NULL, *fs = NULL;
	struct buf	 name;
	const char	*conn;
	int64_t		 first, last, call, timeout, close, f0, f1;
	int		 rows = 0, failed = 0, rank;

	buf_init(&name);
	st = store_query(db, chart_sessions_sql, &failed, cause);
	fs = store_query(db, chart_findings_sql, &failed, cause);
	if (failed)
		goto out;
	while (store_query_step(db, st, &failed, cause)) {
		conn = store_column_text(st, 0);
		first = report_col_ts(st, 1);
		last = report_col_ts(st, 2);
		call = report_col_ts(st, 3);
		timeout = report_col_ts(st, 4);
		close = report_col_ts(st, 5);
		if (rows++ == 0)
			buf_adds(b, "```mermaid\ngantt\n"
			    "    title Sessions with problems\n"
			    "    dateFormat x\n"
			    "    axisFormat %H:%M:%S\n"
			    "    todayMarker off\n");
		buf_reset(&name);
		chart_conn(&name, conn);
		buf_printf(b, "    section %s\n", chart_is_blank(&name) ?
		    "(no id)" : buf_cstr(&name));
		chart_task(b, "session", NULL, first, last);
		/* the relay's timer runs 30 s from the connect call */
		if (call != TS_NONE && timeout != TS_NONE && timeout > call)
			chart_task(b, "30 s timer", "done",
			    timeout - CHART_TIMER_MS > call ?
			    timeout - CHART_TIMER_MS : call, timeout);
		if (close != TS_NONE) {
			buf_reset(&name);
			if (sqlite3_column_type(st, 6) != SQLITE_NULL)
				buf_printf(&name, "close %lld",
				    sqlite3_column_int64(st, 6));
			else
				buf_adds(&name, "close");
			chart_task(b, buf_cstr(&name),
			    chart_close_normal(st, 6) ? NULL : "crit", close,
			    close);
		}
		sqlite3_reset(fs);
		store_query_bind_text(db, fs, 1, conn, &failed, cause);
		while (store_query_step(db, fs, &failed, cause)) {
			rank = sqlite3_column_int(fs, 1);
			f0 = report_col_ts(fs, 2);
			f1 = report_col_ts(fs, 3);
			/* the close and the timeout line have their own row */
			if (f0 == f1 && (f0 == close || f0 == timeout))
				continue;
			chart_task(b, store_column_text(fs, 0),
			    chart_tags[rank < 0 ? 0 : rank > 2 ? 2 : rank], f0,
			    f1 < f0 ? f0 : f1);
		}
	}
	if (rows > 0)
		buf_adds(b, "```\n\n");
out:
	sqlite3_finalize(st);
	sqlite3_finalize(fs);
	buf_free(&name);
	return failed ? -1 : 0;
}

/*
 * Spread a run of count lines over [t0, t1] into the bins of width w from
 * start: a folded run keeps only its first and last time.
 */
static void
chart_spread(double *bins, int nbins, int64_t start, int64_t w, int64_t t0,
    int64_t t1, int64_t count)
{
	int64_t	i, lo, hi;

	if (t1 < t0)
		t1 = t0;
	lo = (t0 - start) / w;
	hi = (t1 - start) / w;
	if (hi < 0 || lo >= nbins)
		return;
	if (t1 == t0 || lo == hi) {
		if (lo >= 0 && lo < nbins)
			bins[lo] += (double)count;
		return;
	}
	for (i = lo; i <= hi; i++) {
		int64_t	a = start + i * w, z = a + w, part;

		if (a < t0)
			a = t0;
		if (z > t1)
			z = t1;
		part = z > a ? z - a : 0;
		if (i >= 0 && i < nbins)
			bins[i] += (double)count * (double)part /
			    (double)(t1 - t0);
	}
}

/*
 * For a connection with rate-limit warnings, an xychart of the messages a
 * second around them: bars of those it received (handled and rejected) and
 * of those rejected, a line at the relay's limit.  -1 and *cause on a
 * query error.
 */
int
chart_rate(sqlite3 *db, struct buf *b, const char *conn, char **cause)
{
	sqlite3_stmt	*st;
	double		 got[CHART_MAX_BINS], rejected[CHART_MAX_BINS], top;
	int64_t		 lo = TS_NONE, hi = TS_NONE, start, w;
	int		 failed = 0, nbins, i;
	char		 t[40];

	st = store_query(db, "SELECT min(ts), max(coalesce(last_ts, ts))"
	    " FROM events WHERE conn = ?1 AND kind = 'rate_limit'"
	    " AND ts IS NOT NULL", &failed, cause);
	if (failed)
		return -1;
	store_query_bind_text(db, st, 1, conn, &failed, cause);
	if (store_query_step(db, st, &failed, cause)) {
		lo = report_col_ts(st, 0);
		hi = report_col_ts(st, 1);
	}
	sqlite3_finalize(st);
	if (failed)
		return -1;
	if (lo == TS_NONE || hi == TS_NONE)
		return 0;
	start = (lo - CHART_MARGIN_MS) / 1000 * 1000;
	hi += CHART_MARGIN_MS;
	w = 1000;
	while ((hi - start) / w + 1 > CHART_MAX_BINS)
		w *= 2;
	nbins = (int)((hi - start) / w + 1);
	memset(got, 0, sizeof got);
	memset(rejected, 0, sizeof rejected);

	st = store_query(db, "SELECT kind = 'rate_limit', ts,"
	    " coalesce(last_ts, ts), line_count FROM events"
	    " WHERE conn = ?1 AND kind IN ('frame', 'rate_limit')"
	    " AND ts IS NOT NULL AND coalesce(last_ts, ts) >= ?2 AND ts <= ?3",
	    &failed, cause);
	if (failed)
		return -1;
	store_query_bind_text(db, st, 1, conn, &failed, cause);
	sqlite3_bind_int64(st, 2, start);
	sqlite3_bind_int64(st, 3, hi);
	while (store_query_step(db, st, &failed, cause)) {
		chart_spread(got, nbins, start, w, sqlite3_column_int64(st, 1),
		    sqlite3_column_int64(st, 2), sqlite3_column_int64(st, 3));
		if (sqlite3_column_int(st, 0))
			chart_spread(rejected, nbins, start, w,
			    sqlite3_column_int64(st, 1),
			    sqlite3_column_int64(st, 2),
			    sqlite3_column_int64(st, 3));
	}
	sqlite3_finalize(st);
	if (failed)
		return -1;

	top = CHART_AUDIO_LIMIT;
	for (i = 0; i < nbins; i++) {
		got[i] = got[i] * 1000.0 / (double)w;
		rejected[i] = rejected[i] * 1000.0 / (double)w;
		if (got[i] > top)
			top = got[i];
	}
	buf_adds(b, "```mermaid\nxychart-beta\n    title \"");
	chart_conn(b, conn);
	buf_printf(b, " messages a second (bars: received, rejected; line: "
	    "the limit, %d)\"\n    x-axis [", CHART_AUDIO_LIMIT);
	for (i = 0; i < nbins; i++) {
		time_format_clock(start + i * w, t, sizeof t);
		/* 11:08:05.000Z: the seconds are enough */
		t[8] = '\0';
		buf_printf(b, "%s\"%s\"", i > 0 ? ", " : "", t);
	}
	buf_printf(b, "]\n    y-axis \"messages a second\" 0 --> %d\n"
	    "    bar [", ((int)top / 50 + 1) * 50);
	for (i = 0; i < nbins; i++)
		buf_printf(b, "%s%.0f", i > 0 ? ", " : "", got[i]);
	buf_adds(b, "]\n    bar [");
	for (i = 0; i < nbins; i++)
		buf_printf(b, "%s%.0f", i > 0 ? ", " : "", rejected[i]);
	buf_adds(b, "]\n    line [");
	for (i = 0; i < nbins; i++)
		buf_printf(b, "%s%d", i > 0 ? ", " : "", CHART_AUDIO_LIMIT);
	buf_adds(b, "]\n```\n\n");
	return 0;
}
