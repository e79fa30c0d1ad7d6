/* SPDX-License-Identifier: MIT */
/*
 * Rules: SQL files with a header (-- id:, -- severity:, -- title:,
 * -- description:, -- next:) and statements whose result rows are findings.  The
 * built-in rules are compiled into the binary; --rules DIR adds files, and a
 * file with a built-in rule's id replaces it.  Rules run in id order and
 * their rows are inserted into the findings table, so the findings' order is
 * stable.  Values reach rules only as bound parameters or through the
 * params table, never as SQL text.
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "loganalyze.h"
#include "embedded.h"

struct rule {
	char	*id;
	char	*title;
	char	*description;
	char	*next;		/* what to check next, for the report */
	char	*side;		/* whose side the failure is on, or NULL */
	char	*origin;	/* file name, for messages */
	char	*sql;
	int	 severity;
};

struct rule_param {
	char	*key;
	int64_t	 value;
};

struct ruleset {
	struct rule		*rules;
	size_t			 n;
	struct rule_param	*params;
	size_t			 nparams;
};

static const char *severity_names[] = { "info", "warning", "error" };

/* Whose side a failure is on (a rule's "-- side:" and its side column). */
#define RULE_SIDES	"google, relay, browser, network, config"
static const char *rule_sides[] = {
	"google", "relay", "browser", "network", "config"
};

static int
rule_side_is_known(const char *side)
{
	size_t	i;

	for (i = 0; i < sizeof rule_sides / sizeof rule_sides[0]; i++)
		if (strcmp(side, rule_sides[i]) == 0)
			return 1;
	return 0;
}

/* The column contract of a rule's result rows (docs/rules.md). */
enum rule_column {
	COL_CONN,
	COL_FIRST_TS,
	COL_LAST_TS,
	COL_COUNT,
	COL_SUMMARY,
	COL_ANCHOR,
	COL_CAUSE,
	COL_EVIDENCE,
	COL_TIMELINE,
	COL_ADVICE,		/* the row's own "next", over the header's */
	COL_SIDE,		/* the row's own side, over the header's */
	COL__COUNT
};
static const char *rule_columns[COL__COUNT] = {
	"connection_id", "first_ts", "last_ts", "count", "summary",
	"anchor_event", "cause_event", "evidence", "timeline", "advice",
	"side"
};

/* The message for a result column outside the contract. */
static char *
rule_bad_column(const struct rule *r, unsigned line, const char *name)
{
	struct buf	b;
	char		*msg;
	int		 c;

	buf_init(&b);
	for (c = 0; c < COL__COUNT; c++)
		buf_printf(&b, "%s%s", c > 0 ? ", " : "", rule_columns[c]);
	msg = xasprintf("%s:%u: result column '%s' is not one of %s",
	    r->origin, line, name, buf_cstr(&b));
	buf_free(&b);
	return msg;
}

int
severity_from_name(const char *name)
{
	size_t	i;

	for (i = 0; i < sizeof severity_names / sizeof severity_names[0]; i++)
		if (strcmp(name, severity_names[i]) == 0)
			return (int)i;
	if (strcmp(name, "warn") == 0)
		return SEV_WARNING;
	return -1;
}

const char *
severity_name(int sev)
{
	if (sev < SEV_INFO || sev > SEV_ERROR)
		return "info";
	return severity_names[sev];
}

struct ruleset *
rules_create(void)
{
	return xcalloc(1, sizeof(struct ruleset));
}

static void
rule_clear(struct rule *r)
{
	free(r->id);
	free(r->title);
	free(r->description);
	free(r->next);
	free(r->side);
	free(r->origin);
	free(r->sql);
}

void
rules_free(struct ruleset *rs)
{
	size_t	i;

	if (rs == NULL)
		return;
	for (i = 0; i < rs->n; i++)
		rule_clear(&rs->rules[i]);
	for (i = 0; i < rs->nparams; i++)
		free(rs->params[i].key);
	free(rs->rules);
	free(rs->params);
	free(rs);
}

size_t
rules_count(const struct ruleset *rs)
{
	return rs->n;
}

/* Whether a rule of that id is loaded. */
int
rules_has(const struct ruleset *rs, const char *id)
{
	size_t	i;

	for (i = 0; i < rs->n; i++) {
		if (strcmp(rs->rules[i].id, id) == 0)
			return 1;
	}
	return 0;
}

