/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer target: the JSON tail of a line (jsonlog_scan) and the time
 * parsers that read its "timestamp".  A connection id that comes out is at
 * most 128 bytes without NUL; an error message is NUL-terminated; a time
 * that parses formats back to text that parses to the same time.  A tail
 * that jsonlog_scan accepts is stored and later read by the rules with
 * SQLite's JSON functions: SQLite must accept it too, and find the same
 * connectionId and code.  The same input as a session-log record
 * (sessionlog_unwrap, which reads records with jsonlog_members and copies
 * their members as written): what it renders ends in a JSON object that
 * SQLite reads, and every object jsonlog_members accepts SQLite accepts.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "loganalyze.h"
#include "fuzz.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static struct jsonlog	*jsonlog;
static sqlite3		*db;
static sqlite3_stmt	*sq;

/* What the rules' SQL sees of an accepted tail. */
static void
fuzz_sqlite(const char *s, size_t len, const struct json_fields *f)
{
	const char	*conn;

	sqlite3_bind_text64(sq, 1, s, len, SQLITE_STATIC, SQLITE_UTF8);
	if (sqlite3_step(sq) != SQLITE_ROW) {
		fprintf(stderr, "sqlite: %s\n", sqlite3_errmsg(db));
		abort();
	}
	FUZZ_CHECK(sqlite3_column_int(sq, 0) == 1);
	if (f->conn != NULL) {
		conn = (const char *)sqlite3_column_text(sq, 1);
		FUZZ_CHECK(conn != NULL &&
		    (size_t)sqlite3_column_bytes(sq, 1) == f->conn_len &&
		    memcmp(conn, f->conn, f->conn_len) == 0);
	}
	if (f->code != -1) {
		FUZZ_CHECK(sqlite3_column_type(sq, 2) == SQLITE_INTEGER);
		FUZZ_CHECK(sqlite3_column_int64(sq, 2) == f->code);
	}
	sqlite3_reset(sq);
}

static int
fuzz_sqlite_valid(const char *s, size_t len)
{
	static sqlite3_stmt	*v;
	int			 ok;

	if (v == NULL && sqlite3_prepare_v2(db, "SELECT json_valid(?1)", -1,
	    &v, NULL) != SQLITE_OK)
		abort();
	sqlite3_bind_text64(v, 1, s, len, SQLITE_STATIC, SQLITE_UTF8);
	if (sqlite3_step(v) != SQLITE_ROW)
		abort();
	ok = sqlite3_column_int(v, 0);
	sqlite3_reset(v);
	return ok;
}

static void
fuzz_session_log(const char *s, size_t len)
{
	static struct buf	 text;
	struct json_member	 m[8];
	const char		*tail;
	size_t			 n;

	if (jsonlog_members(s, len, m, 8, &n) == 0 &&
	    memchr(s, '\0', len) == NULL)
		FUZZ_CHECK(fuzz_sqlite_valid(s, len));
	buf_reset(&text);
	if (!sessionlog_unwrap(s, len, &text))
		return;
	/* ts and the event hold no quote: the tail is the first such brace */
	tail = strstr(buf_cstr(&text), " {\"connectionId\":");
	FUZZ_CHECK(tail != NULL);
	if (tail != NULL && memchr(s, '\0', len) == NULL)
		FUZZ_CHECK(fuzz_sqlite_valid(tail + 1, strlen(tail + 1)));
}

static void
fuzz_time(const char *s, size_t len)
{
	int64_t	t, back;
	char	text[64], *arg;

	if (time_parse_iso(s, len, &t) == 0) {
		time_format_iso(t, text, sizeof text);
		if (time_parse_iso(text, strlen(text), &back) == 0)
			FUZZ_CHECK(back == t);
	}
	if (time_parse_clock(s, len, &t) == 0)
		FUZZ_CHECK(t >= 0 && t < 86401000);
	if (len < 64 && memchr(s, '\0', len) == NULL) {
		arg = xstrndup(s, len);
		(void)time_parse_arg(arg, 1765364890720LL, &t);
		free(arg);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct json_fields	 f;
	const char		*s = (const char *)data;

	if (jsonlog == NULL)
		jsonlog = jsonlog_create();
	if (db == NULL && (sqlite3_open(":memory:", &db) != SQLITE_OK ||
	    sqlite3_prepare_v2(db, "SELECT json_valid(?1),"
	    " json_extract(?1, '$.connectionId'),"
	    " json_extract(?1, '$.code')", -1, &sq, NULL) != SQLITE_OK))
		abort();
	if (jsonlog_scan(jsonlog, s, size, &f) == 0) {
		if (f.conn != NULL) {
			FUZZ_CHECK(f.conn_len > 0 && f.conn_len <= 128);
			FUZZ_CHECK(memchr(f.conn, '\0', f.conn_len) == NULL);
		}
		FUZZ_CHECK(f.error[0] == '\0');
		fuzz_sqlite(s, size, &f);
	} else {
		FUZZ_CHECK(f.conn == NULL);
		FUZZ_CHECK(memchr(f.error, '\0', sizeof f.error) != NULL);
		FUZZ_CHECK(f.error[0] != '\0');
	}
	fuzz_session_log(s, size);
	fuzz_time(s, size);
	return 0;
}
