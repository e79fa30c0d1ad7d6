/* SPDX-License-Identifier: MIT */
/*
 * Time parsing and formatting without the C library's locale and time zone
 * machinery: every time here is UTC, in milliseconds since the epoch.
 * Parsers take a length (lines are not NUL-terminated) and return 0 on
 * success, -1 when the text is not a time or is out of range: every time
 * they give is within TIME_MIN and TIME_MAX (years 0000 to 9999, as SQLite's
 * date functions take them), so a difference of two never overflows.
 * Formatters print any value; TS_NONE is TIME_UNKNOWN, never a bare "-".
 */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "loganalyze.h"

/* Days since 1970-01-01 of a proleptic Gregorian date. */
static int64_t
days_from_civil(int64_t y, int m, int d)
{
	int64_t	era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static void
civil_from_days(int64_t z, int *y, int *m, int *d)
{
	int64_t	era, doe, yoe, yy, doy, mp;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	yy = yoe + era * 400;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = (int)(yy + (*m <= 2));
}

/* Read exactly n digits at *p; returns -1 if any is not a digit. */
static int
digits(const char **p, const char *end, int n)
{
	int	v = 0;

	if (end - *p < n)
		return -1;
	while (n-- > 0) {
		if (**p < '0' || **p > '9')
			return -1;
		v = v * 10 + (**p - '0');
		(*p)++;
	}
	return v;
}

/* HH:MM into milliseconds of the day. */
static int
parse_hm(const char **pp, const char *end, int64_t *ms)
{
	const char	*p = *pp;
	int		 h, mi;

	if ((h = digits(&p, end, 2)) < 0 || p >= end || *p++ != ':')
		return -1;
	if ((mi = digits(&p, end, 2)) < 0)
		return -1;
	if (h > 23 || mi > 59)
		return -1;
	*ms = ((int64_t)h * 60 + mi) * 60000;
	*pp = p;
	return 0;
}

/* The :SS[.fff...] after HH:MM, into milliseconds. */
static int
parse_sec(const char **pp, const char *end, int64_t *ms)
{
	const char	*p = *pp;
	int		 s, frac = 0, scale = 100;

	if (p >= end || *p++ != ':' || (s = digits(&p, end, 2)) < 0 || s > 60)
		return -1;
	if (p < end && (*p == '.' || *p == ',')) {
		p++;
		if (p >= end || *p < '0' || *p > '9')
			return -1;
		while (p < end && *p >= '0' && *p <= '9') {
			frac += (*p - '0') * scale;
			scale /= 10;
			p++;
		}
	}
	*ms = (int64_t)s * 1000 + frac;
	*pp = p;
	return 0;
}

/* HH:MM:SS[.fff...] into milliseconds of the day. */
static int
parse_hms(const char **pp, const char *end, int64_t *ms)
{
	const char	*p = *pp;
	int64_t		 hm, sec;

	if (parse_hm(&p, end, &hm) != 0 || parse_sec(&p, end, &sec) != 0)
		return -1;
	*ms = hm + sec;
	*pp = p;
	return 0;
}

/* A UTC offset: Z, +HH:MM, +HHMM, +HH or nothing (taken as UTC). */
static int
parse_offset(const char **pp, const char *end, int64_t *off)
{
	const char	*p = *pp;
	int		 sign, h, m = 0;

	*off = 0;
	if (p >= end)
		return 0;
	if (*p == 'Z' || *p == 'z') {
		*pp = p + 1;
		return 0;
	}
	if (*p != '+' && *p != '-')
		return 0;
	sign = *p++ == '-' ? -1 : 1;
	if ((h = digits(&p, end, 2)) < 0)
		return -1;
	if (p < end && *p == ':')
		p++;
	if (p < end && *p >= '0' && *p <= '9' && (m = digits(&p, end, 2)) < 0)
		return -1;
	if (h > 23 || m > 59)
		return -1;
	*off = sign * ((int64_t)h * 60 + m) * 60000;
	*pp = p;
	return 0;
}

/* YYYY-MM-DD into days since the epoch. */
static int
parse_date(const char **pp, const char *end, int64_t *days)
{
	static const int	 mdays[] = {
		31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31
	};
	const char		*p = *pp;
	int			 y, mo, d;

	if ((y = digits(&p, end, 4)) < 0 || p >= end || *p++ != '-')
		return -1;
	if ((mo = digits(&p, end, 2)) < 0 || p >= end || *p++ != '-')
		return -1;
	if ((d = digits(&p, end, 2)) < 0)
		return -1;
	if (mo < 1 || mo > 12 || d < 1 || d > mdays[mo - 1])
		return -1;
	/* February 29 only in a leap year */
	if (mo == 2 && d == 29 && (y % 4 != 0 || (y % 100 == 0 &&
	    y % 400 != 0)))
		return -1;
	*days = days_from_civil(y, mo, d);
	*pp = p;
	return 0;
}

/*
 * Parse YYYY-MM-DD[(T| )HH:MM:SS[.frac]][offset], all of the text.  A bare
 * date is midnight UTC.
 */
int
time_parse_iso(const char *s, size_t len, int64_t *out)
{
	const char	*p = s, *end = s + len;
	int64_t		 days, tod = 0, off = 0;

	if (parse_date(&p, end, &days) != 0)
		return -1;
	if (p < end && (*p == 'T' || *p == ' ')) {
		p++;
		if (parse_hms(&p, end, &tod) != 0)
			return -1;
		if (parse_offset(&p, end, &off) != 0)
			return -1;
	}
	if (p != end || !time_is_valid(days * 86400000 + tod - off))
		return -1;
	*out = days * 86400000 + tod - off;
	return 0;
}

/*
 * time_parse_iso, with the value of the text up to the minute kept in *c:
 * in a log, line after line repeats it, and only the seconds, fraction and
 * offset after it change.  Same results as time_parse_iso for any text.
 */
int
time_parse_iso_cached(struct time_cache *c, const char *s, size_t len,
    int64_t *out)
{
	const char	*p = s, *end = s + len;
	int64_t		 days, hm, sec, off;

	if (!c->valid || len < sizeof c->key ||
	    memcmp(s, c->key, sizeof c->key) != 0) {
		/* A bare date or no time at all: nothing to keep. */
		if (parse_date(&p, end, &days) != 0 || p >= end ||
		    (*p != 'T' && *p != ' '))
			return time_parse_iso(s, len, out);
		p++;
		if (parse_hm(&p, end, &hm) != 0)
			return -1;
		memcpy(c->key, s, sizeof c->key);
		c->base = days * 86400000 + hm;
		c->valid = 1;
	}
	p = s + sizeof c->key;
	if (parse_sec(&p, end, &sec) != 0 || parse_offset(&p, end, &off) != 0 ||
	    p != end || !time_is_valid(c->base + sec - off))
		return -1;
	*out = c->base + sec - off;
	return 0;
}

/* Parse HH:MM:SS[.frac][Z] into milliseconds since midnight. */
int
time_parse_clock(const char *s, size_t len, int64_t *out)
{
	const char	*p = s, *end = s + len;

	if (parse_hms(&p, end, out) != 0)
		return -1;
	if (p < end && (*p == 'Z' || *p == 'z'))
		p++;
	return p == end ? 0 : -1;
}

/*
 * Parse a --since/--until argument: an ISO time or date, or a span back from
 * now such as 90s, 30m, 24h or 7d.
 */
int
time_parse_arg(const char *s, int64_t now, int64_t *out)
{
	const char	*p = s;
	int64_t		 n = 0, unit;
	size_t		 len = strlen(s);

	if (time_parse_iso(s, len, out) == 0)
		return 0;
	if (*p < '0' || *p > '9')
		return -1;
	while (*p >= '0' && *p <= '9') {
		if (n > INT64_MAX / 10 / 1000)
			return -1;
		n = n * 10 + (*p++ - '0');
	}
	switch (*p) {
	case 's':
		unit = 1000;
		break;
	case 'm':
		unit = 60000;
		break;
	case 'h':
		unit = 3600000;
		break;
	case 'd':
		unit = 86400000;
		break;
	default:
		return -1;
	}
	/* before year 0000 is no time (and now - n * unit might overflow) */
	if (p[1] != '\0' || n > INT64_MAX / unit || !time_is_valid(now) ||
	    n * unit > now - TIME_MIN)
		return -1;
	*out = now - n * unit;
	return 0;
}

/* Whether a and b are dated times of the same UTC day, b not before a. */
int
time_same_day(int64_t a, int64_t b)
{
	if (a == TS_NONE || b == TS_NONE || time_is_clock_only(a) ||
	    time_is_clock_only(b) || b < a)
		return 0;
	/* floor division: the day of a time before 1970 too */
	return (a - (a % 86400000 + 86400000) % 86400000) / 86400000 ==
	    (b - (b % 86400000 + 86400000) % 86400000) / 86400000;
}

/* Whether ms is a time the parsers give: TIME_MIN to TIME_MAX. */
int
time_is_valid(int64_t ms)
{
	return ms >= TIME_MIN && ms <= TIME_MAX;
}

/* b - a, or TS_NONE when either is TS_NONE or the difference overflows. */
int64_t
time_diff(int64_t a, int64_t b)
{
	if (a == TS_NONE || b == TS_NONE || (a < 0 && b > INT64_MAX + a) ||
	    (a > 0 && b <= INT64_MIN + a))
		return TS_NONE;
	return b - a;
}

/*
 * Whether ms is a time of day read without a date (a pasted "[12:05:50.308Z]
 * ..." line): the parser keeps it as that time on 1970-01-01, a day no
 * relay log is from.
 */
int
time_is_clock_only(int64_t ms)
{
	return ms >= 0 && ms < 86400000;
}

void
time_format_iso(int64_t ms, char *out, size_t size)
{
	int64_t	days, rem;
	int	y, m, d;

	if (ms == TS_NONE) {
		snprintf(out, size, "%s", TIME_UNKNOWN);
		return;
	}
	if (time_is_clock_only(ms)) {
		time_format_clock(ms, out, size);
		return;
	}
	days = ms / 86400000;
	rem = ms % 86400000;
	if (rem < 0) {
		rem += 86400000;
		days--;
	}
	civil_from_days(days, &y, &m, &d);
	snprintf(out, size, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", y, m, d,
	    (int)(rem / 3600000), (int)(rem / 60000 % 60),
	    (int)(rem / 1000 % 60), (int)(rem % 1000));
}

void
time_format_clock(int64_t ms, char *out, size_t size)
{
	int64_t	rem;

	if (ms == TS_NONE) {
		snprintf(out, size, "%s", TIME_UNKNOWN);
		return;
	}
	rem = ms % 86400000;
	if (rem < 0)
		rem += 86400000;
	snprintf(out, size, "%02d:%02d:%02d.%03dZ", (int)(rem / 3600000),
	    (int)(rem / 60000 % 60), (int)(rem / 1000 % 60),
	    (int)(rem % 1000));
}

/* A duration for people: 850 ms, 10.6 s, 2 min 05 s, 3 h 12 min. */
void
time_format_delta(int64_t ms, char *out, size_t size)
{
	const char	*sign = "";

	if (ms == TS_NONE) {
		snprintf(out, size, "%s", TIME_UNKNOWN);
		return;
	}
	if (ms < 0) {
		sign = "-";
		ms = ms == INT64_MIN ? INT64_MAX : -ms;
	}
	if (ms < 1000)
		snprintf(out, size, "%s%d ms", sign, (int)ms);
	else if (ms < 60000)
		snprintf(out, size, "%s%.1f s", sign, ms / 1000.0);
	else if (ms < 3600000)
		snprintf(out, size, "%s%d min %02d s", sign, (int)(ms / 60000),
		    (int)(ms / 1000 % 60));
	else
		snprintf(out, size, "%s%lld h %02d min", sign,
		    (long long)(ms / 3600000), (int)(ms / 60000 % 60));
}

/* Seconds on the monotonic clock, for -v timings. */
double
time_elapsed(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}