/* Set a value rules read as (SELECT value FROM params WHERE key = ...). */
void
rules_set_param(struct ruleset *rs, const char *key, int64_t value)
{
	size_t	i;

	for (i = 0; i < rs->nparams; i++) {
		if (strcmp(rs->params[i].key, key) == 0) {
			rs->params[i].value = value;
			return;
		}
	}
	rs->params = xreallocarray(rs->params, rs->nparams + 1,
	    sizeof *rs->params);
	rs->params[rs->nparams].key = xstrdup(key);
	rs->params[rs->nparams].value = value;
	rs->nparams++;
}

/* Trimmed copy of a header value. */
static char *
rule_value(const char *s, size_t len)
{
	while (len > 0 && (*s == ' ' || *s == '\t')) {
		s++;
		len--;
	}
	while (len > 0 && (s[len - 1] == ' ' || s[len - 1] == '\t' ||
	    s[len - 1] == '\r'))
		len--;
	return xstrndup(s, len);
}

/*
 * Read the header of rule text into *r.  Returns 0, or -1 with
 * "origin:line: problem" in *cause.
 */
static int
rule_parse(struct rule *r, const char *origin, const char *sql, char **cause)
{
	const char	*p = sql, *eol, *v;
	char		*sev = NULL, *more;
	char		**last = NULL;
	size_t		 len;
	unsigned	 lineno = 0;
	int		 rc = -1;

	memset(r, 0, sizeof *r);
	r->origin = xstrdup(origin);
	r->sql = xstrdup(sql);
	while (*p != '\0') {
		eol = strchr(p, '\n');
		len = eol != NULL ? (size_t)(eol - p) : strlen(p);
		lineno++;
		if (len < 2 || p[0] != '-' || p[1] != '-')
			break;
		v = p + 2;
		len -= 2;
		while (len > 0 && *v == ' ') {
			v++;
			len--;
		}
		if (len > 3 && strncmp(v, "id:", 3) == 0) {
			free(r->id);
			r->id = rule_value(v + 3, len - 3);
			last = NULL;
		} else if (len > 9 && strncmp(v, "severity:", 9) == 0) {
			free(sev);
			sev = rule_value(v + 9, len - 9);
			last = NULL;
		} else if (len > 6 && strncmp(v, "title:", 6) == 0) {
			free(r->title);
			r->title = rule_value(v + 6, len - 6);
			last = NULL;
		} else if (len > 12 && strncmp(v, "description:", 12) == 0) {
			free(r->description);
			r->description = rule_value(v + 12, len - 12);
			last = &r->description;
		} else if (len > 5 && strncmp(v, "next:", 5) == 0) {
			free(r->next);
			r->next = rule_value(v + 5, len - 5);
			last = &r->next;
		} else if (len > 5 && strncmp(v, "side:", 5) == 0) {
			free(r->side);
			r->side = rule_value(v + 5, len - 5);
			last = NULL;
		} else if (last != NULL && len > 0 && p[2] == ' ' &&
		    p[3] == ' ') {
			/* An indented comment line continues the description. */
			more = rule_value(v, len);
			v = *last;
			*last = xasprintf("%s %s", v, more);
			free((char *)v);
			free(more);
		} else
			last = NULL;
		if (eol == NULL)
			break;
		p = eol + 1;
	}

	if (r->id == NULL || *r->id == '\0') {
		*cause = xasprintf("%s:1: rule has no '-- id:' header", origin);
		goto out;
	}
	if (strspn(r->id, "abcdefghijklmnopqrstuvwxyz0123456789_") !=
	    strlen(r->id)) {
		*cause = xasprintf("%s:1: rule id '%s' is not lower-case "
		    "letters, digits and _", origin, r->id);
		goto out;
	}
	if (sev == NULL || (r->severity = severity_from_name(sev)) < 0) {
		*cause = xasprintf("%s:1: rule %s: severity must be error, "
		    "warning or info", origin, r->id);
		goto out;
	}
	if (r->side != NULL && !rule_side_is_known(r->side)) {
		*cause = xasprintf("%s:1: rule %s: side must be one of %s",
		    origin, r->id, RULE_SIDES);
		goto out;
	}
	if (r->title == NULL)
		r->title = xstrdup(r->id);
	if (r->description == NULL)
		r->description = xstrdup("");
	if (r->next == NULL)
		r->next = xstrdup("");
	rc = 0;
out:
	free(sev);
	if (rc != 0) {
		rule_clear(r);
		memset(r, 0, sizeof *r);
	}
	return rc;
}

