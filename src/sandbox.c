/* SPDX-License-Identifier: MIT */
/*
 * The sandbox of the SQL a user hands us (--rules files and --sql), and of
 * the built-in rules that go through the same runner.  Such SQL may only
 * read: an authorizer allows SELECT, reads of tables, recursive CTEs,
 * functions other than those that reach outside SQL, and a short list of
 * PRAGMAs that only report; everything else (writes, ATTACH, transaction
 * control, other PRAGMAs) is refused when the statement is prepared.
 * While such a statement runs, a progress handler stops it on SIGINT or
 * SIGTERM (ingest_stop) and after its time limit.  The policy applies
 * only between sandbox_start and sandbox_stop, so the program's own
 * statements are never refused, even when SQLite prepares them again.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "loganalyze.h"

/* What the authorizer notes for a write, which callers word themselves. */
#define SANDBOX_WRITE_TAG	"write"

/* VM steps between two looks at the stop flag and the clock. */
#define SANDBOX_PROGRESS_STEPS	10000

struct sandbox {
	sqlite3		*db;
	int		 active;	/* between sandbox_start and _stop */
	int		 user;		/* the SQL is the user's: time limit */
	int64_t		 timeout_ms;	/* for user SQL; 0 for none */
	double		 deadline;	/* time_elapsed() when it runs out */
	int		 why;		/* enum sandbox_why of the last stop */
	char		 denied[96];	/* what the authorizer refused */
	int		 limits[4];	/* the limits before sandbox_start */
};

/* The limits while user SQL runs, and the values they had before. */
static const struct {
	int	id;
	int	value;
} sandbox_limits[] = {
	{ SQLITE_LIMIT_SQL_LENGTH, 1000000 },	/* a rule file is a few kB */
	{ SQLITE_LIMIT_EXPR_DEPTH, 500 },
	{ SQLITE_LIMIT_COMPOUND_SELECT, 100 },
	{ SQLITE_LIMIT_ATTACHED, 0 },
};

/* Functions that reach outside SQL: library pointers, shared objects. */
static const char *sandbox_denied_functions[] = {
	"fts3_tokenizer", "load_extension",
};

/*
 * PRAGMAs that only report, with or without a table or index name (or
 * for the checks, a number) as argument.  Any other PRAGMA, or one of the
 * second list given a value to set (PRAGMA user_version = 7), is refused.
 */
static const char *sandbox_pragmas_named[] = {
	"foreign_key_list", "index_info", "index_list", "index_xinfo",
	"integrity_check", "quick_check", "table_info", "table_xinfo",
};
static const char *sandbox_pragmas_read[] = {
	"application_id", "collation_list", "compile_options",
	"data_version", "database_list", "encoding", "freelist_count",
	"function_list", "page_count", "page_size",
	"pragma_list", "schema_version", "table_list", "user_version",
};

static int
sandbox_in(const char *name, const char *const *list, size_t n)
{
	size_t	i;

	if (name == NULL)
		return 0;
	for (i = 0; i < n; i++)
		if (sqlite3_stricmp(name, list[i]) == 0)
			return 1;
	return 0;
}

/* Refuse, keeping the first reason: prefix, name and suffix in a row. */
static int
sandbox_deny(struct sandbox *sb, const char *prefix, const char *name,
    const char *suffix)
{
	if (sb->denied[0] == '\0')
		snprintf(sb->denied, sizeof sb->denied, "%s%s%s", prefix,
		    name != NULL ? name : "", suffix);
	return SQLITE_DENY;
}

