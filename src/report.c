/* SPDX-License-Identifier: MIT */
/*
 * The markdown report, built from the store after the rules ran: what
 * happened, a summary of findings and a chart of the sessions, the inputs,
 * one section per affected connection (timeline, findings with their
 * evidence lines, causal chain, what to check next), a table of the other
 * connections with problems and one of the healthy ones.  Everything is
 * ordered by reading order or severity, never by wall-clock time, so the
 * same input gives the same bytes.  Unless --all, the report stays under
 * its budget (REPORT_BUDGET, or REPORT_BUDGET_BRIEF): a section that would
 * not fit is left out whole, and the report says what was.  Log text
 * reaches the report only through md_escape_cell (inline), report_code_block
 * (fenced, sanitized) or chart_mermaid_label, so it cannot become markup.
 * The selection of sections and the paths' common directory are shared
 * with the terminal view (report_text.c).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "loganalyze.h"

#define REPORT_MAX_TIMELINE	40	/* rows per connection */
#define REPORT_MAX_VERDICTS	20	/* connections listed at the top */
#define REPORT_VERDICT_EXAMPLES	3	/* ids per group beyond that */
#define REPORT_MAX_EVIDENCE	6	/* lines per finding */
#define REPORT_MAX_RAW		400	/* bytes of an evidence line */
#define REPORT_FULL_SECTIONS	10	/* sections in reading order */
#define REPORT_BRIEF_SECTIONS	3	/* with --brief */
#define REPORT_MAX_MODES	20	/* representatives, one per mode */
#define REPORT_MAX_INPUTS	50	/* rows of the inputs table */
#define REPORT_MAX_OTHERS	400	/* rows of other connections */
#define REPORT_MAX_HEALTHY	200	/* rows of healthy connections */
#define REPORT_RESERVE		4096	/* room kept for the report's end */
#define REPORT_WRAP		96	/* columns of an evidence block */

/* the shared column getters, by their short names here */
#define col_text(st, i)		store_column_text((st), (i))
#define col_ts(st, i)		report_col_ts((st), (i))

#define REPORT_XSTR(x)		#x
#define REPORT_STR(x)		REPORT_XSTR(x)

struct report {
	struct store	*store;
	sqlite3		*db;
	struct buf	*out;
	struct output	*dst;		/* where out goes as it fills, or NULL */
	char		**cause;
	int		 failed;
	const struct report_options *opts;
	size_t		 budget;	/* bytes the report may take, or 0 */
	size_t		 written;	/* bytes already handed to dst */
	size_t		 common;	/* length of the inputs' common dir */
	int		 one_input;	/* a single input: lines by number */
	char		*section_path;	/* the input a section names once */
	int64_t		 left_sections;	/* sections left out for the budget */
	int64_t		 left_rows;	/* table rows left out */
	/* run once per connection or finding: prepared once */
	sqlite3_stmt	*timeline;
	sqlite3_stmt	*evidence;
	sqlite3_stmt	*roots;
	sqlite3_stmt	*consequences;
	sqlite3_stmt	*fields;
};

/*
 * The connections with problems: an error or warning.  (Not NULL: the
 * relay's findings would make every NOT IN false.)
 */
#define REPORT_AFFECTED \
	" conn IN (SELECT conn FROM findings WHERE severity_rank > 0" \
	" AND conn IS NOT NULL)"

/*
 * Each connection with problems: its outcome, the titles of its root-cause
 * findings (errors first) and of the findings they caused.
 */
#define REPORT_VERDICTS_SQL \
	"SELECT c.conn, c.first_id, c.outcome, (SELECT group_concat(t, '; ')" \
	" FROM (SELECT f.title AS t FROM findings AS f WHERE" \
	" f.conn = c.conn AND f.caused_by IS NULL AND f.severity_rank > 0" \
	" ORDER BY f.severity_rank DESC, f.id))" \
	" AS roots," \
	" (SELECT group_concat(t, '; ') FROM (SELECT lower(substr(f.title," \
	" 1, 1)) || substr(f.title, 2) AS t FROM findings AS f" \
	" WHERE f.conn = c.conn AND f.caused_by IS NOT NULL ORDER BY f.id))" \
	" AS consequences" \
	" FROM connections AS c WHERE" REPORT_AFFECTED

static const char report_verdicts_query[] = REPORT_VERDICTS_SQL;

/* The same, as report_select_sections keeps them for the report. */
const char report_verdicts_sql[] =
	"SELECT conn, first_id, outcome, roots, consequences"
	" FROM report_verdicts";

/* The connections with problems that have no section, in reading order. */
const char report_others_sql[] =
	"SELECT v.conn, c.first_ts, v.outcome, v.roots, v.consequences"
	" FROM report_verdicts AS v JOIN connections AS c"
	" ON c.conn = v.conn WHERE v.conn NOT IN (SELECT conn FROM"
	" report_sections) ORDER BY v.first_id";

/* The healthy connections, with the rules that had a word for them. */
const char report_healthy_sql[] =
	"SELECT c.conn, c.first_ts, c.last_ts, c.events,"
	" c.outcome, (SELECT group_concat(DISTINCT f.rule) FROM findings"
	" AS f WHERE f.conn = c.conn) FROM connections AS c"
	" WHERE NOT (" REPORT_AFFECTED ") ORDER BY c.first_id";

/*
 * Whether b ends where a block's text starts (a new line, or only list
 * markers and spaces on it so far, as in "- "): there a leading "#", "-",
 * "1." or indent would open a heading, list or code block.
 */
static int
md_at_block_start(const struct buf *b)
{
	size_t	i;

	for (i = b->len; i > 0 && b->data[i - 1] != '\n'; i--) {
		if (strchr(" -+*", b->data[i - 1]) == NULL)
			return 0;
	}
	return 1;
}

/*
 * Escape text for a table cell or running text: nothing in it can open
 * markup, a link, HTML, a block or a new cell or line.
 */
void
md_escape_cell(struct buf *b, const char *s, size_t len)
{
	struct buf	 clean;
	size_t		 i = 0, n;
	char		 c;

	buf_init(&clean);
	text_sanitize(&clean, s, len);
	if (clean.len > 0 && md_at_block_start(b)) {
		c = clean.data[0];
		n = strspn(clean.data, "0123456789");
		if (c == ' ' || c == '\t') {
			buf_adds(b, "&#32;");
			i = 1;
		} else if (c == '#' || c == '-' || c == '+' || c == '=') {
			buf_addc(b, '\\');
			buf_addc(b, c);
			i = 1;
		} else if (n > 0 && n < clean.len &&
		    (clean.data[n] == '.' || clean.data[n] == ')')) {
			buf_add(b, clean.data, n);
			buf_addc(b, '\\');
			buf_addc(b, clean.data[n]);
			i = n + 1;
		}
	}
	for (; i < clean.len; i++) {
		c = clean.data[i];
		switch (c) {
		case '<':
			buf_adds(b, "&lt;");
			break;
		case '>':
			buf_adds(b, "&gt;");
			break;
		case '&':
			buf_adds(b, "&amp;");
			break;
		case '\t':
			buf_addc(b, ' ');
			break;
		case '\\': case '|': case '`': case '*': case '_': case '[':
		case ']': case '~':
			buf_addc(b, '\\');
			buf_addc(b, c);
			break;
		case '#':
			/* only a line's first character can open a heading */
			if (b->len == 0 || b->data[b->len - 1] == '\n')
				buf_addc(b, '\\');
			buf_addc(b, c);
			break;
		default:
			buf_addc(b, c);
			break;
		}
	}
	buf_free(&clean);
}

static void
report_str(struct report *r, const char *s)
{
	if (s != NULL)
		md_escape_cell(r->out, s, strlen(s));
}