/* Add or replace (same id) a rule. */
static int
rules_add(struct ruleset *rs, const char *origin, const char *sql,
    char **cause)
{
	struct rule	r;
	size_t		i;

	if (rule_parse(&r, origin, sql, cause) != 0)
		return -1;
	for (i = 0; i < rs->n; i++) {
		if (strcmp(rs->rules[i].id, r.id) == 0) {
			rule_clear(&rs->rules[i]);
			rs->rules[i] = r;
			return 0;
		}
	}
	rs->rules = xreallocarray(rs->rules, rs->n + 1, sizeof *rs->rules);
	rs->rules[rs->n++] = r;
	return 0;
}

int
rules_load_builtin(struct ruleset *rs, char **cause)
{
	const struct embedded_rule	*e;
	char				*origin;
	int				 rc;

	for (e = embedded_rules; e->name != NULL; e++) {
		origin = xasprintf("builtin:%s", e->name);
		rc = rules_add(rs, origin, e->sql, cause);
		free(origin);
		if (rc != 0)
			return -1;
	}
	return 0;
}

static char *
rules_read_file(const char *path, char **cause)
{
	FILE		*f;
	struct buf	 b;
	char		 chunk[8192];
	size_t		 n;

	f = fopen(path, "r");
	if (f == NULL) {
		*cause = xasprintf("%s: %s", path, strerror(errno));
		return NULL;
	}
	buf_init(&b);
	while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
		buf_add(&b, chunk, n);
	if (ferror(f)) {
		*cause = xasprintf("%s: %s", path, strerror(errno));
		fclose(f);
		buf_free(&b);
		return NULL;
	}
	fclose(f);
	if (memchr(b.data, '\0', b.len) != NULL) {
		*cause = xasprintf("%s: contains a NUL byte", path);
		buf_free(&b);
		return NULL;
	}
	buf_cstr(&b);
	return b.data;
}

static int
rules_name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Load every *.sql file of a directory, in name order. */
int
rules_load_dir(struct ruleset *rs, const char *dir, char **cause)
{
	DIR		*d;
	struct dirent	*de;
	char		**names = NULL, *path, *sql;
	size_t		 n = 0, i, len;
	int		 rc = 0;

	d = opendir(dir);
	if (d == NULL) {
		*cause = xasprintf("%s: %s", dir, strerror(errno));
		return -1;
	}
	while ((de = readdir(d)) != NULL) {
		len = strlen(de->d_name);
		if (len < 5 || strcmp(de->d_name + len - 4, ".sql") != 0)
			continue;
		names = xreallocarray(names, n + 1, sizeof *names);
		names[n++] = xstrdup(de->d_name);
	}
	closedir(d);
	if (n == 0) {
		*cause = xasprintf("%s: no *.sql rule files", dir);
		free(names);
		return -1;
	}
	qsort(names, n, sizeof *names, rules_name_cmp);
	for (i = 0; i < n; i++) {
		path = xasprintf("%s/%s", dir, names[i]);
		if (rc == 0) {
			sql = rules_read_file(path, cause);
			if (sql == NULL || rules_add(rs, path, sql, cause) != 0)
				rc = -1;
			free(sql);
		}
		free(path);
		free(names[i]);
	}
	free(names);
	return rc;
}

/*
 * The line of the rule file an error is on: where SQLite points, or else
 * the first line of the statement that is not blank or a comment.
 */
static unsigned
rule_line_of(const struct rule *r, sqlite3 *db, const char *stmt)
{
	const char	*p, *at = stmt;
	unsigned	 line = 1;
	int		 off;

	off = sqlite3_error_offset(db);
	if (off >= 0 && (size_t)off < strlen(stmt))
		at = stmt + off;
	else {
		for (;;) {
			at += strspn(at, " \t\r\n");
			if (at[0] != '-' || at[1] != '-')
				break;
			at += strcspn(at, "\n");
		}
	}
	for (p = r->sql; p < at && *p != '\0'; p++)
		if (*p == '\n')
			line++;
	return line;
}

