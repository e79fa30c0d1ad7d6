/* SPDX-License-Identifier: MIT */
/*
 * The markdown report, built from the store after the rules ran: inputs,
 * a summary of findings, one section per affected connection (timeline,
 * findings with their evidence lines, causal chain, what to check next) and
 * a table of the healthy ones.  Everything is ordered by reading order or
 * severity, never by wall-clock time, so the same input gives the same
 * bytes.  Log text reaches the report only through md_escape_cell (inline)
 * or report_code_block (fenced, sanitized), so it cannot become markup.
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

#define REPORT_XSTR(x)		#x
#define REPORT_STR(x)		REPORT_XSTR(x)

struct report {
	struct store	*store;
	sqlite3		*db;
	struct buf	*out;
	struct output	*dst;		/* where out goes as it fills, or NULL */
	char		**cause;
	int		 failed;
	/* run once per connection or finding: prepared once */
	sqlite3_stmt	*timeline;
	sqlite3_stmt	*evidence;
	sqlite3_stmt	*roots;
	sqlite3_stmt	*consequences;
};

/* The connections that get a section: those with an error or warning. */
#define REPORT_AFFECTED \
	" conn IN (SELECT conn FROM findings WHERE severity_rank > 0)"

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
report_text(struct report *r, const char *s)
{
	if (s != NULL)
		md_escape_cell(r->out, s, strlen(s));
}

/* A text column, all of it: log text may hold NUL bytes. */
static void
report_col(struct report *r, sqlite3_stmt *st, int i)
{
	const char	*s = (const char *)sqlite3_column_text(st, i);

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
	if (!r->failed && output_flush(r->dst, r->out, r->cause) != 0)
		r->failed = 1;
}

static const char *
col_text(sqlite3_stmt *st, int i)
{
	return (const char *)sqlite3_column_text(st, i);
}

static int64_t
col_ts(sqlite3_stmt *st, int i)
{
	if (sqlite3_column_type(st, i) == SQLITE_NULL)
		return TS_NONE;
	return sqlite3_column_int64(st, i);
}

static void
report_time(struct report *r, int64_t ts)
{
	char	t[40];

	time_format_iso(ts, t, sizeof t);
	buf_adds(r->out, t);
	if (time_is_clock_only(ts))
		buf_adds(r->out, " (date unknown)");
}

static void
report_clock(struct report *r, int64_t ts)
{
	char	t[40];

	time_format_clock(ts, t, sizeof t);
	buf_adds(r->out, t);
}

static int64_t
report_scalar(struct report *r, const char *sql)
{
	sqlite3_stmt	*st;
	int64_t		 v = 0;

	st = report_prepare(r, sql);
	if (report_step(r, st))
		v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return v;
}