/* A text column, all of it: log text may hold NUL bytes. */
static void
report_col(struct report *r, sqlite3_stmt *st, int i)
{
	const char	*s = store_column_text(st, i);

	if (s != NULL)
		md_escape_cell(r->out, s, (size_t)sqlite3_column_bytes(st, i));
}

/*
 * A fenced code block whose fence is longer than any backtick run inside,
 * so no line of the log can close it.
 */
static void
report_code_block(struct report *r, struct buf *body)
{
	size_t	i, run = 0, longest = 0, fence;

	for (i = 0; i < body->len; i++) {
		run = body->data[i] == '`' ? run + 1 : 0;
		if (run > longest)
			longest = run;
	}
	fence = longest < 3 ? 3 : longest + 1;
	for (i = 0; i < fence; i++)
		buf_addc(r->out, '`');
	buf_addc(r->out, '\n');
	buf_add(r->out, body->data, body->len);
	for (i = 0; i < fence; i++)
		buf_addc(r->out, '`');
	buf_adds(r->out, "\n\n");
}

static sqlite3_stmt *
report_prepare(struct report *r, const char *sql)
{
	return store_query(r->db, sql, &r->failed, r->cause);
}

/* A statement kept for the whole report: prepared once, reset per use. */
static sqlite3_stmt *
report_cached(struct report *r, sqlite3_stmt **slot, const char *sql)
{
	if (*slot == NULL)
		*slot = report_prepare(r, sql);
	else {
		sqlite3_reset(*slot);
		sqlite3_clear_bindings(*slot);
	}
	return *slot;
}

static int
report_step(struct report *r, sqlite3_stmt *st)
{
	return !r->failed && store_query_step(r->db, st, &r->failed,
	    r->cause);
}

/*
 * Between sections and table rows: write what is built so far once it is
 * big enough, so that the report's size does not stay in memory.
 */
static void
report_flush(struct report *r)
{
	size_t	len = r->out->len;

	if (!r->failed && output_flush(r->dst, r->out, r->cause) != 0)
		r->failed = 1;
	if (r->out->len < len)
		r->written += len - r->out->len;
}

/* Whether need more bytes fit in the budget, with the end's reserve. */
static int
report_room(struct report *r, size_t need)
{
	return r->budget == 0 ||
	    r->written + r->out->len + need + REPORT_RESERVE <= r->budget;
}

/*
 * Whether a table row of about need bytes goes in, as row number rows of
 * at most max (when the report is bounded); if not, counted in *left.
 */
static int
report_row_fits(struct report *r, size_t need, int64_t rows, int64_t max,
    int64_t *left)
{
	if (report_room(r, need) && (r->budget == 0 || rows < max))
		return 1;
	(*left)++;
	return 0;
}

/*
 * The length of the directory all inputs' paths start with ("logs/" of
 * "logs/a.log" and "logs/b.log"; 0 when they share none), so the report
 * can name them shorter.  On an error *failed is set and *cause given,
 * as by store_query.
 */
size_t
report_common_dir(sqlite3 *db, int *failed, char **cause)
{
	sqlite3_stmt	*st;
	char		*common = NULL;
	const char	*p;
	size_t		 n = 0, i;

	if (*failed)
		return 0;
	st = store_query(db, "SELECT path FROM inputs ORDER BY id", failed,
	    cause);
	while (!*failed && store_query_step(db, st, failed, cause)) {
		p = store_column_text(st, 0);
		if (p == NULL)
			continue;
		if (common == NULL) {
			common = xstrdup(p);
			n = strlen(common);
			continue;
		}
		for (i = 0; i < n && common[i] == p[i]; i++)
			;
		n = i;
	}
	sqlite3_finalize(st);
	/* back to the last slash: a directory, not part of a name */
	while (n > 0 && common[n - 1] != '/')
		n--;
	free(common);
	return n;
}

/* path without the inputs' common directory, of length common. */
const char *
report_path_short(const char *path, size_t common)
{
	if (path == NULL || strlen(path) < common)
		return path;
	return path + common;
}

/*
 * A line's place: its number, with its input's short path if there are
 * several and it is not the one the section named.
 */
static void
report_where(struct report *r, struct buf *b, const char *path,
    int64_t line)
{
	if (!r->one_input && path != NULL && (r->section_path == NULL ||
	    strcmp(path, r->section_path) != 0)) {
		text_sanitize(b, report_path_short(path, r->common),
		    strlen(report_path_short(path, r->common)));
		buf_addc(b, ':');
	}
	buf_printf(b, "%lld", (long long)line);
}

static void
report_where_md(struct report *r, const char *path, int64_t line)
{
	struct buf	w;

	buf_init(&w);
	report_where(r, &w, path, line);
	md_escape_cell(r->out, w.data, w.len);
	buf_free(&w);
}

/* A time column: TS_NONE for NULL. */
int64_t
report_col_ts(sqlite3_stmt *st, int i)
{
	if (sqlite3_column_type(st, i) == SQLITE_NULL)
		return TS_NONE;
	return sqlite3_column_int64(st, i);
}

/* A time with its date, or saying that it has none. */
static void
report_format_time(struct buf *b, int64_t ts)
{
	char	t[40];

	time_format_iso(ts, t, sizeof t);
	buf_adds(b, t);
	if (time_is_clock_only(ts))
		buf_adds(b, " (date unknown)");
}

static void
report_time(struct report *r, int64_t ts)
{
	report_format_time(r->out, ts);
}

static void
report_clock(struct report *r, int64_t ts)
{
	char	t[40];

	time_format_clock(ts, t, sizeof t);
	buf_adds(r->out, t);
}

/*
 * From a to b, narrow enough for a table cell or a terminal: within one
 * day the date is written once; neither known, that once.
 */
void
report_format_span(struct buf *out, int64_t a, int64_t b)
{
	char	t[40];

	if (a == TS_NONE && b == TS_NONE) {
		buf_adds(out, TIME_UNKNOWN);
		return;
	}
	report_format_time(out, a);
	buf_adds(out, " to ");
	if (time_same_day(a, b)) {
		time_format_clock(b, t, sizeof t);
		buf_adds(out, t);
	} else
		report_format_time(out, b);
}

static void
report_span(struct report *r, int64_t a, int64_t b)
{
	report_format_span(r->out, a, b);
}

/*
 * The first column of a query's first row, 0 without one; on an error
 * *failed is set and *cause given, as by store_query.
 */
int64_t
report_query_int(sqlite3 *db, const char *sql, int *failed, char **cause)
{
	sqlite3_stmt	*st;
	int64_t		 v = 0;

	if (*failed)
		return 0;
	st = store_query(db, sql, failed, cause);
	if (!*failed && store_query_step(db, st, failed, cause))
		v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return v;
}

static int64_t
report_scalar(struct report *r, const char *sql)
{
	return report_query_int(r->db, sql, &r->failed, r->cause);
}

