/* SPDX-License-Identifier: MIT */
/* Unit tests for timeutil.c. */
#include "config.h"

#include <string.h>

#include "loganalyze.h"
#include "check.h"

static int64_t
iso(const char *s)
{
	int64_t	t = 0;

	if (time_parse_iso(s, strlen(s), &t) != 0)
		return -1;
	return t;
}

static void
test_iso(void)
{
	CHECK(iso("1970-01-01T00:00:00Z") == 0);
	CHECK(iso("2025-12-10T11:08:10.720Z") == 1765364890720LL);
	CHECK(iso("2025-12-10 11:08:10.720") == 1765364890720LL);
	CHECK(iso("2025-12-10T12:08:10.720+01:00") == 1765364890720LL);
	CHECK(iso("2025-12-10T12:08:10.720123+0100") == 1765364890720LL);
	CHECK(iso("2025-12-10T11:08:10.720123456Z") == 1765364890720LL);
	CHECK(iso("2025-12-10") == 1765324800000LL);
	CHECK(iso("2024-02-29T00:00:00Z") == 1709164800000LL);
	CHECK(iso("2025-13-10T11:08:10Z") == -1);
	CHECK(iso("2025-12-10T25:08:10Z") == -1);
	CHECK(iso("2025-12-10T11:08:10.Z") == -1);
	CHECK(iso("2025-12-10T11:08:10Zjunk") == -1);
	CHECK(iso("") == -1);
}

static void
test_arg(void)
{
	int64_t	t, now = 1765364890720LL;

	CHECK(time_parse_arg("24h", now, &t) == 0 && t == now - 86400000);
	CHECK(time_parse_arg("30m", now, &t) == 0 && t == now - 1800000);
	CHECK(time_parse_arg("7d", now, &t) == 0 && t == now - 7 * 86400000LL);
	CHECK(time_parse_arg("2025-12-10", now, &t) == 0 &&
	    t == 1765324800000LL);
	CHECK(time_parse_arg("24", now, &t) == -1);
	CHECK(time_parse_arg("h", now, &t) == -1);
	CHECK(time_parse_arg("99999999999999999999d", now, &t) == -1);
}

static void
test_format(void)
{
	char	b[64];

	time_format_iso(1765364890720LL, b, sizeof b);
	CHECK(strcmp(b, "2025-12-10T11:08:10.720Z") == 0);
	time_format_clock(1765364890720LL, b, sizeof b);
	CHECK(strcmp(b, "11:08:10.720Z") == 0);
	time_format_delta(10575, b, sizeof b);
	CHECK(strcmp(b, "10.6 s") == 0);
	time_format_delta(850, b, sizeof b);
	CHECK(strcmp(b, "850 ms") == 0);
	time_format_delta(125000, b, sizeof b);
	CHECK(strcmp(b, "2 min 05 s") == 0);
	time_format_iso(TS_NONE, b, sizeof b);
	CHECK(strcmp(b, "-") == 0);
}

int
main(void)
{
	TEST(test_iso);
	TEST(test_arg);
	TEST(test_format);
	return check_total_failed != 0;
}
