/* SPDX-License-Identifier: MIT */
/*
 * The top of a nightly report: which inputs this run skipped or read on
 * from where the last run stopped, and, with --since, each rule's findings
 * and the connections they touch in the window against the window of the
 * same length just before it.  The window before is analysed first (the
 * same rules over [since - (until - since), since)) and its counts kept in
 * the temporary table compare_before; the report window is then analysed
 * as usual.  Nothing here is printed when there is nothing to say.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "loganalyze.h"
#include "embedded.h"

/*
 * Each rule that has findings in either window: rule, severity, title,
 * findings before and now, connections before and now; the rules that
 * fire more often than before first.  Used by report_json.c too.
 */
const char report_compare_sql[] =
	"WITH now AS (SELECT rule, min(severity) AS severity,"
	"  max(severity_rank) AS severity_rank,"
	"  min(title) AS title, count(*) AS findings,"
	"  count(DISTINCT conn) AS conns FROM findings GROUP BY rule),"
	" rules AS (SELECT rule, severity, severity_rank, title FROM now"
	"  UNION SELECT rule, severity, severity_rank, title"
	"  FROM temp.compare_before)"
	" SELECT r.rule, min(r.severity), min(r.title),"
	"  coalesce(b.findings, 0), coalesce(n.findings, 0),"
	"  coalesce(b.conns, 0), coalesce(n.conns, 0)"
	" FROM rules AS r"
	" LEFT JOIN temp.compare_before AS b ON b.rule = r.rule"
	" LEFT JOIN now AS n ON n.rule = r.rule"
	" GROUP BY r.rule"
	" ORDER BY coalesce(n.findings, 0) - coalesce(b.findings, 0) DESC,"
	"  max(r.severity_rank) DESC, r.rule";

/*
 * The sessions' attributes that can change between two windows (not the
 * hour, nor the time since a restart): how many sessions had each value,
 * out of how many whose lines gave the attribute.
 */
#define COMPARE_ATTRS_OF(table) \
	" SELECT attribute, value, count(*) AS sessions," \
	" (SELECT count(DISTINCT conn) FROM " table " AS k" \
	"  WHERE k.attribute = a.attribute) AS known" \
	" FROM " table " AS a WHERE attribute IN ('model', 'config_key'," \
	" 'config_keys', 'mime', 'audio_rate', 'rate_limited', 'host')" \
	" OR attribute LIKE 'payload.%' GROUP BY attribute, value"

/*
 * What changed between the window before and this one (the diagnosis's
 * session_attrs): each value whose share of sessions moved by half or
 * more, most moved first.  Used by report_json.c too.
 */
const char report_compare_attrs_sql[] =
	"WITH now AS (" COMPARE_ATTRS_OF("session_attrs") "),"
	" vals AS (SELECT attribute, value FROM now UNION"
	"  SELECT attribute, value FROM temp.compare_attrs),"
	" t AS (SELECT v.attribute, v.value,"
	"  coalesce(b.sessions, 0) AS b_n,"
	"  coalesce(b.known, (SELECT max(known) FROM temp.compare_attrs AS x"
	"   WHERE x.attribute = v.attribute), 0) AS b_of,"
	"  coalesce(n.sessions, 0) AS n_n,"
	"  coalesce(n.known, (SELECT max(known) FROM now AS y"
	"   WHERE y.attribute = v.attribute), 0) AS n_of"
	"  FROM vals AS v"
	"  LEFT JOIN temp.compare_attrs AS b ON b.attribute = v.attribute"
	"   AND b.value = v.value"
	"  LEFT JOIN now AS n ON n.attribute = v.attribute"
	"   AND n.value = v.value)"
	" SELECT attribute, value, b_n, b_of, n_n, n_of FROM t"
	" WHERE b_of > 0 AND n_of > 0"
	"  AND abs(1.0 * n_n / n_of - 1.0 * b_n / b_of) >= 0.5"
	" ORDER BY abs(1.0 * n_n / n_of - 1.0 * b_n / b_of) DESC, attribute,"
	"  value LIMIT 20";

static int
report_compare_error(sqlite3 *db, char **cause)
{
	*cause = xasprintf("compare: %s", sqlite3_errmsg(db));
	return -1;
}

/*
 * Analyse the window before [since, until) with the rules rs and keep each
 * rule's counts, when the database holds events in that window.  Call it
 * after loading and before the report window's own store_finish_load.
 * -1 and *cause on error.
 */