static void
report_inputs(struct report *r)
{
	sqlite3_stmt	*st;
	int64_t		 n, attributed = 0, unattributed = 0;
	int64_t		 year_inferred = 0, rows = 0;
	const char	*path;

	buf_adds(r->out, "## Inputs\n\n");
	st = report_prepare(r, "SELECT path FROM inputs ORDER BY id LIMIT 1");
	if (report_step(r, st) && r->common > 0) {
		buf_adds(r->out, "Paths are relative to ");
		path = col_text(st, 0);
		md_escape_cell(r->out, path, r->common);
		buf_adds(r->out, r->one_input ? "; lines below are of this "
		    "input.\n\n" : ".\n\n");
	} else if (r->one_input)
		buf_adds(r->out, "Lines below are of this input.\n\n");
	sqlite3_finalize(st);
	buf_adds(r->out, "| input | lines | events | continuation lines | blank "
	    "| not log lines | JSON errors | first to last event |\n"
	    "| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |\n");
	st = report_prepare(r, "SELECT path, lines, events, continuations, "
	    "blank, unparsed, json_errors, first_ts, last_ts, complete "
	    "FROM inputs ORDER BY id");
	while (report_step(r, st)) {
		if (r->budget > 0 && rows++ >= REPORT_MAX_INPUTS) {
			r->left_rows++;
			continue;
		}
		buf_adds(r->out, "| ");
		report_str(r, report_path_short(col_text(st, 0), r->common));
		if (sqlite3_column_int(st, 9) == 0)
			buf_adds(r->out, " (incomplete)");
		buf_printf(r->out, " | %lld | %lld | %lld | %lld | %lld | %lld "
		    "| ", sqlite3_column_int64(st, 1),
		    sqlite3_column_int64(st, 2), sqlite3_column_int64(st, 3),
		    sqlite3_column_int64(st, 4), sqlite3_column_int64(st, 5),
		    sqlite3_column_int64(st, 6));
		if (sqlite3_column_int64(st, 2) == 0)
			buf_adds(r->out, "no events");
		else
			report_span(r, col_ts(st, 7), col_ts(st, 8));
		buf_adds(r->out, " |\n");
	}
	sqlite3_finalize(st);
	if (rows > REPORT_MAX_INPUTS)
		buf_printf(r->out, "| … %lld more (`--all` lists them) | | | | "
		    "| | | |\n", (long long)(rows - REPORT_MAX_INPUTS));
	buf_addc(r->out, '\n');

	n = report_scalar(r, "SELECT count(*) FROM samples");
	if (n > 0) {
		buf_adds(r->out, "Lines that were not relay events or had "
		    "invalid JSON (the first few of each input):\n\n"
		    "| where | why | text |\n| --- | --- | --- |\n");
		st = report_prepare(r, "SELECT i.path, s.line, s.reason, s.text"
		    " FROM samples AS s JOIN inputs AS i ON i.id = s.input_id"
		    " ORDER BY s.input_id, s.line");
		while (report_step(r, st)) {
			if (!report_room(r, 1024)) {
				r->left_rows++;
				continue;
			}
			buf_adds(r->out, "| ");
			report_where_md(r, col_text(st, 0),
			    sqlite3_column_int64(st, 1));
			buf_adds(r->out, " | ");
			report_str(r, col_text(st, 2));
			buf_adds(r->out, " | ");
			report_col(r, st, 3);
			buf_adds(r->out, " |\n");
		}
		sqlite3_finalize(st);
		buf_addc(r->out, '\n');
	}

	/* known from the load, else one pass over the window */
	if (!store_window_notes(r->store, &attributed, &unattributed,
	    &year_inferred)) {
		st = report_prepare(r, "SELECT coalesce(sum(attributed = 1),"
		    " 0), coalesce(sum(conn IS NULL AND"
		    "  kind IN (SELECT kind FROM kinds WHERE attributable)), 0),"
		    " coalesce(sum(CASE WHEN ts_source ="
		    "  'envelope-year-inferred' THEN line_count END), 0)"
		    " FROM ev");
		if (report_step(r, st)) {
			attributed = sqlite3_column_int64(st, 0);
			unattributed = sqlite3_column_int64(st, 1);
			year_inferred = sqlite3_column_int64(st, 2);
		}
		sqlite3_finalize(st);
	}
	n = attributed;
	if (n > 0)
		buf_printf(r->out, "%lld line%s without a connection id %s "
		    "attributed to the only connection open at that point "
		    "(marked \"attributed\" in the timelines).\n\n",
		    (long long)n, n == 1 ? "" : "s", n == 1 ? "was" : "were");
	n = unattributed;
	if (n > 0)
		buf_printf(r->out, "%lld session line%s without a connection "
		    "id could not be attributed (no single connection was "
		    "open at that point).\n\n", (long long)n, n == 1 ? "" : "s");
	n = year_inferred;
	if (n > 0)
		buf_printf(r->out, "%lld line%s took %s time from "
		    "journalctl's short prefix, which has no year: the year "
		    "was inferred from the last full time read before, or "
		    "else from today's date.\n\n", (long long)n,
		    n == 1 ? "" : "s", n == 1 ? "its" : "their");
}

static void
report_summary(struct report *r)
{
	sqlite3_stmt	*st;

	buf_adds(r->out, "## Findings\n\n");
	if (report_scalar(r, "SELECT count(*) FROM findings") == 0) {
		buf_adds(r->out, "No findings.\n\n");
		return;
	}
	buf_adds(r->out, "| severity | rule | findings | connections | "
	    "what |\n| --- | --- | ---: | ---: | --- |\n");
	st = report_prepare(r, "SELECT severity, rule, count(*), "
	    "count(DISTINCT conn), min(title) FROM findings GROUP BY rule "
	    "ORDER BY max(severity_rank) DESC, rule");
	while (report_step(r, st)) {
		/* rule ids are checked to be [a-z0-9_] when loaded */
		buf_printf(r->out, "| %s | `%s` | %lld | %lld | ",
		    col_text(st, 0), col_text(st, 1),
		    sqlite3_column_int64(st, 2), sqlite3_column_int64(st, 3));
		report_str(r, col_text(st, 4));
		buf_adds(r->out, " |\n");
	}
	sqlite3_finalize(st);
	buf_addc(r->out, '\n');
}

/*
 * Words for one timeline row: the kind's label (in bold for a strong
 * kind), its close code, the first of its fields that the line has, and
 * the words of a finding that starts there.  A finding's own row (kind
 * "finding") is its words in italics.
 */
static void
report_milestone(struct report *r, sqlite3_stmt *st)
{
	const char	*kind = col_text(st, 2), *label = col_text(st, 3);
	const char	*detail = col_text(st, 5), *verdict = col_text(st, 9);
	int		 strong = sqlite3_column_int(st, 10);

	if (strcmp(kind, "finding") == 0) {
		buf_adds(r->out, "*");
		report_str(r, label);
		buf_adds(r->out, "*");
		return;
	}
	if (strong)
		buf_adds(r->out, "**");
	report_str(r, label);
	if (sqlite3_column_type(st, 4) != SQLITE_NULL)
		buf_printf(r->out, " with %lld", sqlite3_column_int64(st, 4));
	if (strong)
		buf_adds(r->out, "**");
	if (detail != NULL && *detail != '\0') {
		buf_adds(r->out, ": ");
		report_str(r, detail);
	}
	if (verdict != NULL) {
		strong = sqlite3_column_int(st, 12) == SEV_ERROR;
		buf_adds(r->out, strong ? ": **" : ": ");
		report_str(r, verdict);
		if (strong)
			buf_adds(r->out, "**");
	}
}

/*
 * The milestones (the lines of kinds with a timeline label) of every
 * connection with a section, found in one pass per kind: a look-up per
 * connection and kind cost more than the rest of the report.  The + keeps
 * SQLite from looking each connection up in events_kind.
 */
const char report_milestones_sql[] =
	"DROP TABLE IF EXISTS temp.timeline_events;"
	"CREATE TEMP TABLE timeline_events (conn TEXT, id INTEGER,"
	" PRIMARY KEY (conn, id)) WITHOUT ROWID;"
	"INSERT INTO timeline_events SELECT e.conn, e.id"
	" FROM kinds AS k CROSS JOIN ev AS e ON e.kind = k.kind"
	" WHERE k.label IS NOT NULL AND +e.conn IN (SELECT conn FROM"
	"  report_sections)";

/*
 * A connection's milestones (timeline_events), each with the words of the
 * most severe finding that starts at it, and the findings with words of
 * their own that start elsewhere (bursts of warnings).
 */
