/* SPDX-License-Identifier: MIT */
/* Unit tests for inputset.c: the order of rotated sets (names only). */
#include "config.h"

#include <string.h>

#include "loganalyze.h"
#include "check.h"

/* Expand the names and compare the result, joined by spaces, with want. */
static int
order_is(const char *const *names, size_t n, const char *want)
{
	struct inputset	set;
	struct buf	b;
	size_t		i;
	int		ok;

	inputset_expand(&set, names, n);
	buf_init(&b);
	for (i = 0; i < set.n; i++) {
		if (i > 0)
			buf_addc(&b, ' ');
		buf_adds(&b, set.paths[i]);
	}
	ok = strcmp(buf_cstr(&b), want) == 0;
	if (!ok)
		printf("    got: %s\n", buf_cstr(&b));
	buf_free(&b);
	inputset_free(&set);
	return ok;
}

static void
test_numbered(void)
{
	static const char *const	 a[] = {
		"x/relay.log", "x/relay.log.1", "x/relay.log.10.gz",
		"x/relay.log.2.gz", "x/relay.log.gz"
	};

	CHECK(order_is(a, 5, "x/relay.log.10.gz x/relay.log.2.gz "
	    "x/relay.log.1 x/relay.log.gz x/relay.log"));
}

static void
test_dated(void)
{
	static const char *const	 a[] = {
		"relay.log", "relay.log-20251210", "relay.log-20251209.gz"
	};

	CHECK(order_is(a, 3,
	    "relay.log-20251209.gz relay.log-20251210 relay.log"));
}

static void
test_compressed_names(void)
{
	static const char *const	 a[] = {
		"relay.log", "relay.log.1", "relay.log.3.xz", "relay.log.2.zst",
		"relay.log-20251209.zst", "relay.log.xz"
	};

	/* .zst and .xz, like .gz, are set aside to find the set and place */
	CHECK(order_is(a, 6, "relay.log.3.xz relay.log.2.zst relay.log.1 "
	    "relay.log.xz relay.log-20251209.zst relay.log"));
}

static void
test_other_inputs_keep_their_place(void)
{
	static const char *const	 a[] = {
		"b.log", "-", "a.log.1", "b.log.1", "a.log", "b.log"
	};

	/* each set sits where its first file was given; a path given twice
	 * is read once */
	CHECK(order_is(a, 6, "b.log.1 b.log - a.log.1 a.log"));
}

static void
test_not_a_set(void)
{
	static const char *const	 a[] = {
		"2025/12/10", "v1.2", "7", "dir.3/relay.log"
	};

	CHECK(order_is(a, 4, "2025/12/10 v1.2 7 dir.3/relay.log"));
}

int
main(void)
{
	TEST(test_numbered);
	TEST(test_dated);
	TEST(test_compressed_names);
	TEST(test_other_inputs_keep_their_place);
	TEST(test_not_a_set);
	return check_total_failed != 0;
}
