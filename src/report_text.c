/* SPDX-License-Identifier: MIT */
/*
 * The terminal view (--format text, the default at a terminal): what
 * happened and the findings first, then each connection's timeline and
 * findings, in plain text wrapped to the terminal's width, with colour only
 * when asked (SGR escapes, which less -R passes).  It reads the same tables
 * and the same selection of sections as the markdown report (report.c).
 * Log text is sanitized, so it cannot reach the terminal as an escape; no
 * line is wider than the width.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "loganalyze.h"

#define TEXT_MAX_TIMELINE	40	/* rows per connection */
#define TEXT_MAX_ROWS		30	/* rows of the tables of connections */
#define TEXT_MAX_EVIDENCE	4	/* lines per finding */
#define TEXT_MAX_VERDICTS	10	/* ways connections went wrong */

/* report.c's column getters, by short names */
#define col_text(st, i)		store_column_text((st), (i))
#define col_ts(st, i)		report_col_ts((st), (i))

/* SGR sequences; the empty string without colour */
enum text_style { ST_PLAIN, ST_BOLD, ST_DIM, ST_RED, ST_YELLOW, ST_CYAN };
static const char *text_sgr[] = { "\033[0m", "\033[1m", "\033[2m",
    "\033[1;31m", "\033[33m", "\033[36m" };

struct text {
	struct store	*store;
	sqlite3		*db;
	struct buf	*out;
	struct output	*dst;
	char		**cause;
	int		 failed;
	int		 width;
	int		 color;
	size_t		 common;
	int		 one_input;
	const struct report_options *opts;
	int		 full;		/* --all: no row bounds */
};

static sqlite3_stmt *
text_prepare(struct text *t, const char *sql)
{
	return store_query(t->db, sql, &t->failed, t->cause);
}

static int
text_step(struct text *t, sqlite3_stmt *st)
{
	return !t->failed && store_query_step(t->db, st, &t->failed,
	    t->cause);
}

static void
text_flush(struct text *t)
{
	if (!t->failed && output_flush(t->dst, t->out, t->cause) != 0)
		t->failed = 1;
}

static void
text_style(struct text *t, enum text_style s)
{
	if (t->color)
		buf_adds(t->out, text_sgr[s]);
}

static enum text_style
text_severity_style(const char *sev)
{
	if (sev == NULL)
		return ST_PLAIN;
	if (strcasecmp(sev, "error") == 0)
		return ST_RED;
	if (strcasecmp(sev, "warning") == 0)
		return ST_YELLOW;
	return ST_CYAN;
}

/* Columns of sanitized text: UTF-8 sequences count once. */
static size_t
text_columns(const char *s, size_t len)
{
	size_t	i, n = 0;

	for (i = 0; i < len; i++) {
		if (((unsigned char)s[i] & 0xc0) != 0x80)
			n++;
	}
	return n;
}

/* Bytes of s that fit in cols columns, not cutting a UTF-8 sequence. */
static size_t
text_fit(const char *s, size_t len, size_t cols)
{
	size_t	i, n = 0;

	for (i = 0; i < len; i++) {
		if (((unsigned char)s[i] & 0xc0) != 0x80) {
			if (n == cols)
				return i;
			n++;
		}
	}
	return len;
}

/*
 * Append s (sanitized), word-wrapped: the first line goes on from column
 * col, the others start at indent; every line ends by the width.  Returns
 * the column where the text ends.
 */
