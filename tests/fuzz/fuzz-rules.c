/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer target: a user's rule file against a small database.  The
 * input is the SQL body of a rule (a fixed header is put before it); it is
 * loaded from a file as --rules loads one and run by rules_run in the
 * sandbox (src/sandbox.c), with a one-second time limit.  Whether it
 * fails or not, it must not crash, change what the database holds (the
 * events, the schema), attach a database, or leave the transaction open;
 * an error has a message naming the rule file, clean once sanitised as
 * log.c prints it.
 */
#include "config.h"

#include <sys/stat.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "loganalyze.h"
#include "fuzz.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static const char fuzz_log[] =
"[2025-12-10T11:08:00.145Z] [INFO] Client connected {\"connectionId\":"
    "\"11111111-1111-4111-8111-111111111111\"}\n"
"[2025-12-10T11:08:00.311Z] [INFO] Calling ai.live.connect()... "
    "{\"connectionId\":\"11111111-1111-4111-8111-111111111111\"}\n"
"[2025-12-10T11:08:00.860Z] [INFO] Live API session opened "
    "{\"connectionId\":\"11111111-1111-4111-8111-111111111111\"}\n"
"[2025-12-10T11:08:10.720Z] [ERROR] Live API session closed "
    "{\"connectionId\":\"11111111-1111-4111-8111-111111111111\","
    "\"code\":1007,\"reason\":\"Request contains an invalid argument.\"}\n"
"[2025-12-10T11:08:10.800Z] [WARN] Rate limit exceeded for connection "
    "{\"connectionId\":\"11111111-1111-4111-8111-111111111111\"}\n";

static const char fuzz_header[] =
    "-- id: fuzz\n-- severity: warning\n-- title: Fuzzed\n";

static struct store	*store;
static char		 dir[64], file[96];
static int64_t		 events, objects;

/* One integer from SQL that must work. */
static int64_t
fuzz_int(const char *sql)
{
	sqlite3_stmt	*st;
	int64_t		 v;

	if (sqlite3_prepare_v2(store_db(store), sql, -1, &st, NULL) !=
	    SQLITE_OK || sqlite3_step(st) != SQLITE_ROW) {
		fprintf(stderr, "%s: %s\n", sql,
		    sqlite3_errmsg(store_db(store)));
		abort();
	}
	v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return v;
}

static void
fuzz_init(void)
{
	struct ingest_options	 opt;
	struct ingest		*ing;
	struct input_stats	 st;
	char			 path[64], *cause = NULL;

	memset(&opt, 0, sizeof opt);
	opt.envelope = ENV_AUTO;
	opt.threads = 1;
	store = store_open(NULL, &cause);
	ing = ingest_create(&opt, &cause);
	FUZZ_CHECK(store != NULL && ing != NULL);
	fuzz_memfile((const uint8_t *)fuzz_log, sizeof fuzz_log - 1, path,
	    sizeof path);
	FUZZ_CHECK(ingest_file(ing, store, path, &st, &cause) == 0);
	FUZZ_CHECK(store_finish_load(store, TS_NONE, TS_NONE, &cause) == 0);
	ingest_free(ing);
	sandbox_set_timeout(store_sandbox(store), 1000);
	snprintf(dir, sizeof dir, "/tmp/fuzz-rules.XXXXXX");
	FUZZ_CHECK(mkdtemp(dir) != NULL);
	snprintf(file, sizeof file, "%s/fuzz.sql", dir);
	events = fuzz_int("SELECT count(*) FROM events");
	objects = fuzz_int("SELECT count(*) FROM sqlite_master");
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ruleset	*rules;
	struct buf	 msg;
	FILE		*f;
	char		*cause = NULL;
	int		 rc;

	if (store == NULL)
		fuzz_init();
	if (memchr(data, '\0', size) != NULL)
		return 0;	/* refused by rules_load_dir, not interesting */
	f = fopen(file, "w");
	FUZZ_CHECK(f != NULL);
	fputs(fuzz_header, f);
	fwrite(data, 1, size, f);
	FUZZ_CHECK(fclose(f) == 0);
	rules = rules_create();
	rules_set_param(rules, "burst_gap_ms", 1000);
	rc = rules_load_dir(rules, dir, &cause);
	if (rc == 0)
		rc = rules_run(rules, store, &cause);
	if (rc != 0) {
		/* as log.c prints it: sanitised, so clean */
		FUZZ_CHECK(cause != NULL);
		buf_init(&msg);
		text_sanitize(&msg, cause, strlen(cause));
		fuzz_check_clean(msg.data, msg.len, "\t");
		buf_free(&msg);
		FUZZ_CHECK(strncmp(cause, file, strlen(file)) == 0 ||
		    strncmp(cause, "findings", 8) == 0);
	}
	free(cause);
	rules_free(rules);
	FUZZ_CHECK(sqlite3_get_autocommit(store_db(store)));
	FUZZ_CHECK(fuzz_int("SELECT count(*) FROM pragma_database_list") == 2);
	FUZZ_CHECK(fuzz_int("SELECT count(*) FROM events") == events);
	FUZZ_CHECK(fuzz_int("SELECT count(*) FROM sqlite_master") == objects);
	return 0;
}