const char report_timeline_sql[] =
	"SELECT e.ts, e.id, e.kind, k.label,"
	" CASE WHEN k.show_code THEN e.code END,"
	" CASE WHEN k.fields IS NOT NULL AND e.json IS NOT NULL THEN"
	"  (SELECT value FROM (SELECT j.value AS value,"
	"    instr(' ' || k.fields || ' ', ' ' || j.key || ' ') AS pos"
	"    FROM json_each(e.json) AS j)"
	"   WHERE pos > 0 ORDER BY pos LIMIT 1) END,"
	" i.path, e.line, e.attributed, v.timeline, k.strong, k.paired,"
	" v.severity_rank"
	" FROM timeline_events AS t JOIN events AS e ON e.id = t.id"
	" JOIN kinds AS k ON k.kind = e.kind"
	" JOIN inputs AS i ON i.id = e.input_id"
	" LEFT JOIN findings AS v ON v.id = (SELECT f.id FROM findings AS f"
	"  WHERE f.anchor_event = e.id AND f.timeline IS NOT NULL"
	"  ORDER BY f.severity_rank DESC, f.id LIMIT 1)"
	" WHERE t.conn = ?1"
	" UNION ALL"
	" SELECT f.first_ts, f.anchor_event, 'finding', f.timeline,"
	"  NULL, NULL, i.path, e.line, 0, NULL, 0, 0, NULL"
	" FROM findings AS f JOIN events AS e ON e.id = f.anchor_event"
	" JOIN kinds AS k ON k.kind = e.kind"
	" JOIN inputs AS i ON i.id = e.input_id"
	" WHERE f.conn = ?1 AND f.timeline IS NOT NULL AND k.label IS NULL"
	" ORDER BY 2";

static void
report_timeline(struct report *r, const char *conn, int64_t start)
{
	sqlite3_stmt	*st;
	int64_t		 ts;
	int		 rows = 0, more = 0;
	char		 d[40], *prev = NULL;
	const char	*kind;

	st = report_cached(r, &r->timeline, report_timeline_sql);
	if (st == NULL)
		return;
	store_query_bind_text(r->db, st, 1, conn, &r->failed, r->cause);
	buf_adds(r->out, "| time | since start | what | line |\n"
	    "| --- | ---: | --- | ---: |\n");
	while (report_step(r, st)) {
		/* a paired kind prints two lines each time: show one */
		kind = col_text(st, 2);
		if (prev != NULL && strcmp(prev, kind) == 0 &&
		    sqlite3_column_int(st, 11))
			continue;
		free(prev);
		prev = xstrdup(kind);
		if (rows++ >= REPORT_MAX_TIMELINE) {
			more++;
			continue;
		}
		ts = col_ts(st, 0);
		buf_adds(r->out, "| ");
		report_clock(r, ts);
		if (time_diff(start, ts) != TS_NONE) {
			/* a log whose times run backwards gives "-5.0 s" */
			time_format_delta(time_diff(start, ts), d, sizeof d);
			buf_printf(r->out, " | %s%s | ", ts >= start ? "+" : "",
			    d);
		} else
			buf_adds(r->out, " | | ");
		report_milestone(r, st);
		if (sqlite3_column_int(st, 8))
			buf_adds(r->out, " (attributed)");
		buf_adds(r->out, " | ");
		report_where_md(r, col_text(st, 6),
		    sqlite3_column_int64(st, 7));
		buf_adds(r->out, " |\n");
	}
	free(prev);
	if (more > 0)
		buf_printf(r->out, "| | | … %d more | |\n", more);
	buf_addc(r->out, '\n');
}

/*
 * Under an evidence line that stands for a run of identical lines (see
 * runs.c), say how many more there are and where the last one is: its
 * text is the same, but only the first line's is kept.
 */
static void
report_evidence_run(struct buf *body, sqlite3_stmt *st)
{
	int64_t	count = sqlite3_column_int64(st, 3);
	char	t[32];

	if (count < 2)
		return;
	buf_printf(body, "  … and %lld more like it, the last at line %lld",
	    (long long)(count - 1), (long long)sqlite3_column_int64(st, 4));
	if (sqlite3_column_type(st, 5) != SQLITE_NULL) {
		time_format_clock(sqlite3_column_int64(st, 5), t, sizeof t);
		buf_printf(body, " (%s)", t);
	}
	buf_addc(body, '\n');
}

/*
 * An evidence line: its place, level and message, then its JSON fields,
 * those that decide first (the close code and reason, the config sent),
 * without the connection id and time the section already shows.  The store
 * keeps json only of lines whose JSON parsed as an object, so no
 * json_valid() here: SQLite 3.40's returns 0 when it runs out of memory,
 * and the line would be shown raw in a report that says it is complete.
 */
const char report_evidence_sql[] =
	"SELECT i.path, e.line, l.text, e.line_count,"
	" coalesce(e.last_line, e.line), e.last_ts, e.level, e.message,"
	" e.json IS NOT NULL"
	" FROM events AS e JOIN event_lines AS l ON l.id = e.id"
	" JOIN inputs AS i ON i.id = e.input_id WHERE e.id = ?1";

#define REPORT_KEYS_FIRST \
	" code reason error configKeys model payload retries isSessionReady" \
	" isSessionStarting hasConnectionState isAudioChunk mimeType " \

const char report_fields_sql[] =
	"SELECT j.key, CASE j.type WHEN 'text' THEN json_quote(j.value)"
	" WHEN 'true' THEN 'true' WHEN 'false' THEN 'false'"
	" WHEN 'null' THEN 'null' ELSE j.value END"
	" FROM events AS e, json_each(e.json) AS j WHERE e.id = ?1"
	" AND j.key NOT IN ('connectionId', 'timestamp')"
	" ORDER BY instr('" REPORT_KEYS_FIRST "', ' ' || j.key || ' ') = 0,"
	" instr('" REPORT_KEYS_FIRST "', ' ' || j.key || ' '), j.id";

/*
 * Append a piece of an evidence line at column *col, first breaking the
 * line (to an indent of 6) when the piece would pass REPORT_WRAP; a piece
 * longer than a line is cut into lines.  The piece is sanitized.
 */
static void
report_wrap(struct buf *body, size_t *col, const char *s, size_t len)
{
	size_t	n;

	if (len > REPORT_MAX_RAW)
		len = REPORT_MAX_RAW;
	while (len > 0) {
		if (*col > 6 && *col + len > REPORT_WRAP) {
			buf_adds(body, "\n      ");
			*col = 6;
			if (*s == ' ') {
				s++;
				len--;
				continue;
			}
		}
		n = len;
		if (*col + n > REPORT_WRAP)
			n = REPORT_WRAP - *col;
		/* do not cut a UTF-8 sequence */
		while (n < len && n > 1 &&
		    ((unsigned char)s[n] & 0xc0) == 0x80)
			n--;
		text_sanitize(body, s, n);
		*col += n;
		s += n;
		len -= n;
	}
}