static int
rules_write_params(struct ruleset *rs, struct store *s, char **cause)
{
	sqlite3		*db = store_db(s);
	sqlite3_stmt	*st;
	size_t		 i;

	if (store_exec(s, "CREATE TEMP TABLE IF NOT EXISTS params "
	    "(key TEXT PRIMARY KEY, value);"
	    "DELETE FROM temp.params;", cause) != 0)
		return -1;
	if (sqlite3_prepare_v2(db, "INSERT INTO temp.params VALUES (?1, ?2)",
	    -1, &st, NULL) != SQLITE_OK) {
		*cause = xasprintf("params: %s", sqlite3_errmsg(db));
		return -1;
	}
	for (i = 0; i < rs->nparams; i++) {
		sqlite3_bind_text(st, 1, rs->params[i].key, -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 2, rs->params[i].value);
		if (sqlite3_step(st) != SQLITE_DONE) {
			*cause = xasprintf("params: %s", sqlite3_errmsg(db));
			sqlite3_finalize(st);
			return -1;
		}
		sqlite3_reset(st);
	}
	sqlite3_finalize(st);
	return 0;
}

/*
 * Copy one result row of a rule into the findings table: 0, or 1 for a
 * side that is not one of RULE_SIDES, or -1 on a database error.
 */
static int
rule_insert_row(const struct rule *r, sqlite3 *db, sqlite3_stmt *row,
    const int *map, sqlite3_stmt *ins)
{
	const char	*side;
	int		 c, bad = 0;

	/*
	 * A bind that copies a value, and a column's text, fail for want of
	 * memory: the finding would be stored with a NULL in their place.
	 */
	bad |= sqlite3_bind_text(ins, 1, r->id, -1, SQLITE_STATIC);
	bad |= sqlite3_bind_text(ins, 2, severity_name(r->severity), -1,
	    SQLITE_STATIC);
	bad |= sqlite3_bind_int(ins, 3, r->severity);
	bad |= sqlite3_bind_text(ins, 4, r->title, -1, SQLITE_STATIC);
	if (map[COL_ADVICE] >= 0 &&
	    sqlite3_column_type(row, map[COL_ADVICE]) != SQLITE_NULL)
		bad |= sqlite3_bind_value(ins, 5, sqlite3_column_value(row,
		    map[COL_ADVICE]));
	else
		bad |= sqlite3_bind_text(ins, 5, r->next, -1, SQLITE_STATIC);
	side = map[COL_SIDE] >= 0 ? store_column_text(row, map[COL_SIDE]) :
	    NULL;
	if (side == NULL && map[COL_SIDE] >= 0 &&
	    sqlite3_column_type(row, map[COL_SIDE]) != SQLITE_NULL)
		return -1;
	if (side != NULL && !rule_side_is_known(side))
		return 1;
	bad |= sqlite3_bind_text(ins, 15, side != NULL ? side : r->side, -1,
	    SQLITE_TRANSIENT);
	for (c = 0; c < COL_ADVICE; c++) {
		if (map[c] < 0)
			bad |= sqlite3_bind_null(ins, 6 + c);
		else
			bad |= sqlite3_bind_value(ins, 6 + c,
			    sqlite3_column_value(row, map[c]));
	}
	if (bad != SQLITE_OK)
		return -1;
	if (sqlite3_step(ins) != SQLITE_DONE) {
		sqlite3_reset(ins);
		(void)db;
		return -1;
	}
	sqlite3_reset(ins);
	return 0;
}

/*
 * The message of a rule statement that failed: what the sandbox refused or
 * stopped, or SQLite's error, at the line of the rule file it is on.
 */
static char *
rule_error(const struct rule *r, sqlite3 *db, struct sandbox *sb,
    const char *stmt)
{
	char	*msg, *cause;

	msg = sandbox_message(sb);
	if (msg == NULL)
		msg = xstrdup("a rule may only read: findings come from its "
		    "result rows");
	cause = xasprintf("%s:%u: %s", r->origin, rule_line_of(r, db, stmt),
	    msg);
	free(msg);
	return cause;
}

/*
 * Run one rule's statements, each in the sandbox (with the time limit
 * unless the rule is built in); rows of any statement are findings.
 * -1 and *cause when the rule is at fault (a user's rule that does not
 * prepare, is refused, fails or is too slow), -2 when it is not (a
 * built-in rule, memory, I/O, a stop signal).
 */