int
report_compare_prepare(struct store *s, struct ruleset *rs, int64_t since,
    int64_t until, char **cause)
{
	sqlite3		*db = store_db(s);
	sqlite3_stmt	*st;
	char		*err = NULL;
	int64_t		 before;
	int		 rc, any = 0;

	/* times before 1970 are not log times (and would overflow here) */
	if (since == TS_NONE || until == TS_NONE || since < 0 ||
	    until <= since)
		return 0;
	before = since - (until - since);
	if (store_exec(s, "DROP TABLE IF EXISTS temp.compare_before;"
	    "DROP TABLE IF EXISTS temp.compare_attrs;"
	    "DROP TABLE IF EXISTS temp.compare_window", cause) != 0)
		return -1;
	if (sqlite3_prepare_v2(db, "SELECT EXISTS (SELECT 1 FROM main.events"
	    " WHERE ts >= ?1 AND ts < ?2)", -1, &st, NULL) != SQLITE_OK)
		return report_compare_error(db, cause);
	sqlite3_bind_int64(st, 1, before);
	sqlite3_bind_int64(st, 2, since);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		any = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW)
		return report_compare_error(db, cause);
	if (!any)
		return 0;

	if (store_finish_load(s, before, since, cause) != 0)
		return -1;
	if (rules_run(rs, s, &err) != 0) {
		/*
		 * A rule that fails here fails again over the report window,
		 * where main.c words it: no comparison, and no second message.
		 */
		log_debug("compare: %s", err);
		free(err);
		return 0;
	}
	if (store_exec(s, embedded_diagnosis, cause) != 0 ||
	    store_exec(s, "CREATE TEMP TABLE compare_attrs AS"
	    COMPARE_ATTRS_OF("session_attrs"), cause) != 0)
		return -1;
	if (store_exec(s, "CREATE TEMP TABLE compare_before AS"
	    " SELECT rule, min(severity) AS severity,"
	    " max(severity_rank) AS severity_rank, min(title) AS title,"
	    " count(*) AS findings, count(DISTINCT conn) AS conns"
	    " FROM findings GROUP BY rule;"
	    "CREATE TEMP TABLE compare_window (before INTEGER, since INTEGER,"
	    " until INTEGER)", cause) != 0)
		return -1;
	if (sqlite3_prepare_v2(db, "INSERT INTO temp.compare_window"
	    " VALUES (?1, ?2, ?3)", -1, &st, NULL) != SQLITE_OK)
		return report_compare_error(db, cause);
	sqlite3_bind_int64(st, 1, before);
	sqlite3_bind_int64(st, 2, since);
	sqlite3_bind_int64(st, 3, until);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return report_compare_error(db, cause);
	return 0;
}

/* The inputs this run skipped as known or read on (temp.run_inputs). */
static int
report_compare_inputs(sqlite3 *db, struct buf *out, char **cause)
{
	sqlite3_stmt	*st;
	const char	*action, *last = "";
	int		 rc;

	if (sqlite3_prepare_v2(db, "SELECT r.action, r.path, r.input_id,"
	    " i.path FROM temp.run_inputs AS r LEFT JOIN inputs AS i"
	    " ON i.id = r.input_id ORDER BY r.action DESC, r.rowid", -1, &st,
	    NULL) != SQLITE_OK)
		return report_compare_error(db, cause);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		action = store_column_text(st, 0);
		if (strcmp(action, last) != 0) {
			if (*last != '\0')
				buf_addc(out, '\n');
			buf_adds(out, strcmp(action, "skipped") == 0 ?
			    "Already in the database, not read again:\n\n" :
			    "Grown since the last run, read on from where it "
			    "stopped:\n\n");
			last = strcmp(action, "skipped") == 0 ? "skipped" :
			    "resumed";
		}
		buf_adds(out, "- ");
		md_escape_cell(out, store_column_text(st, 1),
		    (size_t)sqlite3_column_bytes(st, 1));
		buf_printf(out, " (input %lld, ", sqlite3_column_int64(st, 2));
		md_escape_cell(out, store_column_text(st, 3),
		    (size_t)sqlite3_column_bytes(st, 3));
		buf_adds(out, ")\n");
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return report_compare_error(db, cause);
	if (*last != '\0')
		buf_addc(out, '\n');
	return 0;
}