/* One evidence line into body, with its fields wrapped below it. */
static void
report_evidence_line(struct report *r, struct buf *body, sqlite3_stmt *st,
    int64_t id)
{
	sqlite3_stmt	*fs;
	struct buf	 w;
	size_t		 col, mark;
	int		 nf = 0;

	mark = body->len;
	report_where(r, body, col_text(st, 0), sqlite3_column_int64(st, 1));
	buf_adds(body, "  ");
	/* line numbers of up to 4 digits line up */
	while (body->len - mark < 6)
		buf_addc(body, ' ');
	col = body->len - mark;
	if (!sqlite3_column_int(st, 8) || col_text(st, 7) == NULL) {
		/* no JSON object: the line as it is, wrapped */
		report_wrap(body, &col, col_text(st, 2),
		    (size_t)sqlite3_column_bytes(st, 2));
		if ((size_t)sqlite3_column_bytes(st, 2) > REPORT_MAX_RAW)
			buf_printf(body, " … (%d bytes)",
			    sqlite3_column_bytes(st, 2));
		buf_addc(body, '\n');
		return;
	}
	buf_init(&w);
	if (col_text(st, 6) != NULL)
		buf_printf(&w, "[%s] ", col_text(st, 6));
	buf_add(&w, col_text(st, 7), (size_t)sqlite3_column_bytes(st, 7));
	report_wrap(body, &col, w.data, w.len);
	fs = report_cached(r, &r->fields, report_fields_sql);
	if (fs != NULL) {
		sqlite3_bind_int64(fs, 1, id);
		while (report_step(r, fs)) {
			buf_reset(&w);
			if (nf++ > 0) {
				buf_addc(body, ',');
				col++;
				buf_addc(&w, ' ');
			}
			buf_printf(&w, "%s: ", col_text(fs, 0));
			buf_add(&w, col_text(fs, 1),
			    (size_t)sqlite3_column_bytes(fs, 1));
			if (nf == 1) {
				buf_adds(body, "\n      ");
				col = 6;
			}
			report_wrap(body, &col, w.data, w.len);
		}
	}
	buf_free(&w);
	buf_addc(body, '\n');
}

/*
 * The evidence lines of a finding in one fenced block: each line's
 * message, then its fields, deciding ones first, wrapped to fit.
 */
static void
report_evidence(struct report *r, const char *ids)
{
	sqlite3_stmt	*st;
	struct buf	 body;
	const char	*p = ids;
	int64_t		 id;
	int		 n = 0;

	if (ids == NULL)
		return;
	st = report_cached(r, &r->evidence, report_evidence_sql);
	if (st == NULL)
		return;
	buf_init(&body);
	while (n < REPORT_MAX_EVIDENCE && store_next_id(&p, &id)) {
		sqlite3_bind_int64(st, 1, id);
		if (report_step(r, st)) {
			report_evidence_line(r, &body, st, id);
			report_evidence_run(&body, st);
			n++;
		}
		sqlite3_reset(st);
	}
	if (body.len > 0)
		report_code_block(r, &body);
	buf_free(&body);
}

static void
report_finding(struct report *r, sqlite3_stmt *st, const char *lead)
{
	int64_t	first = col_ts(st, 5), last = col_ts(st, 6);

	buf_printf(r->out, "%s**%s** `%s`", lead, col_text(st, 2),
	    col_text(st, 1));
	buf_adds(r->out, " — ");
	report_str(r, col_text(st, 3));
	if (first != TS_NONE) {
		buf_adds(r->out, ", ");
		report_clock(r, first);
		if (last != TS_NONE && last != first) {
			buf_adds(r->out, " to ");
			report_clock(r, last);
		}
	}
	buf_adds(r->out, "\n\n");
	report_str(r, col_text(st, 7));
	buf_adds(r->out, "\n\n");
	report_evidence(r, col_text(st, 8));
}

#define REPORT_FINDINGS_COLS \
	"SELECT f.id, f.rule, upper(f.severity), f.title, f.next, f.first_ts," \
	" f.last_ts, f.summary, f.evidence, f.count"

/* The order of findings_conn (schema.sql), so no sort is needed. */
#define REPORT_SEV_ORDER \
	" ORDER BY f.severity_rank DESC, f.first_ts, f.id"

/*
 * A connection's root findings: no cause, or a cause outside the
 * connection.  The last column says whether any finding names it as its
 * cause: most have none, and the query for them is the dearest one here.
 */
const char report_roots_sql[] =
	REPORT_FINDINGS_COLS ","
	" EXISTS (SELECT 1 FROM findings AS c WHERE c.caused_by = f.id)"
	" FROM findings AS f WHERE f.conn = ?1 AND (f.caused_by IS NULL OR"
	" (SELECT c.conn FROM findings AS c WHERE c.id = f.caused_by)"
	" IS NOT f.conn)" REPORT_SEV_ORDER;

/* Every finding down the chain of ?1, not only the direct consequences. */
const char report_consequences_sql[] =
	"WITH RECURSIVE chain (id, depth) AS ("
	" SELECT id, 1 FROM findings WHERE caused_by = ?1"
	" UNION SELECT c.id, chain.depth + 1 FROM findings AS c"
	" JOIN chain ON c.caused_by = chain.id WHERE chain.depth < 16) "
	REPORT_FINDINGS_COLS " FROM findings AS f"
	" WHERE f.id IN (SELECT id FROM chain)" REPORT_SEV_ORDER;

/* One-line form of a finding, for the causal chain. */
static void
report_chain_item(struct report *r, sqlite3_stmt *st, const char *lead)
{
	int64_t	first = col_ts(st, 5);

	buf_adds(r->out, lead);
	if (first != TS_NONE) {
		report_clock(r, first);
		buf_adds(r->out, " ");
	}
	report_str(r, col_text(st, 3));
	buf_printf(r->out, " (`%s`", col_text(st, 1));
	if (sqlite3_column_int64(st, 9) > 1)
		buf_printf(r->out, ", %lld", sqlite3_column_int64(st, 9));
	buf_adds(r->out, ")\n");
}

/*
 * A connection's findings and its causal chain, from one walk over its
 * root findings: the chain is written to a buffer of its own as the walk
 * goes, and appended after it.  What to check next is said once for the
 * whole report (report_advice), not per connection.
 */
static void
report_connection_findings(struct report *r, const char *conn)
{
	sqlite3_stmt	*roots, *cons;
	struct buf	*out = r->out, chain;

	roots = report_cached(r, &r->roots, report_roots_sql);
	cons = report_cached(r, &r->consequences, report_consequences_sql);
	if (roots == NULL || cons == NULL)
		return;
	store_query_bind_text(r->db, roots, 1, conn, &r->failed, r->cause);
	buf_init(&chain);

	buf_adds(out, "### Findings\n\n");
	while (report_step(r, roots)) {
		report_finding(r, roots, "");
		r->out = &chain;
		report_chain_item(r, roots, "- Cause: ");
		r->out = out;
		if (!sqlite3_column_int(roots, 10))
			continue;
		sqlite3_bind_int64(cons, 1, sqlite3_column_int64(roots, 0));
		while (report_step(r, cons)) {
			report_finding(r, cons, "Consequence: ");
			r->out = &chain;
			report_chain_item(r, cons, "  - Consequence: ");
			r->out = out;
		}
		sqlite3_reset(cons);
	}
	sqlite3_reset(roots);

	buf_adds(out, "### Causal chain\n\n");
	buf_add(out, chain.data, chain.len);
	buf_addc(out, '\n');
	buf_free(&chain);
}

/*
 * For the markdown report and the terminal view: the verdicts of the
 * connections with problems in temp.report_verdicts, and those that get a
 * section in temp.report_sections.  With o NULL or --all, every one; with
 * --brief the first of each of the commonest ways they went wrong (outcome,
 * root causes, consequences); else the first REPORT_FULL_SECTIONS in
 * reading order and the first of each way, up to REPORT_MAX_MODES.  -1 and
 * *cause on a query error.
 */