static size_t
text_wrap_at(struct text *t, const char *s, size_t len, size_t col,
    size_t indent)
{
	struct buf	 clean;
	const char	*p, *end, *w;
	size_t		 wl, wc, room, n;
	int		 fresh = 0;	/* a line just broken: no space */

	if (s == NULL)
		return col;
	buf_init(&clean);
	text_sanitize(&clean, s, len);
	p = clean.data;
	end = clean.data + clean.len;
	while (p < end) {
		/* a space, kept unless it would start a line */
		if (*p == ' ' || *p == '\t') {
			if (!fresh && col < (size_t)t->width) {
				buf_addc(t->out, ' ');
				col++;
			}
			p++;
			continue;
		}
		for (w = p; w < end && *w != ' ' && *w != '\t'; w++)
			;
		wl = (size_t)(w - p);
		wc = text_columns(p, wl);
		if (col + wc > (size_t)t->width && col > indent) {
			/* drop the space before the break */
			while (t->out->len > 0 &&
			    t->out->data[t->out->len - 1] == ' ')
				t->out->len--;
			buf_printf(t->out, "\n%*s", (int)indent, "");
			col = indent;
		}
		fresh = 0;
		while (wl > 0) {
			room = (size_t)t->width > col ? (size_t)t->width - col :
			    1;
			n = text_fit(p, wl, room);
			if (n == 0)
				n = 1;
			buf_add(t->out, p, n);
			col += text_columns(p, n);
			p += n;
			wl -= n;
			if (wl > 0) {
				buf_printf(t->out, "\n%*s", (int)indent, "");
				col = indent;
			}
		}
		/* a word that ends at the edge: the next goes below */
		if (col >= (size_t)t->width && p < end) {
			buf_printf(t->out, "\n%*s", (int)indent, "");
			col = indent;
			fresh = 1;
		}
	}
	buf_free(&clean);
	return col;
}

/* A paragraph at indent, wrapped, ending the line. */
static void
text_para(struct text *t, const char *s, size_t indent)
{
	if (s == NULL || *s == '\0')
		return;
	buf_printf(t->out, "%*s", (int)indent, "");
	text_wrap_at(t, s, strlen(s), indent, indent);
	buf_addc(t->out, '\n');
}

/* A heading: bold, upper case words of our own. */
static void
text_heading(struct text *t, const char *s)
{
	buf_addc(t->out, '\n');
	text_style(t, ST_BOLD);
	text_wrap_at(t, s, strlen(s), 0, 2);
	text_style(t, ST_PLAIN);
	buf_addc(t->out, '\n');
}

static int64_t
text_scalar(struct text *t, const char *sql)
{
	return report_query_int(t->db, sql, &t->failed, t->cause);
}

static void
text_clock(struct buf *b, int64_t ts)
{
	char	c[40];

	time_format_clock(ts, c, sizeof c);
	buf_adds(b, c);
}

/*
 * From a to b: the times of day within one day (or of a log without
 * dates), else with their dates.
 */
static void
text_span(struct buf *b, int64_t from, int64_t to)
{
	if (!time_same_day(from, to) && !(time_is_clock_only(from) &&
	    time_is_clock_only(to))) {
		report_format_span(b, from, to);
		return;
	}
	text_clock(b, from);
	buf_adds(b, " to ");
	text_clock(b, to);
}

/* The first 8 characters of a connection id, enough to tell it. */
static void
text_short_id(struct buf *b, const char *conn)
{
	size_t	n = conn != NULL ? strlen(conn) : 0;

	text_sanitize(b, conn, n > 8 ? 8 : n);
}

/*
 * Markdown of ours back to plain text: the escapes md_escape_cell added
 * (a backslash, &lt; &gt; &amp; &#32;) and the marks of bold and code
 * taken out.  What it reads passed text_sanitize on its way in, so what
 * comes out has no control characters.
 */