static int
sandbox_authorize(void *arg, int action, const char *a, const char *b,
    const char *c, const char *d)
{
	struct sandbox	*sb = arg;

	(void)c;
	(void)d;
	if (!sb->active)
		return SQLITE_OK;
	switch (action) {
	case SQLITE_SELECT:
	case SQLITE_READ:
	case SQLITE_RECURSIVE:
		return SQLITE_OK;
	case SQLITE_UPDATE:
		/*
		 * SQLite asks this of an eponymous virtual table's first use
		 * in a statement (pragma_table_info, json_each); no statement
		 * can update the schema table itself (defensive mode, and the
		 * callers refuse a statement that is not read-only).
		 */
		if (a != NULL && (strcmp(a, "sqlite_master") == 0 ||
		    strcmp(a, "sqlite_schema") == 0))
			return SQLITE_OK;
		return sandbox_deny(sb, SANDBOX_WRITE_TAG, NULL, "");
	case SQLITE_FUNCTION:
		if (sandbox_in(b, sandbox_denied_functions,
		    sizeof sandbox_denied_functions /
		    sizeof sandbox_denied_functions[0]))
			return sandbox_deny(sb, "", b, "() is not allowed");
		return SQLITE_OK;
	case SQLITE_PRAGMA:
		if (sandbox_in(a, sandbox_pragmas_named,
		    sizeof sandbox_pragmas_named /
		    sizeof sandbox_pragmas_named[0]))
			return SQLITE_OK;
		if (b == NULL && sandbox_in(a, sandbox_pragmas_read,
		    sizeof sandbox_pragmas_read /
		    sizeof sandbox_pragmas_read[0]))
			return SQLITE_OK;
		return sandbox_deny(sb, "PRAGMA ", a, " is not allowed");
	case SQLITE_ATTACH:
		return sandbox_deny(sb, "ATTACH is not allowed", NULL, "");
	case SQLITE_DETACH:
		return sandbox_deny(sb, "DETACH is not allowed", NULL, "");
	case SQLITE_TRANSACTION:
		return sandbox_deny(sb, "", a, " is not allowed: the program "
		    "holds the transaction");
	case SQLITE_SAVEPOINT:
		return sandbox_deny(sb, "SAVEPOINT is not allowed: the "
		    "program holds the transaction", NULL, "");
	default:
		return sandbox_deny(sb, SANDBOX_WRITE_TAG, NULL, "");
	}
}

static int
sandbox_progress(void *arg)
{
	struct sandbox	*sb = arg;

	if (ingest_stop) {
		sb->why = SANDBOX_INTERRUPTED;
		return 1;
	}
	if (sb->user && sb->timeout_ms > 0 && time_elapsed() > sb->deadline) {
		sb->why = SANDBOX_TIMED_OUT;
		return 1;
	}
	return 0;
}

/*
 * Harden the connection for good (no extension loading, no fts3_tokenizer
 * with a pointer, SQLite's defensive mode) and install the authorizer.
 * The sandbox is the caller's to free, before the connection is closed.
 */
struct sandbox *
sandbox_create(struct sqlite3 *db)
{
	struct sandbox	*sb;

	sb = xcalloc(1, sizeof *sb);
	sb->db = db;
	sb->timeout_ms = SANDBOX_DEFAULT_TIMEOUT_MS;
	sqlite3_db_config(db, SQLITE_DBCONFIG_DEFENSIVE, 1, NULL);
	sqlite3_db_config(db, SQLITE_DBCONFIG_ENABLE_LOAD_EXTENSION, 0, NULL);
	sqlite3_db_config(db, SQLITE_DBCONFIG_ENABLE_FTS3_TOKENIZER, 0, NULL);
	sqlite3_set_authorizer(db, sandbox_authorize, sb);
	return sb;
}

void
sandbox_free(struct sandbox *sb)
{
	if (sb == NULL)
		return;
	sqlite3_set_authorizer(sb->db, NULL, NULL);
	sqlite3_progress_handler(sb->db, 0, NULL, NULL);
	free(sb);
}

/* The time limit of user SQL, per statement, in ms; 0 for none. */
void
sandbox_set_timeout(struct sandbox *sb, int64_t ms)
{
	sb->timeout_ms = ms;
}

int64_t
sandbox_timeout(const struct sandbox *sb)
{
	return sb->timeout_ms;
}

/*
 * Statements prepared and run from now to sandbox_stop are held to the
 * policy; user (a --rules file or --sql, not a built-in rule) also to the
 * time limit, counted from here.
 */