int
report_select_sections(struct store *s, const struct report_options *o,
    char **cause)
{
	char	*sql;
	int	 nfull, nmodes, rc;

	if (o == NULL || o->size == REPORT_ALL) {
		nfull = -1;
		nmodes = 0;
	} else if (o->size == REPORT_BRIEF) {
		nfull = 0;
		nmodes = REPORT_BRIEF_SECTIONS;
	} else {
		nfull = REPORT_FULL_SECTIONS;
		nmodes = REPORT_MAX_MODES;
	}
	/* the verdicts once: the top, the selection and the tables read them */
	sql = xasprintf("DROP TABLE IF EXISTS temp.report_verdicts;"
	    "CREATE TEMP TABLE report_verdicts AS %s;"
	    "DROP TABLE IF EXISTS temp.report_sections;"
	    "CREATE TEMP TABLE report_sections (conn TEXT PRIMARY KEY,"
	    " first_id INTEGER);"
	    "INSERT OR IGNORE INTO report_sections SELECT conn, first_id"
	    " FROM connections WHERE" REPORT_AFFECTED " ORDER BY first_id"
	    " LIMIT %d;"
	    "INSERT OR IGNORE INTO report_sections SELECT conn, first_id FROM"
	    " (SELECT conn, first_id, row_number() OVER (PARTITION BY outcome,"
	    "  roots, consequences ORDER BY first_id) AS k, count(*) OVER"
	    "  (PARTITION BY outcome, roots, consequences) AS n FROM (%s))"
	    " WHERE k = 1 ORDER BY n DESC, first_id LIMIT %d;",
	    report_verdicts_query, nfull, report_verdicts_sql, nmodes);
	rc = store_exec(s, sql, cause);
	free(sql);
	return rc;
}

/* Under the verdict: what the report shows of the connections, and how
 * to get the rest. */
static void
report_scope(struct report *r)
{
	int64_t	affected, sections;

	affected = report_scalar(r, "SELECT count(*) FROM connections WHERE"
	    REPORT_AFFECTED);
	sections = report_scalar(r, "SELECT count(*) FROM report_sections");
	if (sections >= affected)
		return;
	buf_printf(r->out, "This report has a section for %lld of the %lld "
	    "connections with problems (%s one of each way they went wrong); "
	    "the others are in a table below. `--all` gives every section, "
	    "`--conn ID` one connection's, `--rule ID` those of one rule.\n\n",
	    (long long)sections, (long long)affected,
	    r->opts != NULL && r->opts->size == REPORT_BRIEF ? "the commonest,"
	    : "the first " REPORT_STR(REPORT_FULL_SECTIONS) " and");
}

static void
report_connections(struct report *r)
{
	sqlite3_stmt	*st;
	struct buf	*out = r->out, sec;
	char		*conn;
	int64_t		 start;

	if (store_exec(r->store, report_milestones_sql, r->cause) != 0) {
		r->failed = 1;
		return;
	}
	buf_init(&sec);
	st = report_prepare(r, "SELECT conn, outcome, first_ts, last_ts,"
	    " events, host, coalesce(connected_ts, min(first_ts,"
	    " coalesce(connect_call_ts, first_ts))), start_note,"
	    " (SELECT i.path FROM events AS e JOIN inputs AS i"
	    "  ON i.id = e.input_id WHERE e.id = first_id)"
	    " FROM connections WHERE conn IN (SELECT conn FROM"
	    " report_sections) ORDER BY first_id");
	while (report_step(r, st)) {
		/* built apart: a section that does not fit is left out whole */
		buf_reset(&sec);
		r->out = &sec;
		conn = xstrdup(col_text(st, 0));
		buf_adds(r->out, "## Connection ");
		report_str(r, conn);
		buf_adds(r->out, "\n\n**Outcome:** ");
		report_str(r, col_text(st, 1));
		if (col_text(st, 7) != NULL) {
			buf_adds(r->out, ", ");
			report_str(r, col_text(st, 7));
		}
		buf_adds(r->out, " · first seen ");
		report_time(r, col_ts(st, 2));
		buf_adds(r->out, " · last seen ");
		report_time(r, col_ts(st, 3));
		buf_printf(r->out, " · %lld events",
		    sqlite3_column_int64(st, 4));
		if (col_text(st, 5) != NULL) {
			buf_adds(r->out, " · host ");
			report_str(r, col_text(st, 5));
		}
		buf_adds(r->out, "\n\n");
		/* several inputs: the first line's, named once here */
		free(r->section_path);
		r->section_path = NULL;
		if (!r->one_input && col_text(st, 8) != NULL) {
			r->section_path = xstrdup(col_text(st, 8));
			buf_adds(r->out, "Lines are of ");
			report_str(r, report_path_short(r->section_path,
			    r->common));
			buf_adds(r->out, " unless named.\n\n");
		}
		buf_adds(r->out, "### Timeline\n\n");
		start = col_ts(st, 6);
		report_timeline(r, conn, start);
		if (chart_rate(r->db, r->out, conn, r->cause) != 0)
			r->failed = 1;
		report_connection_findings(r, conn);
		free(conn);
		r->out = out;
		if (report_room(r, sec.len))
			buf_add(out, sec.data, sec.len);
		else
			r->left_sections++;
		report_flush(r);
	}
	sqlite3_finalize(st);
	buf_free(&sec);
	free(r->section_path);
	r->section_path = NULL;
}

/* The connections with problems that have no section: one row each. */
static void
report_others(struct report *r)
{
	sqlite3_stmt	*st;
	int64_t		 rows = 0, left = 0;

	st = report_prepare(r, report_others_sql);
	while (report_step(r, st)) {
		if (!report_row_fits(r, 1024, rows, REPORT_MAX_OTHERS, &left))
			continue;
		if (rows++ == 0)
			buf_adds(r->out, "## Other connections with "
			    "problems\n\n"
			    "| connection | first seen | outcome | root causes "
			    "| consequences |\n"
			    "| --- | --- | --- | --- | --- |\n");
		buf_adds(r->out, "| ");
		report_col(r, st, 0);
		buf_adds(r->out, " | ");
		report_time(r, col_ts(st, 1));
		buf_adds(r->out, " | ");
		report_col(r, st, 2);
		buf_adds(r->out, " | ");
		report_col(r, st, 3);
		buf_adds(r->out, " | ");
		report_col(r, st, 4);
		buf_adds(r->out, " |\n");
		report_flush(r);
	}
	sqlite3_finalize(st);
	if (left > 0)
		buf_printf(r->out, "| … %lld more | | | | |\n", (long long)left);
	if (rows > 0)
		buf_addc(r->out, '\n');
	r->left_rows += left;
}

static void
report_healthy(struct report *r)
{
	sqlite3_stmt	*st;
	int64_t		 rows = 0, left = 0;

	st = report_prepare(r, report_healthy_sql);
	while (report_step(r, st)) {
		/* brief: the count only */
		if (!report_row_fits(r, 512, rows, r->opts != NULL &&
		    r->opts->size == REPORT_BRIEF ? 0 : REPORT_MAX_HEALTHY,
		    &left))
			continue;
		if (rows++ == 0)
			buf_adds(r->out, "## Healthy connections\n\n"
			    "| connection | first seen | last seen | events | "
			    "outcome | notes |\n"
			    "| --- | --- | --- | ---: | --- | --- |\n");
		buf_adds(r->out, "| ");
		report_str(r, col_text(st, 0));
		buf_adds(r->out, " | ");
		report_time(r, col_ts(st, 1));
		buf_adds(r->out, " | ");
		report_time(r, col_ts(st, 2));
		buf_printf(r->out, " | %lld | ", sqlite3_column_int64(st, 3));
		report_str(r, col_text(st, 4));
		buf_adds(r->out, " | ");
		report_str(r, col_text(st, 5));
		buf_adds(r->out, " |\n");
		report_flush(r);
	}
	sqlite3_finalize(st);
	if (left > 0 && rows > 0)
		buf_printf(r->out, "| … %lld more | | | | | |\n",
		    (long long)left);
	else if (left > 0)
		buf_printf(r->out, "%lld healthy connection%s (`--all` lists "
		    "them).\n", (long long)left, left == 1 ? "" : "s");
	if (rows > 0 || left > 0)
		buf_addc(r->out, '\n');
	r->left_rows += left;
}