static void
text_unmark(struct buf *b, const char *s, size_t len)
{
	static const struct {
		const char	*entity;
		char		 c;
	} entities[] = {
		{ "&lt;", '<' }, { "&gt;", '>' }, { "&amp;", '&' },
		{ "&#32;", ' ' }
	};
	size_t	i, j, n;

	for (i = 0; i < len; i++) {
		if (s[i] == '\\' && i + 1 < len) {
			buf_addc(b, s[++i]);
			continue;
		}
		if (s[i] == '`' || (s[i] == '*' && i + 1 < len &&
		    s[i + 1] == '*')) {
			i += s[i] == '*';
			continue;
		}
		for (j = 0; j < sizeof entities / sizeof entities[0]; j++) {
			n = strlen(entities[j].entity);
			if (len - i >= n &&
			    memcmp(s + i, entities[j].entity, n) == 0)
				break;
		}
		if (j < sizeof entities / sizeof entities[0]) {
			buf_addc(b, entities[j].c);
			i += strlen(entities[j].entity) - 1;
		} else
			buf_addc(b, s[i]);
	}
}

/*
 * The diagnosis's summary (report_diagnosis.c), its markdown list as
 * wrapped lines: the sessions, each failure mode and its likeliest
 * cause, what is not a cause.
 */
static void
text_diagnosis(struct text *t, struct store *s)
{
	struct diagnosis	*d;
	struct buf		 md, line;
	const char		*p, *end, *nl;

	if ((d = diagnosis_build(s, t->cause)) == NULL) {
		t->failed = 1;
		return;
	}
	buf_init(&md);
	buf_init(&line);
	if (diagnosis_summary_markdown(d, s, &md, t->cause) != 0)
		t->failed = 1;
	diagnosis_free(d);
	text_heading(t, "SUMMARY");
	p = md.data;
	end = md.data + md.len;
	while (!t->failed && p < end) {
		if ((nl = memchr(p, '\n', (size_t)(end - p))) == NULL)
			nl = end;
		if (nl - p > 2 && p[0] == '-' && p[1] == ' ') {
			buf_reset(&line);
			text_unmark(&line, p + 2, (size_t)(nl - p - 2));
			buf_adds(t->out, "  - ");
			text_wrap_at(t, line.data, line.len, 4, 4);
			buf_addc(t->out, '\n');
		}
		p = nl + 1;
	}
	buf_free(&md);
	buf_free(&line);
}

