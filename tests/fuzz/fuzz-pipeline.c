/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer target: the whole pipeline on one small capture.  The input is
 * a log file: it is ingested into a fresh temporary store, analysed, the
 * built-in rules run, and both reports and a --sql table are written.
 * Nothing may fail but through *cause; every line is counted once; the
 * stored line reads back as it was read; the
 * markdown report holds no control character but newlines (and tabs in
 * quoted evidence); the JSON report
 * is valid JSON; a --sql table keeps its cells.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <sqlite3.h>

#include "loganalyze.h"
#include "fuzz.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static struct ruleset	*rules;
static struct ingest	*ingest;

static void
fuzz_init(void)
{
	struct ingest_options	 opt;
	char			*cause = NULL;

	memset(&opt, 0, sizeof opt);
	opt.envelope = ENV_AUTO;
	opt.max_samples = 5;
	rules = rules_create();
	rules_set_param(rules, "burst_gap_ms", 1000);
	if (rules_load_builtin(rules, &cause) != 0) {
		fprintf(stderr, "rules: %s\n", cause);
		abort();
	}
	ingest = ingest_create(&opt, &cause);
	if (ingest == NULL) {
		fprintf(stderr, "ingest: %s\n", cause);
		abort();
	}
}

/* Fail loudly on an error that a log's content must never cause. */
static void
fuzz_ok(int rc, char *cause, const char *what)
{
	if (rc != 0) {
		fprintf(stderr, "%s: %s\n", what, cause ? cause : "?");
		abort();
	}
}

/*
 * The --sql table: clean text, no raw HTML or link markup, and every row
 * has exactly ncol cells (a pipe from the log is escaped, never a border).
 */
static void
fuzz_check_table(const struct buf *md, int ncol)
{
	const char	*p = md->data, *end = md->data + md->len;
	int		 pipes;

	fuzz_check_clean(md->data, md->len, "\n");
	FUZZ_CHECK(memchr(md->data, '<', md->len) == NULL);
	while (p < end && *p == '|') {
		pipes = 0;
		for (; p < end && *p != '\n'; p++) {
			if (*p == '\\')
				p++;
			else if (*p == '|')
				pipes++;
			else	/* markup characters come escaped */
				FUZZ_CHECK(strchr("[]`*_~", *p) == NULL);
		}
		FUZZ_CHECK(pipes == ncol + 1);
		p++;
	}
}

/*
 * The store keeps most lines as prefix + message + JSON, rebuilt by the
 * event_lines view: each row must read back as the parser's text of its
 * line (checked for lines without an envelope, whose text is the line's).
 */
static void
fuzz_check_lines(struct store *s, const uint8_t *data, size_t size)
{
	static struct parser	*p;
	struct formats		*f;
	struct envelope		 env;
	struct log_record	 r;
	sqlite3_stmt		*st;
	const char		*line = (const char *)data, *end = line + size;
	const char		*nl, *text;
	char			**want = NULL, *cause = NULL;
	size_t			*wlen = NULL, n = 0, i, len;
	int64_t			 at;

	if (p == NULL)
		p = parser_create(&cause);
	f = formats_create(ENV_AUTO, &cause);
	FUZZ_CHECK(p != NULL && f != NULL);
	while (line < end) {
		nl = memchr(line, '\n', (size_t)(end - line));
		len = (size_t)((nl != NULL ? nl : end) - line);
		want = xreallocarray(want, n + 2, sizeof *want);
		wlen = xreallocarray(wlen, n + 2, sizeof *wlen);
		want[++n] = NULL;
		if (formats_unwrap(f, line, len, &env) == 0 &&
		    env.kind == ENV_PLAIN &&
		    parser_parse(p, env.text, env.len, &r) == PARSE_EVENT) {
			want[n] = xstrndup(r.text, r.text_len);
			wlen[n] = r.text_len;	/* NUL bytes included */
		}
		line += len + 1;
	}
	formats_free(f);
	if (sqlite3_prepare_v2(store_db(s), "SELECT line, text FROM event_lines"
	    " ORDER BY id", -1, &st, NULL) != SQLITE_OK)
		abort();
	while (sqlite3_step(st) == SQLITE_ROW) {
		at = sqlite3_column_int64(st, 0);
		FUZZ_CHECK(at >= 1 && (size_t)at <= n);
		text = (const char *)sqlite3_column_text(st, 1);
		if (want[at] == NULL)
			continue;
		FUZZ_CHECK(text != NULL &&
		    (size_t)sqlite3_column_bytes(st, 1) == wlen[at] &&
		    memcmp(text, want[at], wlen[at]) == 0);
	}
	sqlite3_finalize(st);
	for (i = 1; i <= n; i++)
		free(want[i]);
	free(want);
	free(wlen);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct store		*store;
	struct input_stats	 st;
	struct buf		 out;
	json_t			*j;
	json_error_t		 jerr;
	char			 path[64], *cause = NULL;

	if (rules == NULL)
		fuzz_init();
	fuzz_memfile(data, size, path, sizeof path);
	store = store_open(NULL, &cause);
	fuzz_ok(store == NULL, cause, "store_open");
	fuzz_ok(ingest_file(ingest, store, path, &st, &cause), cause,
	    "ingest");
	FUZZ_CHECK(st.lines == st.events + st.continuations + st.unparsed +
	    st.blank);
	fuzz_check_lines(store, data, size);
	fuzz_ok(store_finish_load(store, TS_NONE, TS_NONE, &cause), cause,
	    "finish_load");
	fuzz_ok(rules_run(rules, store, &cause), cause, "rules");

	buf_init(&out);
	fuzz_ok(report_markdown(store, NULL, &out, NULL, &cause), cause,
	    "markdown");
	fuzz_check_clean(out.data, out.len, "\n\t");	/* tabs in evidence */
	buf_reset(&out);
	fuzz_ok(report_text(store, NULL, &out, NULL, &cause), cause, "text");
	fuzz_check_clean(out.data, out.len, "\n");
	buf_reset(&out);
	fuzz_ok(report_json(store, NULL, &out, NULL, &cause), cause, "json");
	j = json_loadb(out.data, out.len, 0, &jerr);
	if (j == NULL) {
		fprintf(stderr, "JSON report: %d:%d: %s\n", jerr.line,
		    jerr.column, jerr.text);
		abort();
	}
	json_decref(j);
	buf_reset(&out);
	fuzz_ok(query_run(store, "SELECT conn, kind, message, json FROM events"
	    " ORDER BY id", 0, &out, NULL, &cause), cause, "query");
	fuzz_check_table(&out, 4);
	buf_free(&out);
	store_close(store);
	return 0;
}