/*
 * The relay's own part: its starts (the relay-wide kinds with a label),
 * then the findings that belong to no connection: the relay's faults,
 * origin rejections, lines that named no connection and could not be
 * given one; and those on an id that is none of the connections
 * (REPORT_NO_SECTION), each naming it.
 */
static void
report_relay(struct report *r)
{
	sqlite3_stmt	*st;
	int		 rows = 0;

	if (report_scalar(r, "SELECT count(*) FROM findings AS f WHERE"
	    REPORT_NO_SECTION) == 0)
		return;
	buf_adds(r->out, "## The relay, and lines of no connection\n\n");
	st = report_prepare(r, "SELECT e.ts, k.label, i.path, e.line"
	    " FROM kinds AS k CROSS JOIN ev AS e ON e.kind = k.kind"
	    " JOIN inputs AS i ON i.id = e.input_id"
	    " WHERE k.relay AND k.label IS NOT NULL ORDER BY e.id LIMIT "
	    REPORT_STR(REPORT_MAX_TIMELINE));
	while (report_step(r, st)) {
		if (rows++ == 0)
			buf_adds(r->out, "| time | what | line |\n"
			    "| --- | --- | --- |\n");
		buf_adds(r->out, "| ");
		report_time(r, col_ts(st, 0));
		buf_adds(r->out, " | ");
		report_str(r, col_text(st, 1));
		buf_adds(r->out, " | ");
		report_where_md(r, col_text(st, 2),
		    sqlite3_column_int64(st, 3));
		buf_adds(r->out, " |\n");
	}
	sqlite3_finalize(st);
	if (rows > 0)
		buf_addc(r->out, '\n');
	st = report_prepare(r, REPORT_FINDINGS_COLS ", f.conn FROM findings AS f"
	    " WHERE" REPORT_NO_SECTION REPORT_SEV_ORDER);
	while (report_step(r, st)) {
		if (!report_room(r, 8192)) {
			r->left_rows++;
			continue;
		}
		if (col_text(st, 10) != NULL) {
			buf_adds(r->out, "On connection ");
			report_str(r, col_text(st, 10));
			buf_adds(r->out, " (none of this report's "
			    "connections): ");
		}
		report_finding(r, st, "");
		report_flush(r);
	}
	sqlite3_finalize(st);
}

/* The opening paragraph: what happened, in a few lines. */

/*
 * Too many connections to list one by one at the top (a day of a busy
 * relay): those that went wrong the same way, counted together, most
 * first, with the first few ids; every one still has its section below.
 */
static void
report_verdict_groups(struct report *r)
{
	sqlite3_stmt	*st;
	char		*sql;

	sql = xasprintf("WITH v AS MATERIALIZED (%s),"
	    " g AS (SELECT outcome, roots, consequences, count(*) AS n,"
	    "  min(first_id) AS first FROM v GROUP BY 1, 2, 3)"
	    " SELECT g.n, g.outcome, g.roots, g.consequences,"
	    "  (SELECT group_concat(conn, ', ') FROM (SELECT conn FROM v"
	    "   WHERE v.outcome IS g.outcome AND v.roots IS g.roots"
	    "   AND v.consequences IS g.consequences"
	    "   ORDER BY first_id LIMIT %d))"
	    " FROM g ORDER BY g.n DESC, g.first", report_verdicts_sql,
	    REPORT_VERDICT_EXAMPLES);
	st = report_prepare(r, sql);
	free(sql);
	buf_adds(r->out, "By what went wrong:\n\n"
	    "| connections | outcome | root causes | consequences, not causes "
	    "| first of them |\n"
	    "| ---: | --- | --- | --- | --- |\n");
	while (report_step(r, st)) {
		if (!report_room(r, 2048)) {
			r->left_rows++;
			continue;
		}
		buf_printf(r->out, "| %lld | ", sqlite3_column_int64(st, 0));
		report_col(r, st, 1);
		buf_adds(r->out, " | ");
		report_col(r, st, 2);
		buf_adds(r->out, " | ");
		report_col(r, st, 3);
		buf_adds(r->out, " | ");
		report_col(r, st, 4);
		buf_adds(r->out, " |\n");
	}
	sqlite3_finalize(st);
	buf_addc(r->out, '\n');
}

static void
report_verdict(struct report *r)
{
	sqlite3_stmt	*st;
	char		*sql;
	int64_t		 conns, affected, relay, stray;

	st = report_prepare(r, "SELECT count(*), coalesce(sum(lines), 0),"
	    " coalesce(sum(events), 0) FROM inputs");
	if (report_step(r, st))
		buf_printf(r->out, "Read %lld line%s from %lld input%s: "
		    "%lld relay events. ", sqlite3_column_int64(st, 1),
		    sqlite3_column_int64(st, 1) == 1 ? "" : "s",
		    sqlite3_column_int64(st, 0),
		    sqlite3_column_int64(st, 0) == 1 ? "" : "s",
		    sqlite3_column_int64(st, 2));
	sqlite3_finalize(st);
	conns = report_scalar(r, "SELECT count(*) FROM connections");
	affected = report_scalar(r, "SELECT count(*) FROM connections WHERE"
	    REPORT_AFFECTED);
	buf_printf(r->out, "%lld connection%s, %lld with problems.\n\n",
	    (long long)conns, conns == 1 ? "" : "s", (long long)affected);
	relay = report_scalar(r, "SELECT count(*) FROM findings"
	    " WHERE conn IS NULL AND severity_rank > 0");
	if (relay > 0)
		buf_printf(r->out, "%lld finding%s of the relay itself or of "
		    "lines that name no connection (\"The relay, and lines "
		    "of no connection\" below).\n\n", (long long)relay,
		    relay == 1 ? "" : "s");
	stray = report_scalar(r, "SELECT count(*) FROM findings AS f WHERE"
	    REPORT_NO_SECTION " AND f.conn IS NOT NULL AND"
	    " f.severity_rank > 0");
	if (stray > 0)
		buf_printf(r->out, "%lld finding%s on a connection id that is "
		    "none of this report's connections (with the relay's, "
		    "below).\n\n", (long long)stray, stray == 1 ? "" : "s");
	if (conns > 0 &&
	    report_scalar(r, "SELECT info_lines FROM window_levels") == 0)
		buf_adds(r->out, "The log holds no INFO lines (a relay in "
		    "production prints WARN and ERROR only), so connects, "
		    "opens and ready sessions are not in it: where a "
		    "connection's 30 s timer line is, its connect is put 30 s "
		    "before it.\n\n");
	if (affected == 0)
		return;
	if (affected > REPORT_MAX_VERDICTS) {
		report_verdict_groups(r);
		return;
	}
	sql = xasprintf("SELECT conn, outcome, roots, consequences"
	    " FROM (%s) ORDER BY first_id", report_verdicts_sql);
	st = report_prepare(r, sql);
	free(sql);
	while (report_step(r, st)) {
		buf_adds(r->out, "- ");
		report_str(r, col_text(st, 0));
		buf_adds(r->out, ": ");
		report_str(r, col_text(st, 1));
		if (col_text(st, 2) != NULL) {
			buf_adds(r->out, ". Root causes: ");
			report_str(r, col_text(st, 2));
		}
		if (col_text(st, 3) != NULL) {
			buf_adds(r->out, ". Consequences, not causes: ");
			report_str(r, col_text(st, 3));
		}
		buf_adds(r->out, ".\n");
		report_flush(r);
	}
	sqlite3_finalize(st);
	buf_addc(r->out, '\n');
}