/*
 * Write the top of the report into out: the inputs skipped or resumed,
 * then the comparison with the window before when report_compare_prepare
 * made one.  -1 and *cause on a query error.
 */
int
report_compare(struct store *s, struct buf *out, char **cause)
{
	sqlite3		*db = store_db(s);
	sqlite3_stmt	*st;
	struct buf	 rows;
	char		 a[40], b[40], c[40];
	int64_t		 before, now, diff;
	int		 rc;

	if (report_compare_inputs(db, out, cause) != 0)
		return -1;
	if (sqlite3_prepare_v2(db, "SELECT before, since, until FROM"
	    " temp.compare_window", -1, &st, NULL) != SQLITE_OK)
		return 0;	/* no window before: nothing to compare */
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		time_format_iso(sqlite3_column_int64(st, 0), a, sizeof a);
		time_format_iso(sqlite3_column_int64(st, 1), b, sizeof b);
		time_format_iso(sqlite3_column_int64(st, 2), c, sizeof c);
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW)
		return rc == SQLITE_DONE ? 0 : report_compare_error(db, cause);

	buf_printf(out, "## Compared with the window before\n\n"
	    "This report covers %s to %s; the window before, %s to %s.\n\n",
	    b, c, a, b);
	if (sqlite3_prepare_v2(db, report_compare_sql, -1, &st, NULL) !=
	    SQLITE_OK)
		return report_compare_error(db, cause);
	buf_init(&rows);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		buf_adds(&rows, "| ");
		md_escape_cell(&rows, store_column_text(st, 1),
		    (size_t)sqlite3_column_bytes(st, 1));
		/* a rule id, as the findings table shows it */
		buf_printf(&rows, " | `%s`",
		    store_column_text(st, 0));
		before = sqlite3_column_int64(st, 3);
		now = sqlite3_column_int64(st, 4);
		diff = now - before;
		/* a rule that fires more than before stands out */
		buf_printf(&rows, " | %lld | %s%lld", (long long)before,
		    diff > 0 ? "**" : "", (long long)now);
		if (diff != 0)
			buf_printf(&rows, " (%+lld)", (long long)diff);
		buf_printf(&rows, "%s | %lld | %lld | ", diff > 0 ? "**" : "",
		    sqlite3_column_int64(st, 5), sqlite3_column_int64(st, 6));
		md_escape_cell(&rows, store_column_text(st, 2),
		    (size_t)sqlite3_column_bytes(st, 2));
		buf_adds(&rows, " |\n");
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		buf_free(&rows);
		return report_compare_error(db, cause);
	}
	if (rows.len == 0)
		buf_adds(out, "No findings in either window.\n\n");
	else {
		buf_adds(out, "| severity | rule | findings before "
		    "| findings now | connections before | connections now "
		    "| what |\n"
		    "| --- | --- | ---: | ---: | ---: | ---: | --- |\n");
		buf_add(out, rows.data, rows.len);
		buf_addc(out, '\n');
	}
	buf_reset(&rows);
	if (sqlite3_prepare_v2(db, report_compare_attrs_sql, -1, &st, NULL) !=
	    SQLITE_OK) {
		buf_free(&rows);
		return report_compare_error(db, cause);
	}
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		buf_adds(&rows, "| ");
		md_escape_cell(&rows, store_column_text(st, 0),
		    (size_t)sqlite3_column_bytes(st, 0));
		buf_adds(&rows, " | ");
		md_escape_cell(&rows, store_column_text(st, 1),
		    (size_t)sqlite3_column_bytes(st, 1));
		buf_printf(&rows, " | %lld of %lld | %lld of %lld |\n",
		    sqlite3_column_int64(st, 2), sqlite3_column_int64(st, 3),
		    sqlite3_column_int64(st, 4), sqlite3_column_int64(st, 5));
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		buf_free(&rows);
		return report_compare_error(db, cause);
	}
	if (rows.len > 0) {
		buf_adds(out, "What changed in the sessions (values whose share "
		    "of sessions moved by half or more):\n\n"
		    "| attribute | value | sessions before | sessions now |\n"
		    "| --- | --- | ---: | ---: |\n");
		buf_add(out, rows.data, rows.len);
		buf_addc(out, '\n');
	}
	buf_free(&rows);
	return 0;
}