static void
text_summary(struct text *t)
{
	sqlite3_stmt	*st;
	struct buf	 line;
	char		*sql;
	int64_t		 conns, affected;
	size_t		 col;
	int		 rows = 0;

	buf_init(&line);
	text_style(t, ST_BOLD);
	buf_adds(t->out, "Relay session analysis\n");
	text_style(t, ST_PLAIN);
	if (t->opts != NULL && (t->opts->nconns > 0 || t->opts->nrules > 0)) {
		report_focus_note(&line, t->opts);
		text_para(t, buf_cstr(&line), 0);
		buf_reset(&line);
	}
	st = text_prepare(t, "SELECT count(*), coalesce(sum(lines), 0),"
	    " coalesce(sum(events), 0), coalesce(sum(complete = 0), 0)"
	    " FROM inputs");
	conns = text_scalar(t, "SELECT count(*) FROM connections");
	affected = text_scalar(t, "SELECT count(*) FROM connections WHERE"
	    " conn IN (SELECT conn FROM findings WHERE severity_rank > 0)");
	if (text_step(t, st)) {
		buf_printf(&line, "Read %lld lines from %lld input%s: %lld "
		    "relay events. %lld connection%s, %lld with problems.",
		    sqlite3_column_int64(st, 1), sqlite3_column_int64(st, 0),
		    sqlite3_column_int64(st, 0) == 1 ? "" : "s",
		    sqlite3_column_int64(st, 2), (long long)conns,
		    conns == 1 ? "" : "s", (long long)affected);
		if (sqlite3_column_int64(st, 3) > 0)
			buf_adds(&line, " Partial: reading was interrupted.");
		text_para(t, buf_cstr(&line), 0);
	}
	sqlite3_finalize(st);
	if (conns > 0)
		text_diagnosis(t, t->store);

	/* the findings per rule, then the ways connections went wrong */
	text_heading(t, "FINDINGS");
	st = text_prepare(t, "SELECT severity, rule, count(*),"
	    " count(DISTINCT conn), min(title) FROM findings GROUP BY rule"
	    " ORDER BY max(severity_rank) DESC, rule");
	while (text_step(t, st)) {
		rows++;
		buf_adds(t->out, "  ");
		text_style(t, text_severity_style(col_text(st, 0)));
		buf_printf(t->out, "%-8s", col_text(st, 0));
		text_style(t, ST_PLAIN);
		buf_reset(&line);
		buf_printf(&line, "%s x%lld: ", col_text(st, 1),
		    sqlite3_column_int64(st, 2));
		col = text_wrap_at(t, line.data, line.len, 10, 10);
		text_wrap_at(t, col_text(st, 4),
		    strlen(col_text(st, 4)), col, 10);
		buf_addc(t->out, '\n');
	}
	sqlite3_finalize(st);
	if (rows == 0)
		buf_adds(t->out, "  No findings.\n");

	/* the failure modes: each connection, or groups of them */
	if (affected > 0) {
		text_heading(t, "WHAT WENT WRONG");
		sql = xasprintf("SELECT count(*), outcome, roots, consequences,"
		    " min(conn) FROM (%s) GROUP BY 2, 3, 4"
		    " ORDER BY 1 DESC, min(first_id)", report_verdicts_sql);
		st = text_prepare(t, sql);
		free(sql);
		rows = 0;
		while (text_step(t, st)) {
			if (!t->full && rows++ >= TEXT_MAX_VERDICTS) {
				buf_adds(t->out, "  … and more ways: --all\n");
				break;
			}
			buf_reset(&line);
			if (sqlite3_column_int64(st, 0) > 1)
				buf_printf(&line, "%lld connections ",
				    sqlite3_column_int64(st, 0));
			else {
				text_short_id(&line, col_text(st, 4));
				buf_addc(&line, ' ');
			}
			text_style(t, ST_BOLD);
			buf_adds(t->out, "  ");
			col = text_wrap_at(t, line.data, line.len, 2, 4);
			text_style(t, ST_PLAIN);
			col = text_wrap_at(t, col_text(st, 1),
			    (size_t)sqlite3_column_bytes(st, 1), col, 4);
			buf_addc(t->out, '\n');
			if (col_text(st, 2) != NULL) {
				buf_reset(&line);
				buf_printf(&line, "cause: %s", col_text(st, 2));
				text_para(t, buf_cstr(&line), 4);
			}
			if (col_text(st, 3) != NULL) {
				buf_reset(&line);
				buf_printf(&line, "then: %s", col_text(st, 3));
				text_para(t, buf_cstr(&line), 4);
			}
		}
		sqlite3_finalize(st);
	}

	buf_free(&line);
}

static void
text_inputs(struct text *t)
{
	sqlite3_stmt	*st;
	struct buf	 line;
	int		 rows = 0;

	buf_init(&line);
	st = text_prepare(t, "SELECT path, lines, events, unparsed,"
	    " json_errors, first_ts, last_ts, complete FROM inputs"
	    " ORDER BY id");
	text_heading(t, "INPUTS");
	while (text_step(t, st)) {
		if (rows == 0 && t->common > 0) {
			buf_adds(&line, "paths relative to ");
			buf_add(&line, col_text(st, 0), t->common);
			text_para(t, buf_cstr(&line), 2);
		}
		if (!t->full && rows++ >= TEXT_MAX_ROWS) {
			buf_adds(t->out, "  … more: --all\n");
			break;
		}
		buf_reset(&line);
		buf_printf(&line, "%s%s: %lld lines, %lld events, %lld not log "
		    "lines, %lld JSON errors, ",
		    report_path_short(col_text(st, 0), t->common),
		    sqlite3_column_int(st, 7) ? "" : " (incomplete)",
		    sqlite3_column_int64(st, 1), sqlite3_column_int64(st, 2),
		    sqlite3_column_int64(st, 3), sqlite3_column_int64(st, 4));
		if (sqlite3_column_int64(st, 2) == 0)
			buf_adds(&line, "no events");
		else
			text_span(&line, col_ts(st, 5), col_ts(st, 6));
		text_para(t, buf_cstr(&line), 2);
	}
	sqlite3_finalize(st);
	buf_free(&line);
}