void
sandbox_start(struct sandbox *sb, int user)
{
	size_t	i;

	sb->active = 1;
	sb->user = user;
	sb->why = SANDBOX_OK;
	sb->denied[0] = '\0';
	sb->deadline = time_elapsed() + (double)sb->timeout_ms / 1000;
	for (i = 0; i < sizeof sandbox_limits / sizeof sandbox_limits[0]; i++)
		sb->limits[i] = sqlite3_limit(sb->db, sandbox_limits[i].id,
		    sandbox_limits[i].value);
	sqlite3_progress_handler(sb->db, SANDBOX_PROGRESS_STEPS,
	    sandbox_progress, sb);
}

/* Back to the program's own SQL: no policy, the old limits. */
void
sandbox_stop(struct sandbox *sb)
{
	size_t	i;

	sqlite3_progress_handler(sb->db, 0, NULL, NULL);
	for (i = 0; i < sizeof sandbox_limits / sizeof sandbox_limits[0]; i++)
		sqlite3_limit(sb->db, sandbox_limits[i].id, sb->limits[i]);
	sb->active = 0;
}

/*
 * Why the last statement failed, if the sandbox stopped or refused it:
 * SANDBOX_INTERRUPTED, SANDBOX_TIMED_OUT, SANDBOX_DENIED or
 * SANDBOX_WRITE; SANDBOX_OK when it was SQLite's own error.  For
 * SANDBOX_DENIED, *what says what was refused (borrowed, valid until the
 * next sandbox_start).
 */
int
sandbox_why(const struct sandbox *sb, const char **what)
{
	*what = sb->denied;
	if (sb->why != SANDBOX_OK)
		return sb->why;
	if (strcmp(sb->denied, SANDBOX_WRITE_TAG) == 0)
		return SANDBOX_WRITE;
	if (sb->denied[0] != '\0')
		return SANDBOX_DENIED;
	return SANDBOX_OK;
}

/*
 * The message for a statement that failed under the sandbox, allocated:
 * what was refused, why it was stopped, or SQLite's message.  A refused
 * write is worded by the caller (its "read-only" message): NULL then.
 */
char *
sandbox_message(const struct sandbox *sb)
{
	const char	*what;
	int64_t		 s = sb->timeout_ms / 1000;

	switch (sandbox_why(sb, &what)) {
	case SANDBOX_INTERRUPTED:
		return xstrdup("interrupted");
	case SANDBOX_TIMED_OUT:
		if (sb->timeout_ms % 1000 != 0)
			return xasprintf("stopped after %lld ms "
			    "(--sql-timeout)", (long long)sb->timeout_ms);
		return xasprintf("stopped after %lld second%s "
		    "(--sql-timeout)", (long long)s, s == 1 ? "" : "s");
	case SANDBOX_DENIED:
		return xstrdup(what);
	case SANDBOX_WRITE:
		return NULL;
	default:
		return xstrdup(sqlite3_errmsg(sb->db));
	}
}

/*
 * Whether the last failure of the connection came from outside the SQL:
 * memory, I/O, a full disk, a damaged or locked database, or a stop
 * signal (exit status 3), not the statement itself (refused, too slow,
 * or an SQL error: exit status 2).
 */
int
sandbox_failed_outside(const struct sandbox *sb)
{
	const char	*what;

	switch (sandbox_why(sb, &what)) {
	case SANDBOX_INTERRUPTED:
		return 1;
	case SANDBOX_TIMED_OUT:
	case SANDBOX_DENIED:
	case SANDBOX_WRITE:
		return 0;
	default:
		break;
	}
	switch (sqlite3_errcode(sb->db) & 0xff) {
	case SQLITE_NOMEM:
	case SQLITE_IOERR:
	case SQLITE_FULL:
	case SQLITE_CORRUPT:
	case SQLITE_NOTADB:
	case SQLITE_CANTOPEN:
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
	case SQLITE_READONLY:
	case SQLITE_PROTOCOL:
		return 1;
	default:
		return 0;
	}
}