/*
 * What the report stands on, when it is not what it seems: no relay line
 * at all (then "no findings" would read as "all clear"), many lines that
 * look like the relay's but could not be read, or a window that holds
 * no event of a log that has some.
 */
static void
report_read_notes(struct report *r)
{
	sqlite3_stmt	*st;
	int64_t		 events, lines, unread;

	st = report_prepare(r, "SELECT coalesce(sum(events), 0),"
	    " coalesce(sum(lines), 0) FROM inputs");
	if (!report_step(r, st)) {
		sqlite3_finalize(st);
		return;
	}
	events = sqlite3_column_int64(st, 0);
	lines = sqlite3_column_int64(st, 1);
	sqlite3_finalize(st);
	if (events == 0 && report_scalar(r, "SELECT count(*) FROM inputs") > 0) {
		buf_printf(r->out, "**No relay log lines** among the %lld "
		    "line%s read: nothing was analysed, so no finding means "
		    "nothing here (the lines it read are below).\n\n",
		    (long long)lines, lines == 1 ? "" : "s");
		return;
	}
	unread = (int64_t)store_unread(r->store);
	if (unread > 0 && (unread >= 10 || unread * 20 >= lines)) {
		buf_printf(r->out, "**%lld line%s look%s like the relay's** "
		    "(a [WARN] or [ERROR] level, a connectionId) but could not "
		    "be read: a wrapper this program does not know? The first "
		    "of them are under Inputs; --input-format forces one.\n\n",
		    (long long)unread, unread == 1 ? "" : "s",
		    unread == 1 ? "s" : "");
	}
	if (report_scalar(r, "SELECT count(*) FROM connections") == 0 &&
	    events > 0 && report_scalar(r, "SELECT NOT EXISTS (SELECT 1"
	    " FROM ev)")) {
		st = report_prepare(r, "SELECT min(first_ts), max(last_ts)"
		    " FROM inputs");
		if (report_step(r, st)) {
			buf_adds(r->out, "**The window holds no event.** The "
			    "log runs from ");
			report_time(r, col_ts(st, 0));
			buf_adds(r->out, " to ");
			report_time(r, col_ts(st, 1));
			buf_adds(r->out, ".\n\n");
		}
		sqlite3_finalize(st);
	}
}

/*
 * What to check next, once per rule (and per advice, for a rule whose rows
 * give their own) for the root findings of severity warning or error.
 */
static void
report_advice(struct report *r)
{
	sqlite3_stmt	*st;
	int		 rows = 0;

	st = report_prepare(r, "SELECT rule, next FROM findings"
	    " WHERE caused_by IS NULL AND severity_rank > 0 AND next <> ''"
	    " GROUP BY rule, next ORDER BY max(severity_rank) DESC, rule,"
	    " min(id)");
	while (report_step(r, st)) {
		if (rows++ == 0)
			buf_adds(r->out, "## What to check next\n\n");
		/* rule ids are checked to be [a-z0-9_] when loaded */
		buf_printf(r->out, "- `%s`: ", col_text(st, 0));
		report_str(r, col_text(st, 1));
		buf_addc(r->out, '\n');
	}
	sqlite3_finalize(st);
	if (rows > 0)
		buf_addc(r->out, '\n');
}

/*
 * Write the markdown report into out, and from there to dst (if not NULL)
 * as it grows; what is left in out is the report's end.  -1 and *cause on a
 * query or write error.
 */
/* What --conn and --rule kept, in a sentence; nothing without them. */
void
report_focus_note(struct buf *b, const struct report_options *o)
{
	size_t	i;

	if (o == NULL || (o->nconns == 0 && o->nrules == 0))
		return;
	buf_adds(b, "Focused on");
	for (i = 0; i < o->nconns; i++) {
		buf_printf(b, "%s --conn ", i > 0 ? "," : "");
		text_sanitize(b, o->conns[i], strlen(o->conns[i]));
	}
	for (i = 0; i < o->nrules; i++) {
		buf_printf(b, "%s --rule ", i > 0 || o->nconns > 0 ? "," : "");
		text_sanitize(b, o->rules[i], strlen(o->rules[i]));
	}
	buf_printf(b, " (of %lld connections).", (long long)o->focus_total);
}

/* With -v: the time each part of the report took (NULL: start). */
static void
report_lap(const char *what)
{
	static double	prev;
	double		now = time_elapsed();

	if (what != NULL)
		log_debug("report: %s in %.3f s", what, now - prev);
	prev = now;
}

/* At the end: what the budget left out, and how to get it. */
static void
report_left_out(struct report *r)
{
	if (r->left_sections == 0 && r->left_rows == 0)
		return;
	buf_printf(r->out, "## Left out\n\n"
	    "To stay under %zu KB, this report left out %lld connection "
	    "section%s and %lld table row%s. `--all` gives everything, "
	    "`--conn ID` one connection, `--rule ID` the connections of one "
	    "rule, `--format json` all of it as data.\n",
	    r->budget / 1024, (long long)r->left_sections,
	    r->left_sections == 1 ? "" : "s", (long long)r->left_rows,
	    r->left_rows == 1 ? "" : "s");
}

/*
 * Write the markdown report into out, and from there to dst (if not NULL)
 * as it grows; what is left in out is the report's end.  o may be NULL
 * (the default options).  -1 and *cause on a query or write error.
 */
int
report_markdown(struct store *s, const struct report_options *o,
    struct buf *out, struct output *dst, char **cause)
{
	struct report	 r;
	struct diagnosis *d;

	memset(&r, 0, sizeof r);
	r.store = s;
	r.db = store_db(s);
	r.out = out;
	r.dst = dst;
	r.cause = cause;
	r.opts = o;
	if (o == NULL || o->size == REPORT_BOUNDED)
		r.budget = REPORT_BUDGET;
	else if (o->size == REPORT_BRIEF)
		r.budget = REPORT_BUDGET_BRIEF;
	r.common = report_common_dir(r.db, &r.failed, r.cause);
	r.one_input = report_scalar(&r, "SELECT count(*) FROM inputs") == 1;
	report_lap(NULL);
	buf_adds(out, "# Relay session analysis\n\n");
	if (o != NULL && (o->nconns > 0 || o->nrules > 0)) {
		report_focus_note(out, o);
		buf_adds(out, "\n\n");
	}
	report_read_notes(&r);
	if (report_scalar(&r, "SELECT count(*) FROM inputs WHERE complete = 0"))
		buf_adds(out, "**Partial report:** reading was interrupted; the "
		    "inputs marked (incomplete) were read only in part.\n\n");
	if ((d = diagnosis_build(s, cause)) == NULL)
		return -1;
	if (diagnosis_summary_markdown(d, s, out, cause) != 0 ||
	    diagnosis_markdown(d, s, out, cause) != 0) {
		diagnosis_free(d);
		return -1;
	}
	diagnosis_free(d);
	report_lap("diagnosis");
	if (report_select_sections(s, o, cause) != 0)
		return -1;
	report_lap("selection of sections");
	report_advice(&r);
	report_verdict(&r);
	report_scope(&r);
	r.failed = r.failed || report_compare(s, out, cause) != 0;
	report_summary(&r);
	report_lap("verdict and summary");
	if (!r.failed && chart_sessions(r.db, out, cause) != 0)
		r.failed = 1;
	report_inputs(&r);
	report_lap("chart and inputs");
	report_connections(&r);
	report_lap("sections");
	report_others(&r);
	report_relay(&r);
	report_healthy(&r);
	report_left_out(&r);
	report_lap("tables");
	sqlite3_finalize(r.timeline);
	sqlite3_finalize(r.evidence);
	sqlite3_finalize(r.roots);
	sqlite3_finalize(r.consequences);
	sqlite3_finalize(r.fields);
	return r.failed ? -1 : 0;
}