static void
text_where(struct text *t, struct buf *b, const char *path, int64_t line)
{
	const char	*p = report_path_short(path, t->common);

	if (!t->one_input && p != NULL) {
		text_sanitize(b, p, strlen(p));
		buf_addc(b, ':');
	}
	buf_printf(b, "%lld", (long long)line);
}

static void
text_timeline(struct text *t, sqlite3_stmt *st, const char *conn,
    int64_t start)
{
	struct buf	 line;
	char		 d[40], *prev = NULL;
	const char	*kind, *detail;
	int		 rows = 0;
	size_t		 col, mark;

	buf_init(&line);
	sqlite3_reset(st);
	store_query_bind_text(t->db, st, 1, conn, &t->failed, t->cause);
	buf_adds(t->out, "  timeline\n");
	while (text_step(t, st)) {
		kind = col_text(st, 2);
		if (prev != NULL && strcmp(prev, kind) == 0 &&
		    sqlite3_column_int(st, 11))
			continue;
		free(prev);
		prev = xstrdup(kind);
		if (!t->full && rows++ >= TEXT_MAX_TIMELINE) {
			buf_adds(t->out, "    … more: --all\n");
			break;
		}
		buf_reset(&line);
		text_clock(&line, col_ts(st, 0));
		d[0] = '+';
		d[1] = '\0';
		if (time_diff(start, col_ts(st, 0)) != TS_NONE)
			time_format_delta(time_diff(start, col_ts(st, 0)),
			    d + (col_ts(st, 0) >= start), sizeof d - 1);
		else
			d[0] = '\0';
		mark = t->out->len;
		buf_printf(t->out, "    %-13s %9s  ", line.data, d);
		/* a long delta ("+2 min 05 s") pushes the words right */
		col = t->out->len - mark;
		if (sqlite3_column_int(st, 10) ||
		    sqlite3_column_int(st, 12) == SEV_ERROR)
			text_style(t, ST_BOLD);
		buf_reset(&line);
		buf_adds(&line, col_text(st, 3) != NULL ? col_text(st, 3) : "");
		if (sqlite3_column_type(st, 4) != SQLITE_NULL)
			buf_printf(&line, " with %lld",
			    sqlite3_column_int64(st, 4));
		detail = col_text(st, 5);
		if (detail != NULL && *detail != '\0')
			buf_printf(&line, ": %s", detail);
		if (col_text(st, 9) != NULL)
			buf_printf(&line, ": %s", col_text(st, 9));
		if (sqlite3_column_int(st, 8))
			buf_adds(&line, " (attributed)");
		buf_adds(&line, " [");
		text_where(t, &line, col_text(st, 6),
		    sqlite3_column_int64(st, 7));
		buf_addc(&line, ']');
		text_wrap_at(t, line.data, line.len, col, col);
		text_style(t, ST_PLAIN);
		buf_addc(t->out, '\n');
	}
	free(prev);
	buf_free(&line);
}