static void
report_inputs(struct report *r)
{
	sqlite3_stmt	*st;
	int64_t		 n, attributed = 0, unattributed = 0;
	int64_t		 year_inferred = 0;

	buf_adds(r->out, "## Inputs\n\n"
	    "| input | lines | events | continuation lines | blank "
	    "| not log lines | JSON errors | first event | last event |\n"
	    "| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- | --- |\n");
	st = report_prepare(r, "SELECT path, lines, events, continuations, "
	    "blank, unparsed, json_errors, first_ts, last_ts, complete "
	    "FROM inputs ORDER BY id");
	while (report_step(r, st)) {
		buf_adds(r->out, "| ");
		report_text(r, col_text(st, 0));
		if (sqlite3_column_int(st, 9) == 0)
			buf_adds(r->out, " (incomplete)");
		buf_printf(r->out, " | %lld | %lld | %lld | %lld | %lld | %lld "
		    "| ", sqlite3_column_int64(st, 1),
		    sqlite3_column_int64(st, 2), sqlite3_column_int64(st, 3),
		    sqlite3_column_int64(st, 4), sqlite3_column_int64(st, 5),
		    sqlite3_column_int64(st, 6));
		report_time(r, col_ts(st, 7));
		buf_adds(r->out, " | ");
		report_time(r, col_ts(st, 8));
		buf_adds(r->out, " |\n");
	}
	sqlite3_finalize(st);
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
			buf_adds(r->out, "| ");
			report_text(r, col_text(st, 0));
			buf_printf(r->out, ":%lld | ",
			    sqlite3_column_int64(st, 1));
			report_text(r, col_text(st, 2));
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
		report_text(r, col_text(st, 4));
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
		report_text(r, label);
		buf_adds(r->out, "*");
		return;
	}
	if (strong)
		buf_adds(r->out, "**");
	report_text(r, label);
	if (sqlite3_column_type(st, 4) != SQLITE_NULL)
		buf_printf(r->out, " with %lld", sqlite3_column_int64(st, 4));
	if (strong)
		buf_adds(r->out, "**");
	if (detail != NULL && *detail != '\0') {
		buf_adds(r->out, ": ");
		report_text(r, detail);
	}
	if (verdict != NULL) {
		strong = sqlite3_column_int(st, 12) == SEV_ERROR;
		buf_adds(r->out, strong ? ": **" : ": ");
		report_text(r, verdict);
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
static const char report_milestones_sql[] =
	"DROP TABLE IF EXISTS temp.timeline_events;"
	"CREATE TEMP TABLE timeline_events (conn TEXT, id INTEGER,"
	" PRIMARY KEY (conn, id)) WITHOUT ROWID;"
	"INSERT INTO timeline_events SELECT e.conn, e.id"
	" FROM kinds AS k CROSS JOIN ev AS e ON e.kind = k.kind"
	" WHERE k.label IS NOT NULL AND +e.conn IN (SELECT conn FROM findings"
	"  WHERE severity_rank > 0)";

/*
 * A connection's milestones (timeline_events), each with the words of the
 * most severe finding that starts at it, and the findings with words of
 * their own that start elsewhere (bursts of warnings).
 */
static const char report_timeline_sql[] =
	"SELECT e.ts, e.id, e.kind, k.label,"
	" CASE WHEN k.show_code THEN e.code END,"
	" CASE WHEN k.fields IS NOT NULL AND json_valid(e.json) THEN"
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
	sqlite3_bind_text(st, 1, conn, -1, SQLITE_TRANSIENT);
	buf_adds(r->out, "| time | since start | what | line |\n"
	    "| --- | ---: | --- | --- |\n");
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
		if (ts != TS_NONE && start != TS_NONE) {
			/* a log whose times run backwards gives "-5.0 s" */
			time_format_delta(ts - start, d, sizeof d);
			buf_printf(r->out, " | %s%s | ", ts >= start ? "+" : "",
			    d);
		} else
			buf_adds(r->out, " | | ");
		report_milestone(r, st);
		if (sqlite3_column_int(st, 8))
			buf_adds(r->out, " (attributed)");
		buf_adds(r->out, " | ");
		report_text(r, col_text(st, 6));
		buf_printf(r->out, ":%lld |\n", sqlite3_column_int64(st, 7));
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

/* The evidence lines of a finding, verbatim, in one fenced block. */
static void
report_evidence(struct report *r, const char *ids)
{
	sqlite3_stmt	*st;
	struct buf	 body;
	const char	*p = ids, *raw;
	int64_t		 id;
	int		 n = 0, len;

	if (ids == NULL)
		return;
	st = report_cached(r, &r->evidence, store_evidence_sql);
	if (st == NULL)
		return;
	buf_init(&body);
	while (n < REPORT_MAX_EVIDENCE && store_next_id(&p, &id)) {
		sqlite3_bind_int64(st, 1, id);
		if (report_step(r, st)) {
			raw = col_text(st, 2);
			len = sqlite3_column_bytes(st, 2);
			text_sanitize(&body, col_text(st, 0),
			    strlen(col_text(st, 0)));
			buf_printf(&body, ":%lld: ",
			    sqlite3_column_int64(st, 1));
			text_sanitize(&body, raw, len > REPORT_MAX_RAW ?
			    REPORT_MAX_RAW : (size_t)len);
			if (len > REPORT_MAX_RAW)
				buf_printf(&body, " … (%d bytes)", len);
			buf_addc(&body, '\n');
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
	report_text(r, col_text(st, 3));
	if (first != TS_NONE) {
		buf_adds(r->out, ", ");
		report_clock(r, first);
		if (last != TS_NONE && last != first) {
			buf_adds(r->out, " to ");
			report_clock(r, last);
		}
	}
	buf_adds(r->out, "\n\n");
	report_text(r, col_text(st, 7));
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
static const char report_roots_sql[] =
	REPORT_FINDINGS_COLS ","
	" EXISTS (SELECT 1 FROM findings AS c WHERE c.caused_by = f.id)"
	" FROM findings AS f WHERE f.conn = ?1 AND (f.caused_by IS NULL OR"
	" (SELECT c.conn FROM findings AS c WHERE c.id = f.caused_by)"
	" IS NOT f.conn)" REPORT_SEV_ORDER;

/* Every finding down the chain of ?1, not only the direct consequences. */
static const char report_consequences_sql[] =
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
	report_text(r, col_text(st, 3));
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
	sqlite3_bind_text(roots, 1, conn, -1, SQLITE_TRANSIENT);
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

static void
report_connections(struct report *r)
{
	sqlite3_stmt	*st;
	char		*conn;
	int64_t		 start;

	if (store_exec(r->store, report_milestones_sql, r->cause) != 0) {
		r->failed = 1;
		return;
	}
	st = report_prepare(r, "SELECT conn, outcome, first_ts, last_ts,"
	    " events, host, coalesce(connected_ts, min(first_ts,"
	    " coalesce(connect_call_ts, first_ts))), start_note"
	    " FROM connections WHERE" REPORT_AFFECTED " ORDER BY first_id");
	while (report_step(r, st)) {
		conn = xstrdup(col_text(st, 0));
		buf_adds(r->out, "## Connection ");
		report_text(r, conn);
		buf_adds(r->out, "\n\n**Outcome:** ");
		report_text(r, col_text(st, 1));
		if (col_text(st, 7) != NULL) {
			buf_adds(r->out, ", ");
			report_text(r, col_text(st, 7));
		}
		buf_adds(r->out, " · first seen ");
		report_time(r, col_ts(st, 2));
		buf_adds(r->out, " · last seen ");
		report_time(r, col_ts(st, 3));
		buf_printf(r->out, " · %lld events",
		    sqlite3_column_int64(st, 4));
		if (col_text(st, 5) != NULL) {
			buf_adds(r->out, " · host ");
			report_text(r, col_text(st, 5));
		}
		buf_adds(r->out, "\n\n### Timeline\n\n");
		start = col_ts(st, 6);
		report_timeline(r, conn, start);
		report_connection_findings(r, conn);
		free(conn);
		report_flush(r);
	}
	sqlite3_finalize(st);
}

static void
report_healthy(struct report *r)
{
	sqlite3_stmt	*st;
	int		 rows = 0;

	st = report_prepare(r, "SELECT c.conn, c.first_ts, c.last_ts, c.events,"
	    " c.outcome, (SELECT group_concat(DISTINCT f.rule) FROM findings"
	    " AS f WHERE f.conn = c.conn) FROM connections AS c"
	    " WHERE NOT (" REPORT_AFFECTED ") ORDER BY c.first_id");
	while (report_step(r, st)) {
		if (rows++ == 0)
			buf_adds(r->out, "## Healthy connections\n\n"
			    "| connection | first seen | last seen | events | "
			    "outcome | notes |\n"
			    "| --- | --- | --- | ---: | --- | --- |\n");
		buf_adds(r->out, "| ");
		report_text(r, col_text(st, 0));
		buf_adds(r->out, " | ");
		report_time(r, col_ts(st, 1));
		buf_adds(r->out, " | ");
		report_time(r, col_ts(st, 2));
		buf_printf(r->out, " | %lld | ", sqlite3_column_int64(st, 3));
		report_text(r, col_text(st, 4));
		buf_adds(r->out, " | ");
		report_text(r, col_text(st, 5));
		buf_adds(r->out, " |\n");
		report_flush(r);
	}
	sqlite3_finalize(st);
	if (rows > 0)
		buf_addc(r->out, '\n');
}

/*
 * The relay's own part: its starts (the relay-wide kinds with a label),
 * then the findings that belong to no connection: the relay's faults,
 * origin rejections, lines that named no connection and could not be
 * given one.
 */
static void
report_relay(struct report *r)
{
	sqlite3_stmt	*st;
	int		 rows = 0;

	if (report_scalar(r, "SELECT count(*) FROM findings WHERE conn IS NULL")
	    == 0)
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
		report_text(r, col_text(st, 1));
		buf_adds(r->out, " | ");
		report_text(r, col_text(st, 2));
		buf_printf(r->out, ":%lld |\n", sqlite3_column_int64(st, 3));
	}
	sqlite3_finalize(st);
	if (rows > 0)
		buf_addc(r->out, '\n');
	st = report_prepare(r, REPORT_FINDINGS_COLS " FROM findings AS f"
	    " WHERE f.conn IS NULL" REPORT_SEV_ORDER);
	while (report_step(r, st))
		report_finding(r, st, "");
	sqlite3_finalize(st);
}

/* The opening paragraph: what happened, in a few lines. */
/*
 * Each connection with problems: its outcome, the titles of its root-cause
 * findings (errors first) and of the findings they caused.
 */
static const char report_verdicts_sql[] =
	"SELECT c.conn, c.first_id, c.outcome, (SELECT group_concat(t, '; ')"
	" FROM (SELECT f.title AS t FROM findings AS f WHERE"
	" f.conn = c.conn AND f.caused_by IS NULL AND f.severity_rank > 0"
	" ORDER BY f.severity_rank DESC, f.id))"
	" AS roots,"
	" (SELECT group_concat(t, '; ') FROM (SELECT lower(substr(f.title,"
	" 1, 1)) || substr(f.title, 2) AS t FROM findings AS f"
	" WHERE f.conn = c.conn AND f.caused_by IS NOT NULL ORDER BY f.id))"
	" AS consequences"
	" FROM connections AS c WHERE" REPORT_AFFECTED;

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
	buf_adds(r->out, "By what went wrong (each connection has its "
	    "section below):\n\n"
	    "| connections | outcome | root causes | consequences, not causes "
	    "| first of them |\n"
	    "| ---: | --- | --- | --- | --- |\n");
	while (report_step(r, st)) {
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
	int64_t		 conns, affected, relay;

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
		report_text(r, col_text(st, 0));
		buf_adds(r->out, ": ");
		report_text(r, col_text(st, 1));
		if (col_text(st, 2) != NULL) {
			buf_adds(r->out, ". Root causes: ");
			report_text(r, col_text(st, 2));
		}
		if (col_text(st, 3) != NULL) {
			buf_adds(r->out, ". Consequences, not causes: ");
			report_text(r, col_text(st, 3));
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
		report_text(r, col_text(st, 1));
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
int
report_markdown(struct store *s, struct buf *out, struct output *dst,
    char **cause)
{
	struct report	 r;
	struct diagnosis *d;

	memset(&r, 0, sizeof r);
	r.store = s;
	r.db = store_db(s);
	r.out = out;
	r.dst = dst;
	r.cause = cause;

	buf_adds(out, "# Relay session analysis\n\n");
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
	report_advice(&r);
	report_verdict(&r);
	r.failed = r.failed || report_compare(s, out, cause) != 0;
	report_inputs(&r);
	report_summary(&r);
	report_connections(&r);
	report_relay(&r);
	report_healthy(&r);
	sqlite3_finalize(r.timeline);
	sqlite3_finalize(r.evidence);
	sqlite3_finalize(r.roots);
	sqlite3_finalize(r.consequences);
	return r.failed ? -1 : 0;
}
