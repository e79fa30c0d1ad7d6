/* SPDX-License-Identifier: MIT */
/*
 * Unit tests for text.c, the markdown escaping in report.c and the
 * mermaid labels of report_chart.c.
 */
#include "config.h"

#include <string.h>

#include "loganalyze.h"
#include "check.h"

static const char *
sanitize(const char *s, size_t len)
{
	static struct buf	b;

	buf_reset(&b);
	text_sanitize(&b, s, len);
	return buf_cstr(&b);
}

static const char *
strip(const char *s)
{
	static struct buf	b;

	buf_reset(&b);
	text_strip_ansi(&b, s, strlen(s));
	return buf_cstr(&b);
}

static const char *
cell(const char *s)
{
	static struct buf	b;

	buf_reset(&b);
	md_escape_cell(&b, s, strlen(s));
	return buf_cstr(&b);
}

static void
test_sanitize(void)
{
	CHECK(strcmp(sanitize("plain", 5), "plain") == 0);
	CHECK(strcmp(sanitize("\033[31mred", 8), "\\x1B[31mred") == 0);
	CHECK(strcmp(sanitize("a\0b", 3), "a\\x00b") == 0);
	CHECK(strcmp(sanitize("caf\xc3\xa9", 5), "caf\xc3\xa9") == 0);
	/* an overlong encoding of '/' and a lone continuation byte */
	CHECK(strcmp(sanitize("\xc0\xaf", 2), "\\xC0\\xAF") == 0);
	CHECK(strcmp(sanitize("\x80", 1), "\\x80") == 0);
	/* a C1 control (U+009B, CSI) */
	CHECK(strcmp(sanitize("\xc2\x9b", 2), "\\xC2\\x9B") == 0);
	CHECK(strcmp(sanitize("a\nb\r", 4), "a\\x0Ab\\x0D") == 0);
}

static void
test_strip_ansi(void)
{
	CHECK(strcmp(strip("plain"), "plain") == 0);
	/* CSI with parameters, and one with an intermediate byte */
	CHECK(strcmp(strip("\033[1;33m[WARN]\033[0m x"), "[WARN] x") == 0);
	CHECK(strcmp(strip("a\033[ qb"), "ab") == 0);
	/* OSC ended by BEL and by ST (a terminal title, a hyperlink) */
	CHECK(strcmp(strip("\033]0;title\007a"), "a") == 0);
	CHECK(strcmp(strip("\033]8;;http://x\033\\link"), "link") == 0);
	/* two-byte escapes, and escapes cut off at the end of the line */
	CHECK(strcmp(strip("a\033=b"), "ab") == 0);
	CHECK(strcmp(strip("a\033[31"), "a") == 0);
	CHECK(strcmp(strip("a\033]0;t"), "a") == 0);
	CHECK(strcmp(strip("a\033"), "a") == 0);
}

static void
test_cells(void)
{
	CHECK(strcmp(cell("a|b"), "a\\|b") == 0);
	CHECK(strcmp(cell("<script>"), "&lt;script&gt;") == 0);
	CHECK(strcmp(cell("[x](javascript:alert(1))"),
	    "\\[x\\](javascript:alert(1))") == 0);
	CHECK(strcmp(cell("# not a heading"), "\\# not a heading") == 0);
	CHECK(strcmp(cell("`code`"), "\\`code\\`") == 0);
	CHECK(strchr(cell("two\nlines"), '\n') == NULL);
}

static const char *
label(const char *s)
{
	static struct buf	b;

	buf_reset(&b);
	chart_mermaid_label(&b, s, strlen(s));
	return buf_cstr(&b);
}

static void
test_mermaid_labels(void)
{
	CHECK(strcmp(label("close 1007"), "close 1007") == 0);
	CHECK(strcmp(label("rate_limit_burst"), "rate_limit_burst") == 0);
	/* what ends a task (:), a statement (;), a comment (%%), a line */
	CHECK(strcmp(label("a:b;c%%d\ne"), "a b c  d e") == 0);
	CHECK(strcmp(label("\"]) click x call alert(1)"),
	    "  ) click x call alert(1)") == 0);
	CHECK(strcmp(label("<b>#1</b>`x`"), " b  1 /b  x ") == 0);
	/* bytes of other scripts and controls become spaces too */
	CHECK(strcmp(label("caf\xc3\xa9\033"), "caf   ") == 0);
	/* at most 40 bytes */
	CHECK(strlen(label("0123456789012345678901234567890123456789xyz"))
	    == 40);
}

int
main(void)
{
	TEST(test_sanitize);
	TEST(test_strip_ansi);
	TEST(test_cells);
	TEST(test_mermaid_labels);
	return check_total_failed != 0;
}