/* A finding's evidence: each line's message and its deciding fields. */
static void
text_evidence(struct text *t, sqlite3_stmt *ev, sqlite3_stmt *fs,
    const char *ids)
{
	struct buf	 line;
	const char	*p = ids;
	int64_t		 id;
	int		 n = 0, nf;
	size_t		 col;

	buf_init(&line);
	while (ids != NULL && n < TEXT_MAX_EVIDENCE &&
	    store_next_id(&p, &id)) {
		sqlite3_reset(ev);
		sqlite3_bind_int64(ev, 1, id);
		if (!text_step(t, ev))
			continue;
		n++;
		buf_reset(&line);
		text_where(t, &line, col_text(ev, 0), sqlite3_column_int64(ev,
		    1));
		text_style(t, ST_DIM);
		buf_printf(t->out, "      %s ", line.data);
		text_style(t, ST_PLAIN);
		col = 7 + line.len;
		if (!sqlite3_column_int(ev, 8) || col_text(ev, 7) == NULL) {
			text_wrap_at(t, col_text(ev, 2),
			    (size_t)sqlite3_column_bytes(ev, 2), col, 8);
			buf_addc(t->out, '\n');
			continue;
		}
		buf_reset(&line);
		if (col_text(ev, 6) != NULL)
			buf_printf(&line, "[%s] ", col_text(ev, 6));
		buf_add(&line, col_text(ev, 7),
		    (size_t)sqlite3_column_bytes(ev, 7));
		text_wrap_at(t, line.data, line.len, col, 8);
		buf_addc(t->out, '\n');
		sqlite3_reset(fs);
		sqlite3_bind_int64(fs, 1, id);
		buf_reset(&line);
		nf = 0;
		while (text_step(t, fs)) {
			buf_printf(&line, "%s%s: ", nf++ > 0 ? ", " : "",
			    col_text(fs, 0));
			buf_add(&line, col_text(fs, 1),
			    (size_t)sqlite3_column_bytes(fs, 1) > 200 ? 200 :
			    (size_t)sqlite3_column_bytes(fs, 1));
		}
		if (nf > 0)
			text_para(t, buf_cstr(&line), 8);
		if (sqlite3_column_int64(ev, 3) > 1) {
			buf_reset(&line);
			buf_printf(&line, "… and %lld more like it, the last "
			    "at line %lld",
			    (long long)sqlite3_column_int64(ev, 3) - 1,
			    (long long)sqlite3_column_int64(ev, 4));
			text_para(t, buf_cstr(&line), 8);
		}
	}
	buf_free(&line);
}

static void
text_finding(struct text *t, sqlite3_stmt *st, const char *lead,
    sqlite3_stmt *ev, sqlite3_stmt *fs)
{
	struct buf	 line;
	size_t		 col;

	buf_init(&line);
	buf_printf(t->out, "    %s", lead);
	text_style(t, text_severity_style(col_text(st, 2)));
	buf_adds(t->out, col_text(st, 2));
	text_style(t, ST_PLAIN);
	buf_printf(&line, " %s: %s", col_text(st, 1), col_text(st, 3));
	if (col_ts(st, 5) != TS_NONE) {
		buf_adds(&line, ", ");
		text_clock(&line, col_ts(st, 5));
		if (col_ts(st, 6) != TS_NONE && col_ts(st, 6) != col_ts(st,
		    5)) {
			buf_adds(&line, " to ");
			text_clock(&line, col_ts(st, 6));
		}
	}
	col = 4 + strlen(lead) + strlen(col_text(st, 2));
	text_wrap_at(t, line.data, line.len, col, 6);
	buf_addc(t->out, '\n');
	text_para(t, col_text(st, 7), 6);
	text_evidence(t, ev, fs, col_text(st, 8));
	buf_free(&line);
}