static int
rule_run(const struct rule *r, sqlite3 *db, struct sandbox *sb,
    sqlite3_stmt *ins, char **cause)
{
	sqlite3_stmt	*st = NULL;
	const char	*sql = r->sql, *tail, *name;
	int		 map[COL__COUNT], c, i, rc, user;

	user = strncmp(r->origin, "builtin:", 8) != 0;
	while (*sql != '\0') {
		sandbox_start(sb, user);
		if (sqlite3_prepare_v2(db, sql, -1, &st, &tail) != SQLITE_OK) {
			*cause = rule_error(r, db, sb, sql);
			goto out;
		}
		if (st == NULL) {	/* only comments or white space left */
			sandbox_stop(sb);
			sql = tail;
			continue;
		}
		if (!sqlite3_stmt_readonly(st)) {
			*cause = xasprintf("%s:%u: a rule may only read: "
			    "findings come from its result rows", r->origin,
			    rule_line_of(r, db, sql));
			goto out;
		}
		for (c = 0; c < COL__COUNT; c++)
			map[c] = -1;
		for (i = 0; i < sqlite3_column_count(st); i++) {
			name = sqlite3_column_name(st, i);
			for (c = 0; c < COL__COUNT; c++)
				if (strcmp(name, rule_columns[c]) == 0)
					break;
			if (c == COL__COUNT) {
				/* a misspelt column would be a silent NULL */
				*cause = rule_bad_column(r,
				    rule_line_of(r, db, sql), name);
				goto out;
			}
			map[c] = i;
		}
		while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
			if ((c = rule_insert_row(r, db, st, map, ins)) == 0)
				continue;
			if (c == 1)
				*cause = xasprintf("%s:%u: side '%s' is not one "
				    "of %s", r->origin, rule_line_of(r, db, sql),
				    sqlite3_column_text(st, map[COL_SIDE]),
				    RULE_SIDES);
			else if (sandbox_why(sb, &name) != SANDBOX_OK)
				*cause = rule_error(r, db, sb, sql);
			else
				*cause = xasprintf("%s:%u: storing finding: "
				    "%s", r->origin, rule_line_of(r, db, sql),
				    sqlite3_errmsg(db));
			goto out;
		}
		if (rc != SQLITE_DONE) {
			*cause = rule_error(r, db, sb, sql);
			goto out;
		}
		sqlite3_finalize(st);
		st = NULL;
		sandbox_stop(sb);
		sql = tail;
	}
	return 0;
out:
	rc = !user || sandbox_failed_outside(sb) ? -2 : -1;
	sqlite3_finalize(st);
	sandbox_stop(sb);
	return rc;
}

static int
rules_id_cmp(const void *a, const void *b)
{
	const struct rule	*ra = a, *rb = b;

	return strcmp(ra->id, rb->id);
}

/*
 * Run every rule and fill the findings table (emptied first), then point
 * each consequence at the finding of its cause.  -1 and *cause when a
 * user's rule is at fault (a usage error), -2 and *cause on any other
 * failure.
 */
int
rules_run(struct ruleset *rs, struct store *s, char **cause)
{
	sqlite3		*db = store_db(s);
	sqlite3_stmt	*ins = NULL;
	size_t		 i;
	int		 rc = -2;
	char		*ignored = NULL;
	double		 start;

	if (rules_write_params(rs, s, cause) != 0)
		return -2;
	qsort(rs->rules, rs->n, sizeof *rs->rules, rules_id_cmp);
	if (store_exec(s, "BEGIN; DELETE FROM findings;", cause) != 0)
		return -2;
	if (sqlite3_prepare_v2(db, "INSERT INTO findings (rule, severity, "
	    "severity_rank, title, next, conn, first_ts, last_ts, count, "
	    "summary, anchor_event, cause_event, evidence, timeline, side) "
	    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, "
	    "?14, ?15)",
	    -1, &ins, NULL) != SQLITE_OK) {
		*cause = xasprintf("findings: %s", sqlite3_errmsg(db));
		goto out;
	}
	for (i = 0; i < rs->n; i++) {
		start = time_elapsed();
		rc = rule_run(&rs->rules[i], db, store_sandbox(s), ins, cause);
		if (rc != 0)
			goto out;
		rc = -2;
		log_debug("rule %s in %.3f s", rs->rules[i].id,
		    time_elapsed() - start);
	}
	if (store_exec(s, "UPDATE findings SET caused_by = ("
	    " SELECT c.id FROM findings AS c"
	    " WHERE c.anchor_event = findings.cause_event"
	    " AND c.id <> findings.id ORDER BY c.id LIMIT 1)"
	    " WHERE cause_event IS NOT NULL;", cause) != 0)
		goto out;
	rc = 0;
out:
	sqlite3_finalize(ins);
	if (rc == 0)
		return store_exec(s, "COMMIT", cause) != 0 ? -2 : 0;
	store_exec(s, "ROLLBACK", &ignored);
	free(ignored);
	return rc;
}
