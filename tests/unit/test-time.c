/* SPDX-License-Identifier: MIT */
/* Unit tests for timeutil.c. */
#include "config.h"

#include <stdlib.h>
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
}

/*
 * Times that share a minute, cross a minute, hour, day, month or year, carry
 * offsets, comma fractions or a space, and texts that share a valid minute
 * but are not times.
 */
static const char *cache_times[] = {
	"2025-12-10T11:08:10.720Z",
	"2025-12-10T11:08:10.721Z",
	"2025-12-10T11:08:59.999Z",
	"2025-12-10T11:09:00.000Z",
	"2025-12-10T11:59:59.999Z",
	"2025-12-10T12:00:00Z",
	"2025-12-10T23:59:60Z",
	"2025-12-11T00:00:00.000Z",
	"2025-12-31T23:59:59.999Z",
	"2026-01-01T00:00:00.000Z",
	"2024-02-29T23:59:59Z",
	"2024-03-01T00:00:00Z",
	"2025-12-10T11:08:10.720+02:00",
	"2025-12-10T11:08:10.720+0200",
	"2025-12-10T11:08:10.720-05:30",
	"2025-12-10T11:08:10.720+02",
	"2025-12-10T11:08:10.720z",
	"2025-12-10T11:08:10,720Z",
	"2025-12-10T11:08:10,720123",
	"2025-12-10T11:08:10.720123456Z",
	"2025-12-10T11:08:10",
	"2025-12-10 11:08:10.720",
	"2025-12-10 11:08:11.720",
	"2025-12-10",
	"2025-12-10T11:08",
	"2025-12-10T11:08:",
	"2025-12-10T11:08:1",
	"2025-12-10T11:08:61Z",
	"2025-12-10T11:08:10.Z",
	"2025-12-10T11:08:10Zjunk",
	"2025-12-10T11:08:10+24:00",
	"2025-12-10T11:08x10Z",
	"2025-12-10T11:0",
	"2025-12-10T24:08:10Z",
	"2025-12-10T11:60:10Z",
	"2025-12-10X11:08:10Z",
	"2025-12-32T11:08:10Z",
	"1969-12-31T23:59:59Z",
	"0000-01-01T00:00:00Z",
	"0000-01-01T00:00:00+00:01",
	"9999-12-31T23:59:59.999Z",
	"9999-12-31T23:59:59.999-00:01",
	"",
};

#define NCACHE	(sizeof cache_times / sizeof cache_times[0])

/* Parse one of cache_times with c, checking against time_parse_iso. */
static void
check_cached(struct time_cache *c, const char *s)
{
	char	*copy;
	size_t	 len = strlen(s);
	int64_t	 got = -1, want = -1;
	int	 grc, wrc;

	/* an exact-size copy, so that no parse reads past the text */
	copy = malloc(len > 0 ? len : 1);
	if (copy == NULL)
		abort();
	memcpy(copy, s, len);
	wrc = time_parse_iso(copy, len, &want);
	grc = time_parse_iso_cached(c, copy, len, &got);
	if (grc != wrc || (wrc == 0 && got != want)) {
		fprintf(stderr, "%s:%d: \"%s\": %d %lld, want %d %lld\n",
		    __FILE__, __LINE__, s, grc, (long long)got, wrc,
		    (long long)want);
		check_failed++;
	}
	free(copy);
}

static void
test_cache(void)
{
	static const char	nuls[20] = { [16] = ':', '0', '0', 'Z' };
	struct time_cache	c;
	int64_t			t;
	size_t			i, j;

	memset(&c, 0, sizeof c);
	CHECK(time_parse_iso_cached(&c, "2025-12-31T23:59:59.999Z", 24,
	    &t) == 0 && t == 1767225599999LL);
	CHECK(time_parse_iso_cached(&c, "2025-12-31T23:59:58.999Z", 24,
	    &t) == 0 && t == 1767225598999LL);
	CHECK(time_parse_iso_cached(&c, "2026-01-01T00:00:00.000Z", 24,
	    &t) == 0 && t == 1767225600000LL);
	CHECK(time_parse_iso_cached(&c, "2026-01-01T00:00:00.000+01:00", 29,
	    &t) == 0 && t == 1767222000000LL);
	CHECK(time_parse_iso_cached(&c, "2026-01-01T00:00:00,5-01:00", 27,
	    &t) == 0 && t == 1767229200500LL);
	CHECK(time_parse_iso_cached(&c, "2026-01-01T00:00", 16, &t) == -1);
	CHECK(time_parse_iso_cached(&c, "2026-01-01T00:00:61Z", 20, &t) ==
	    -1);

	/* every text after every other, and the list both ways round */
	for (i = 0; i < NCACHE; i++) {
		for (j = 0; j < NCACHE; j++) {
			memset(&c, 0, sizeof c);
			check_cached(&c, cache_times[i]);
			check_cached(&c, cache_times[j]);
		}
	}
	memset(&c, 0, sizeof c);
	for (i = 0; i < NCACHE; i++)
		check_cached(&c, cache_times[i]);
	for (i = NCACHE; i > 0; i--)
		check_cached(&c, cache_times[i - 1]);
	/* a fresh cache must not take 16 NULs for a known minute */
	memset(&c, 0, sizeof c);
	CHECK(time_parse_iso_cached(&c, nuls, sizeof nuls, &t) == -1);
}