static void
text_connections(struct text *t)
{
	sqlite3_stmt	*st, *tl, *roots, *cons, *ev, *fs;
	struct buf	 line, next;
	char		*conn;

	if (store_exec(t->store, report_milestones_sql, t->cause) != 0) {
		t->failed = 1;
		return;
	}
	buf_init(&line);
	buf_init(&next);
	tl = text_prepare(t, report_timeline_sql);
	roots = text_prepare(t, report_roots_sql);
	cons = text_prepare(t, report_consequences_sql);
	ev = text_prepare(t, report_evidence_sql);
	fs = text_prepare(t, report_fields_sql);
	st = text_prepare(t, "SELECT conn, outcome, first_ts, last_ts,"
	    " events, coalesce(connected_ts, min(first_ts,"
	    " coalesce(connect_call_ts, first_ts))), start_note"
	    " FROM connections WHERE conn IN (SELECT conn FROM"
	    " report_sections) ORDER BY first_id");
	while (text_step(t, st)) {
		conn = xstrdup(col_text(st, 0));
		buf_reset(&line);
		buf_adds(&line, "CONNECTION ");
		text_sanitize(&line, conn, strlen(conn));
		text_heading(t, buf_cstr(&line));
		buf_reset(&line);
		buf_printf(&line, "%s%s%s · ", col_text(st, 1),
		    col_text(st, 6) != NULL ? ", " : "",
		    col_text(st, 6) != NULL ? col_text(st, 6) : "");
		text_span(&line, col_ts(st, 2), col_ts(st, 3));
		buf_printf(&line, " · %lld events", sqlite3_column_int64(st,
		    4));
		text_para(t, buf_cstr(&line), 2);
		text_timeline(t, tl, conn, col_ts(st, 5));

		buf_adds(t->out, "  findings\n");
		buf_reset(&next);
		sqlite3_reset(roots);
		store_query_bind_text(t->db, roots, 1, conn, &t->failed,
		    t->cause);
		while (text_step(t, roots)) {
			text_finding(t, roots, "", ev, fs);
			if (col_text(roots, 4) != NULL &&
			    *col_text(roots, 4) != '\0' &&
			    strcmp(col_text(roots, 2), "INFO") != 0)
				buf_printf(&next, "%s: %s\n",
				    col_text(roots, 1), col_text(roots, 4));
			if (!sqlite3_column_int(roots, 10))
				continue;
			sqlite3_reset(cons);
			sqlite3_bind_int64(cons, 1,
			    sqlite3_column_int64(roots, 0));
			while (text_step(t, cons))
				text_finding(t, cons, "→ ", ev, fs);
		}
		if (next.len > 0) {
			char	*p = next.data, *nl;

			buf_adds(t->out, "  what to check next\n");
			buf_addc(&next, '\0');
			while ((nl = strchr(p, '\n')) != NULL) {
				*nl = '\0';
				buf_adds(t->out, "    ");
				text_wrap_at(t, p, strlen(p), 4, 6);
				buf_addc(t->out, '\n');
				p = nl + 1;
			}
		}
		free(conn);
		text_flush(t);
	}
	sqlite3_finalize(st);
	sqlite3_finalize(tl);
	sqlite3_finalize(roots);
	sqlite3_finalize(cons);
	sqlite3_finalize(ev);
	sqlite3_finalize(fs);
	buf_free(&line);
	buf_free(&next);
}

/*
 * Whether row number *rows of a table of connections is shown (its heading
 * goes before the first); beyond TEXT_MAX_ROWS, counted in *more.
 */
static int
text_row_shown(struct text *t, const char *heading, int64_t *rows,
    int64_t *more)
{
	if ((*rows)++ == 0)
		text_heading(t, heading);
	if (!t->full && *rows > TEXT_MAX_ROWS) {
		(*more)++;
		return 0;
	}
	return 1;
}

/* One connection in a table: short id, first time, then words. */
static void
text_conn_line(struct text *t, sqlite3_stmt *st, struct buf *words)
{
	struct buf	line;

	buf_init(&line);
	text_short_id(&line, col_text(st, 0));
	buf_addc(&line, ' ');
	text_clock(&line, col_ts(st, 1));
	buf_addc(&line, ' ');
	buf_add(&line, words->data, words->len);
	text_para(t, buf_cstr(&line), 2);
	buf_free(&line);
}

