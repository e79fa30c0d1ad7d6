/* SPDX-License-Identifier: MIT */
/*
 * --conn and --rule: narrow what every report shows, after the rules ran,
 * by deleting from this run's temporary connections and findings tables
 * what is out of focus (the events and the inputs stay, so the counts of
 * what was read do not change).  A --conn prefix must name exactly one
 * connection; a --rule id must be a loaded rule.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "loganalyze.h"

/*
 * The one connection whose id is prefix, or starts with it; NULL and
 * *cause when none or more than one does.
 */
static char *
focus_find_conn(sqlite3 *db, const char *prefix, char **cause)
{
	sqlite3_stmt	*st;
	char		*found = NULL, *other = NULL;
	const char	*s;
	int		 rc;

	if (sqlite3_prepare_v2(db, "SELECT conn FROM connections"
	    " WHERE conn = ?1 UNION ALL SELECT * FROM (SELECT conn"
	    " FROM connections WHERE substr(conn, 1, length(?1)) = ?1"
	    " AND conn <> ?1 AND NOT EXISTS (SELECT 1 FROM connections"
	    " WHERE conn = ?1) ORDER BY first_id LIMIT 2)", -1, &st,
	    NULL) != SQLITE_OK) {
		*cause = xasprintf("--conn: %s", sqlite3_errmsg(db));
		return NULL;
	}
	sqlite3_bind_text(st, 1, prefix, -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		/* conn is never NULL here: NULL is the text's want of memory */
		if ((s = store_column_text(st, 0)) == NULL) {
			rc = SQLITE_NOMEM;
			break;
		}
		if (found == NULL)
			found = xstrdup(s);
		else if (other == NULL)
			other = xstrdup(s);
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		*cause = xasprintf("--conn: %s", rc == SQLITE_NOMEM ?
		    sqlite3_errstr(rc) : sqlite3_errmsg(db));
		free(found);
		found = NULL;
	} else if (found == NULL)
		*cause = xasprintf("--conn: '%s' matches no connection",
		    prefix);
	else if (other != NULL) {
		*cause = xasprintf("--conn: '%s' matches more than one "
		    "connection: %s, %s",
		    prefix, found, other);
		free(found);
		found = NULL;
	}
	free(other);
	return found;
}

static int
focus_insert(sqlite3 *db, const char *sql, const char *value, char **cause)
{
	sqlite3_stmt	*st;
	int		 rc;

	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) {
		*cause = xasprintf("focus: %s", sqlite3_errmsg(db));
		return -1;
	}
	/* static: no copy to fail, and st is finalized before value goes */
	sqlite3_bind_text(st, 1, value, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		*cause = xasprintf("focus: %s", sqlite3_errmsg(db));
		return -1;
	}
	return 0;
}

/*
 * Keep only the connections named by --conn, and with --rule only those
 * where one of the rules fired; findings of the connections dropped go
 * too, and the relay's own findings unless one of the rules made them.
 * -1 and *cause (a usage error) for a prefix or rule that names nothing;
 * -2 on a database error.
 */
int
report_focus(struct store *s, struct ruleset *rules,
    struct report_options *o, char **cause)
{
	sqlite3		*db = store_db(s);
	sqlite3_stmt	*st;
	char		*conn;
	size_t		 i;

	if (o->nconns == 0 && o->nrules == 0)
		return 0;
	for (i = 0; i < o->nrules; i++) {
		if (!rules_has(rules, o->rules[i])) {
			*cause = xasprintf("--rule: '%s' is not a rule",
			    o->rules[i]);
			return -1;
		}
	}
	if (sqlite3_prepare_v2(db, "SELECT count(*) FROM connections", -1, &st,
	    NULL) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
		o->focus_total = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	if (store_exec(s, "DROP TABLE IF EXISTS temp.focus_conns;"
	    "CREATE TEMP TABLE focus_conns (conn TEXT PRIMARY KEY);"
	    "DROP TABLE IF EXISTS temp.focus_rules;"
	    "CREATE TEMP TABLE focus_rules (rule TEXT PRIMARY KEY);",
	    cause) != 0)
		return -2;
	for (i = 0; i < o->nconns; i++) {
		if ((conn = focus_find_conn(db, o->conns[i], cause)) == NULL)
			return -1;
		if (focus_insert(db, "INSERT OR IGNORE INTO focus_conns"
		    " VALUES (?1)", conn, cause) != 0) {
			free(conn);
			return -2;
		}
		free(conn);
	}
	for (i = 0; i < o->nrules; i++) {
		if (focus_insert(db, "INSERT OR IGNORE INTO focus_rules"
		    " VALUES (?1)", o->rules[i], cause) != 0)
			return -2;
	}
	/*
	 * The findings no section shows (the relay's, and those on an id that
	 * is none of the connections): only those of a rule asked for, told
	 * apart before the connections are narrowed.
	 */
	if (store_exec(s, "DELETE FROM findings WHERE id IN (SELECT f.id"
	    " FROM findings AS f WHERE" REPORT_NO_SECTION " AND f.rule NOT IN"
	    " (SELECT rule FROM focus_rules));"
	    "DROP TABLE IF EXISTS temp.focus_kept;"
	    "CREATE TEMP TABLE focus_kept AS SELECT f.id FROM findings AS f"
	    " WHERE" REPORT_NO_SECTION ";", cause) != 0)
		return -2;
	if (o->nconns > 0 && store_exec(s, "DELETE FROM connections WHERE"
	    " conn NOT IN (SELECT conn FROM focus_conns)", cause) != 0)
		return -2;
	if (o->nrules > 0 && store_exec(s, "DELETE FROM connections WHERE"
	    " conn NOT IN (SELECT conn FROM findings WHERE conn IS NOT NULL"
	    " AND rule IN (SELECT rule FROM focus_rules))", cause) != 0)
		return -2;
	if (store_exec(s, "DELETE FROM findings WHERE conn IS NOT NULL AND"
	    " conn NOT IN (SELECT conn FROM connections) AND"
	    " id NOT IN (SELECT id FROM focus_kept)", cause) != 0)
		return -2;
	return 0;
}