/* A day the month does not have is no date, in an argument or a line. */
static void
test_bad_day(void)
{
	int64_t	t;

	CHECK(time_parse_arg("2025-02-30", 0, &t) == -1);
	CHECK(time_parse_arg("2025-02-29", 0, &t) == -1);
	CHECK(time_parse_arg("2025-04-31", 0, &t) == -1);
	CHECK(time_parse_arg("1900-02-29", 0, &t) == -1);
	CHECK(time_parse_arg("2024-02-29", 0, &t) == 0);
	CHECK(t == 1709164800000LL);
	CHECK(time_parse_arg("2000-02-29", 0, &t) == 0);
	CHECK(time_parse_arg("2025-12-31", 0, &t) == 0);
	CHECK(time_parse_iso("2025-02-30T11:08:10.720Z", 24, &t) == -1);
	CHECK(time_parse_iso("2025-06-31T11:08:10Z", 20, &t) == -1);
}

/*
 * Years 0000 to 9999 are times, before 1970 too; past either end (an
 * offset across it) is none.  Differences never overflow, and the
 * formatters print any value, TS_NONE as words.
 */
static void
test_range(void)
{
	int64_t	t, now = 1765364890720LL;
	char	b[64];

	CHECK(time_parse_iso("0000-01-01T00:00:00Z", 20, &t) == 0 &&
	    t == TIME_MIN);
	CHECK(time_parse_iso("0001-01-01", 10, &t) == 0 &&
	    t == -62135596800000LL);
	CHECK(time_parse_iso("1969-12-31T23:59:59.999Z", 24, &t) == 0 &&
	    t == -1);
	CHECK(time_parse_iso("9999-12-31T23:59:59.999Z", 24, &t) == 0 &&
	    t == TIME_MAX);
	CHECK(time_parse_iso("0000-01-01T00:00:00+00:01", 25, &t) == -1);
	CHECK(time_parse_iso("9999-12-31T23:59:59.999-00:01", 29, &t) == -1);
	CHECK(time_parse_arg("36500000d", now, &t) == -1);
	CHECK(time_parse_arg("9223372036854775s", TIME_MIN, &t) == -1);
	CHECK(time_parse_arg("0s", TIME_MIN, &t) == 0 && t == TIME_MIN);
	CHECK(time_is_valid(TIME_MIN) && time_is_valid(TIME_MAX));
	CHECK(!time_is_valid(TIME_MIN - 1) && !time_is_valid(TIME_MAX + 1));
	CHECK(!time_is_valid(TS_NONE));

	CHECK(time_diff(TIME_MIN, TIME_MAX) == TIME_MAX - TIME_MIN);
	CHECK(time_diff(TIME_MAX, TIME_MIN) == TIME_MIN - TIME_MAX);
	CHECK(time_diff(-1, INT64_MAX) == TS_NONE);
	CHECK(time_diff(1, INT64_MIN + 1) == TS_NONE);
	CHECK(time_diff(TS_NONE, 5) == TS_NONE);
	CHECK(time_diff(5, TS_NONE) == TS_NONE);

	CHECK(time_same_day(-2, -1));
	CHECK(!time_same_day(-1, 86400000));
	CHECK(!time_same_day(TS_NONE, TS_NONE));

	time_format_iso(TIME_MIN, b, sizeof b);
	CHECK(strcmp(b, "0000-01-01T00:00:00.000Z") == 0);
	time_format_iso(TS_NONE, b, sizeof b);
	CHECK(strcmp(b, TIME_UNKNOWN) == 0);
	time_format_clock(TS_NONE, b, sizeof b);
	CHECK(strcmp(b, TIME_UNKNOWN) == 0);
	time_format_delta(TS_NONE, b, sizeof b);
	CHECK(strcmp(b, TIME_UNKNOWN) == 0);
	/* out of range from a rule or an old database: a value, no UB */
	time_format_iso(INT64_MAX, b, sizeof b);
	CHECK(b[0] != '\0');
	time_format_iso(INT64_MIN + 1, b, sizeof b);
	CHECK(b[0] != '\0');
	time_format_delta(INT64_MIN + 1, b, sizeof b);
	CHECK(b[0] == '-');
}

int
main(void)
{
	TEST(test_range);
	TEST(test_bad_day);
	TEST(test_iso);
	TEST(test_cache);
	TEST(test_arg);
	TEST(test_format);
	return check_total_failed != 0;
}
