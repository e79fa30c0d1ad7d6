/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer target: envelope detection and the line parser.  The input is
 * split into lines as input.c would; each goes through formats_unwrap
 * (auto-detection, so every envelope row is tried) and parser_parse.  The
 * record's spans must lie inside the text, its enums in range, and the
 * text as the report shows it (text_sanitize, md_escape_cell) must carry
 * no control character, no invalid UTF-8 and nothing that opens markup.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "loganalyze.h"
#include "fuzz.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static struct parser	*parser;
static struct formats	*formats;	/* new per input: it keeps state */
static struct buf	 clean;
static struct buf	 cell;

static void
fuzz_init(void)
{
	char	*cause = NULL;

	parser = parser_create(&cause);
	if (parser == NULL) {
		fprintf(stderr, "init: %s\n", cause);
		abort();
	}
	buf_init(&clean);
	buf_init(&cell);
}

/* Every byte of a span of the record is readable (ASan checks each). */
static void
fuzz_check_span(const char *s, size_t len)
{
	volatile char	c;
	size_t		i;

	if (s == NULL)
		return;
	for (i = 0; i < len; i++)
		c = s[i];
	(void)c;
}

static void
fuzz_check_report_text(const char *s, size_t len)
{
	size_t	i;

	buf_reset(&clean);
	text_sanitize(&clean, s, len);
	fuzz_check_clean(clean.data, clean.len, "\t");

	buf_reset(&cell);
	md_escape_cell(&cell, s, len);
	fuzz_check_clean(cell.data, cell.len, "");
	for (i = 0; i < cell.len; i++) {
		FUZZ_CHECK(cell.data[i] != '<' && cell.data[i] != '>');
		/* a pipe or backtick is always escaped */
		if (cell.data[i] == '|' || cell.data[i] == '`')
			FUZZ_CHECK(i > 0 && cell.data[i - 1] == '\\');
	}
}

static void
fuzz_line(const char *line, size_t len)
{
	struct envelope		env;
	struct log_record	r;
	int			rc;
	char			t[64];

	if (formats_unwrap(formats, line, len, &env) != 0)
		return;
	FUZZ_CHECK(env.text != NULL || env.len == 0);
	if (env.ts != TS_NONE)
		parser_set_day(parser, env.ts);
	rc = parser_parse(parser, env.text, env.len, &r);
	FUZZ_CHECK(rc >= PARSE_EVENT && rc <= PARSE_BLANK);
	FUZZ_CHECK(r.text_len <= env.len);
	fuzz_check_span(r.text, r.text_len);
	fuzz_check_report_text(r.text, r.text_len);
	if (rc != PARSE_EVENT)
		return;
	FUZZ_CHECK(r.level >= LEVEL_NONE && r.level <= LEVEL_ERROR);
	FUZZ_CHECK(r.kind >= 0 && r.kind < K__COUNT);
	FUZZ_CHECK(r.ts_src >= TSSRC_NONE);
	FUZZ_CHECK(classify_kind_name(r.kind) != NULL);
	FUZZ_CHECK(r.json_ok >= -1 && r.json_ok <= 1);
	fuzz_check_span(r.proc, r.proc_len);
	fuzz_check_span(r.msg, r.msg_len);
	fuzz_check_span(r.json, r.json_len);
	fuzz_check_span(r.conn, r.conn_len);
	if (r.json_ok == 0)
		FUZZ_CHECK(r.json_error != NULL &&
		    strlen(r.json_error) < 200);
	if (r.conn != NULL)
		fuzz_check_report_text(r.conn, r.conn_len);
	fuzz_check_report_text(r.msg, r.msg_len);
	time_format_iso(r.ts, t, sizeof t);
	time_format_clock(r.ts, t, sizeof t);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char	*p = (const char *)data, *end = p + size, *nl;
	char		*cause = NULL;

	if (parser == NULL)
		fuzz_init();
	formats = formats_create(ENV_AUTO, &cause);
	FUZZ_CHECK(formats != NULL);
	while (p < end) {
		nl = memchr(p, '\n', (size_t)(end - p));
		if (nl == NULL)
			nl = end;
		fuzz_line(p, (size_t)(nl - p));
		p = nl + 1;
	}
	formats_free(formats);
	return 0;
}