/* The connections without a section: with problems, then healthy. */
static void
text_others(struct text *t)
{
	sqlite3_stmt	*st;
	struct buf	 words;
	int64_t		 rows = 0, more = 0;

	buf_init(&words);
	st = text_prepare(t, report_others_sql);
	while (text_step(t, st)) {
		if (!text_row_shown(t, "OTHER CONNECTIONS WITH PROBLEMS", &rows,
		    &more))
			continue;
		buf_reset(&words);
		buf_printf(&words, "%s: %s", col_text(st, 2),
		    col_text(st, 3) != NULL ? col_text(st, 3) :
		    "");
		text_conn_line(t, st, &words);
	}
	sqlite3_finalize(st);
	if (more > 0)
		buf_printf(t->out, "  … %lld more: --all, or --conn ID\n",
		    (long long)more);

	rows = more = 0;
	st = text_prepare(t, report_healthy_sql);
	while (text_step(t, st)) {
		if (!text_row_shown(t, "HEALTHY CONNECTIONS", &rows, &more))
			continue;
		buf_reset(&words);
		buf_printf(&words, "%lld events, %s",
		    sqlite3_column_int64(st, 3), col_text(st, 4) != NULL ?
		    col_text(st, 4) : "");
		text_conn_line(t, st, &words);
	}
	sqlite3_finalize(st);
	if (more > 0)
		buf_printf(t->out, "  … %lld more: --all\n", (long long)more);
	buf_free(&words);
}

/*
 * The relay's own findings, one line each, with those on an id that is
 * none of the connections (REPORT_NO_SECTION), naming it.
 */
static void
text_relay(struct text *t)
{
	sqlite3_stmt	*st;
	struct buf	 line;
	int		 rows = 0;

	buf_init(&line);
	st = text_prepare(t, "SELECT upper(f.severity), f.rule, f.title,"
	    " f.summary, f.conn FROM findings AS f WHERE" REPORT_NO_SECTION
	    " ORDER BY f.severity_rank DESC, f.first_ts, f.id");
	while (text_step(t, st)) {
		if (rows++ == 0)
			text_heading(t, "THE RELAY, AND LINES OF NO "
			    "CONNECTION");
		if (!t->full && rows > TEXT_MAX_ROWS) {
			buf_adds(t->out, "  … more: --all\n");
			break;
		}
		buf_adds(t->out, "  ");
		text_style(t, text_severity_style(col_text(st, 0)));
		buf_adds(t->out, col_text(st, 0));
		text_style(t, ST_PLAIN);
		buf_reset(&line);
		buf_printf(&line, " %s: %s", col_text(st, 1), col_text(st, 2));
		if (col_text(st, 4) != NULL) {
			buf_adds(&line, " (on connection ");
			text_sanitize(&line, col_text(st, 4),
			    strlen(col_text(st, 4)));
			buf_adds(&line, ", none of this report's)");
		}
		text_wrap_at(t, line.data, line.len, 2 + strlen(col_text(st,
		    0)), 4);
		buf_addc(t->out, '\n');
		text_para(t, col_text(st, 3), 4);
	}
	sqlite3_finalize(st);
	buf_free(&line);
}

/*
 * Write the terminal view into out, and from there to dst as it grows.
 * o may be NULL (80 columns, no colour).  -1 and *cause on a query or
 * write error.
 */
int
report_text(struct store *s, const struct report_options *o,
    struct buf *out, struct output *dst, char **cause)
{
	struct text	t;

	memset(&t, 0, sizeof t);
	t.store = s;
	t.db = store_db(s);
	t.out = out;
	t.dst = dst;
	t.cause = cause;
	t.opts = o;
	t.width = o != NULL && o->width >= 40 ? o->width : 80;
	t.color = o != NULL && o->color;
	t.full = o != NULL && o->size == REPORT_ALL;
	t.common = report_common_dir(t.db, &t.failed, t.cause);
	t.one_input = text_scalar(&t, "SELECT count(*) FROM inputs") == 1;
	if (report_select_sections(s, o, cause) != 0)
		return -1;
	text_summary(&t);
	text_inputs(&t);
	text_connections(&t);
	text_others(&t);
	text_relay(&t);
	return t.failed ? -1 : 0;
}
