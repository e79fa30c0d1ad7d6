/* SPDX-License-Identifier: MIT */
/*
 * A minimal unit-test harness: CHECK records a failure with file:line and
 * carries on; each TEST prints "PASS: name" or "FAIL: name", which
 * tests/run-tests.sh counts.  main() returns non-zero if anything failed.
 */
#ifndef CHECK_H
#define CHECK_H

#include <stdio.h>
#include <string.h>

static int check_failed;	/* failures in the current test */
static int check_total_failed;	/* tests that failed */

#define CHECK(cond) do {						\
	if (!(cond)) {							\
		fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__,	\
		    __LINE__, #cond);					\
		check_failed++;						\
	}								\
} while (0)

#define CHECK_STR(got, len, want) do {					\
	const char *check_g = (got);					\
	size_t check_l = (len);						\
	const char *check_w = (want);					\
	if (check_g == NULL || check_l != strlen(check_w) ||		\
	    memcmp(check_g, check_w, check_l) != 0) {			\
		fprintf(stderr, "%s:%d: got \"%.*s\", want \"%s\"\n",	\
		    __FILE__, __LINE__, check_g ? (int)check_l : 6,	\
		    check_g ? check_g : "(null)", check_w);		\
		check_failed++;						\
	}								\
} while (0)

#define TEST(fn) do {							\
	check_failed = 0;						\
	fn();								\
	printf("%s: %s\n", check_failed ? "FAIL" : "PASS", #fn);	\
	if (check_failed)						\
		check_total_failed++;					\
} while (0)

#endif
