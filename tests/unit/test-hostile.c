/* SPDX-License-Identifier: MIT */
/*
 * Regression tests for hostile input found by fuzzing and by the hostile-*
 * golden cases: each test is one bug that once existed.  Buffers are heap
 * copies of exactly the text, not NUL-terminated, so ASan and valgrind see
 * any read past the end.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "loganalyze.h"
#include "check.h"

/* A heap copy of s without its NUL: a read past the end is caught. */
static char *
exact(const char *s, size_t *len)
{
	char	*p;

	*len = strlen(s);
	p = xmalloc(*len);
	memcpy(p, s, *len);
	return p;
}

/* fuzz-jsonlog: a "code" whose digits end the text was read by strtoll. */
static void
test_json_code_digits_at_end(void)
{
	struct jsonlog		*j = jsonlog_create();
	struct json_fields	 f;
	size_t			 len;
	char			*t;

	t = exact("{\"code\":99999999", &len);
	CHECK(jsonlog_scan(j, t, len, &f) == -1);
	CHECK(f.code == -1);
	free(t);
	t = exact("{\"code\":-1007}", &len);
	CHECK(jsonlog_scan(j, t, len, &f) == 0);
	CHECK(f.code == -1007);
	free(t);
	jsonlog_free(j);
}

/* Burn some stack, as the caller of parser_parse does. */
static void __attribute__((noinline))
scribble(void)
{
	volatile char	junk[512];

	memset((char *)junk, 'X', sizeof junk);
}

/* hostile-nul: the JSON error message pointed into a dead stack frame. */
static void
test_json_error_outlives_parse(void)
{
	struct parser		*p;
	struct log_record	 r;
	char			*cause = NULL, *t;
	size_t			 len;

	p = parser_create(&cause);
	t = exact("[2025-12-10T11:08:06.000Z] [WARN] Rate limit exceeded for "
	    "REALTIME_INPUT {\"connectionId\":\"c1\",\"code\":}", &len);
	CHECK(parser_parse(p, t, len, &r) == PARSE_EVENT);
	scribble();
	CHECK(r.json_ok == 0);
	CHECK(r.json_error != NULL &&
	    strncmp(r.json_error, "column ", 7) == 0);
	free(t);
	parser_free(p);
}

/* hostile-json-truncated: a tail cut short was taken for message text. */
static void
test_truncated_tail_is_json_error(void)
{
	struct parser		*p;
	struct log_record	 r;
	char			*cause = NULL, *t;
	size_t			 len;

	p = parser_create(&cause);
	t = exact("[2025-12-10T11:08:10.720Z] [ERROR] Live API session closed "
	    "{\"connectionId\":\"c1\",\"code\":10", &len);
	CHECK(parser_parse(p, t, len, &r) == PARSE_EVENT);
	CHECK(r.kind == K_CLOSED);
	CHECK_STR(r.msg, r.msg_len, "Live API session closed");
	CHECK(r.json_ok == 0);
	free(t);
	parser_free(p);
}

/* hostile-injection: a right-to-left override reached the report raw. */
static void
test_sanitize_bidi_controls(void)
{
	struct buf	b;

	buf_init(&b);
	text_sanitize(&b, "a\xe2\x80\xae" "b\xe2\x81\xa6" "c\xe2\x80\xa8" "d",
	    13);
	CHECK_STR(b.data, b.len,
	    "a\\xE2\\x80\\xAEb\\xE2\\x81\\xA6c\\xE2\\x80\\xA8d");
	buf_reset(&b);
	/* an accented letter and a dash stay as they are */
	text_sanitize(&b, "caf\xc3\xa9 \xe2\x80\x94 ok", 12);
	CHECK_STR(b.data, b.len, "caf\xc3\xa9 \xe2\x80\x94 ok");
	buf_free(&b);
}

int
main(void)
{
	TEST(test_json_code_digits_at_end);
	TEST(test_json_error_outlives_parse);
	TEST(test_truncated_tail_is_json_error);
	TEST(test_sanitize_bidi_controls);
	return check_total_failed != 0;
}
