/* SPDX-License-Identifier: MIT */
/*
 * Unit tests for formats.c: every envelope, its time, host and unit, the
 * entries that span lines, and lines that must not be taken for one.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "loganalyze.h"
#include "check.h"

#define T_20251210_110810	1765364890000LL	/* 2025-12-10T11:08:10Z */

static struct formats *f;
static struct envelope env;
static char *copy;		/* the last line, exactly its length */

/*
 * Unwrap a copy of line without its NUL, as input.c hands lines over, so
 * that a read past the end shows under AddressSanitizer; the copy lives
 * until the next call, as long as env may point into it.
 */
static int
unwrap(const char *line)
{
	size_t	len = strlen(line);

	free(copy);
	copy = xmalloc(len > 0 ? len : 1);
	memcpy(copy, line, len);
	return formats_unwrap(f, copy, len, &env);
}

/* A fresh formats that has seen a full time: 2025-12-01. */
static void
fresh(int kind)
{
	char	*cause = NULL;

	formats_free(f);
	f = formats_create(kind, &cause);
	if (f == NULL)
		fatalx("%s", cause);
	formats_note_time(f, 1764547200000LL);
}

static void
test_plain(void)
{
	fresh(ENV_AUTO);
	CHECK(unwrap("[2025-12-10T11:08:10.720Z] [WARN] x") == FORMATS_TEXT);
	CHECK(env.kind == ENV_PLAIN);
	CHECK(env.ts == TS_NONE);
	CHECK(env.host == NULL && env.unit == NULL);
	CHECK_STR(env.text, env.len, "[2025-12-10T11:08:10.720Z] [WARN] x");
}

static void
test_not_envelopes(void)
{
	static const char	*lines[] = {
		"Supabase credentials not found, session persistence disabled",
		"Error parsing client message: SyntaxError: Unexpected token",
		"11:06:51 AM [tsx] change in ./server/config/liveConfig.ts",
		"-- Boot 5d3c2a1b0e9f48a7b6c5d4e3f2a1b0c9 --",
		"-- No entries --",
		"Dec 10 11:08:10 relay-host-1 no identifier here",
		"2025-12-10T11:08:10Z",
		"{\"connectionId\":\"abc\",\"code\":1007}",
		"{\"MESSAGE\":\"unterminated",
		"{\"OTHER\":\"an object with neither MESSAGE nor time\"}",
		"__CURSOR",
		"_not_export=1",
		"",
		"    at JSON.parse (<anonymous>)",
	};
	size_t			 i;

	fresh(ENV_AUTO);
	for (i = 0; i < sizeof lines / sizeof lines[0]; i++) {
		CHECK(unwrap(lines[i]) == FORMATS_TEXT);
		if (env.kind != ENV_PLAIN)
			fprintf(stderr, "line %zu: kind %d\n", i, env.kind);
		CHECK(env.kind == ENV_PLAIN);
		CHECK(env.len == strlen(lines[i]));
	}
}

static void
test_short(void)
{
	fresh(ENV_AUTO);
	CHECK(unwrap("Dec 10 11:08:10 relay-host-1 relay[4242]: [WARN] x") ==
	    FORMATS_TEXT);
	CHECK(env.kind == ENV_JOURNAL_SHORT);
	CHECK(env.ts == T_20251210_110810);
	CHECK(env.year_inferred == 1);
	CHECK_STR(env.host, strlen(env.host), "relay-host-1");
	CHECK_STR(env.unit, strlen(env.unit), "relay");
	CHECK_STR(env.text, env.len, "[WARN] x");

	/* short-precise, a space-padded day, no pid */
	CHECK(unwrap("Dec  9 11:08:10.720000 h relay: msg") == FORMATS_TEXT);
	CHECK(env.ts == T_20251210_110810 - 86400000 + 720);
	CHECK_STR(env.unit, strlen(env.unit), "relay");
	CHECK_STR(env.text, env.len, "msg");

	/* an empty message, with and without the space */
	CHECK(unwrap("Dec 10 11:08:10 relay-host-1 relay[4242]: ") ==
	    FORMATS_TEXT);
	CHECK(env.kind == ENV_JOURNAL_SHORT && env.len == 0);
	CHECK(unwrap("Dec 10 11:08:10 relay-host-1 relay[4242]:") ==
	    FORMATS_TEXT);
	CHECK(env.kind == ENV_JOURNAL_SHORT && env.len == 0);

	/* --no-hostname */
	CHECK(unwrap("Dec 10 11:08:10 relay[4242]: [INFO] y") == FORMATS_TEXT);
	CHECK(env.kind == ENV_JOURNAL_SHORT);
	CHECK(env.host == NULL);
	CHECK_STR(env.unit, strlen(env.unit), "relay");
	CHECK_STR(env.text, env.len, "[INFO] y");
}

static void
test_short_year(void)
{
	int64_t	now = (int64_t)time(NULL) * 1000;

	/* Across new year, both ways, from the last full time seen. */
	fresh(ENV_AUTO);
	formats_note_time(f, 1767312000000LL);	/* 2026-01-02 */
	CHECK(unwrap("Dec 31 23:59:59 h relay[1]: x") == FORMATS_TEXT);
	CHECK(env.ts == 1767225599000LL);
	formats_note_time(f, 1767225599000LL);	/* 2025-12-31 */
	CHECK(unwrap("Jan  1 00:00:01 h relay[1]: x") == FORMATS_TEXT);
	CHECK(env.ts == 1767225601000LL);

	/* A year-less time does not itself become the reference. */
	fresh(ENV_AUTO);
	CHECK(unwrap("Jun 30 00:00:00 h relay[1]: x") == FORMATS_TEXT);
	CHECK(unwrap("Jan  2 00:00:00 h relay[1]: x") == FORMATS_TEXT);
	CHECK(env.ts == 1767312000000LL);

	/* With nothing seen, the clock: never more than a day ahead. */
	formats_free(f);
	f = NULL;
	{
		char	*cause = NULL;

		f = formats_create(ENV_AUTO, &cause);
	}
	CHECK(unwrap("Dec 10 11:08:10 h relay[1]: x") == FORMATS_TEXT);
	CHECK(env.year_inferred == 1);
	CHECK(env.ts <= now + 86400000LL + 60000);
	CHECK(env.ts > now - 367 * 86400000LL);
}

static void
test_short_iso_full_unix(void)
{
	fresh(ENV_AUTO);
	CHECK(unwrap("2025-12-10T11:08:10+0000 relay-host-1 relay[4242]: "
	    "[WARN] x") == FORMATS_TEXT);
	CHECK(env.kind == ENV_JOURNAL_SHORT);
	CHECK(env.ts == T_20251210_110810);
	CHECK(env.year_inferred == 0);
	CHECK_STR(env.text, env.len, "[WARN] x");

	CHECK(unwrap("2025-12-10T12:08:10.720000+01:00 h relay[4242]: z") ==
	    FORMATS_TEXT);
	CHECK(env.ts == T_20251210_110810 + 720);

	CHECK(unwrap("Wed 2025-12-10 11:08:10 UTC relay-host-1 relay[4242]: "
	    "m") == FORMATS_TEXT);
	CHECK(env.kind == ENV_JOURNAL_SHORT);
	CHECK(env.ts == T_20251210_110810);
	CHECK_STR(env.host, strlen(env.host), "relay-host-1");
	CHECK_STR(env.text, env.len, "m");

	/* with-unit prints the unit where the identifier was */
	CHECK(unwrap("Wed 2025-12-10 11:08:10 UTC relay-host-1 "
	    "relay.service[4242]: m") == FORMATS_TEXT);
	CHECK_STR(env.unit, strlen(env.unit), "relay.service");

	CHECK(unwrap("1765364890.720000 relay-host-1 relay[4242]: m") ==
	    FORMATS_TEXT);
	CHECK(env.kind == ENV_JOURNAL_SHORT);
	CHECK(env.ts == T_20251210_110810 + 720);
}

static void
test_journal_json(void)
{
	fresh(ENV_AUTO);
	CHECK(unwrap("{\"_PID\":\"4242\",\"__REALTIME_TIMESTAMP\":"
	    "\"1765364890720123\",\"SYSLOG_IDENTIFIER\":\"relay\","
	    "\"MESSAGE\":\"[ERROR] a \\\"b\\\" \\\\ \\u001b[0m \\ud83d\\ude00 "
	    "\\u00e9\\/\",\"_SYSTEMD_UNIT\":\"relay.service\","
	    "\"_HOSTNAME\":\"relay-host-1\",\"__CURSOR\":\"s=1;i=2\"}") ==
	    FORMATS_TEXT);
	CHECK(env.kind == ENV_JOURNAL_JSON);
	CHECK(env.ts == T_20251210_110810 + 720);
	CHECK_STR(env.text, env.len,
	    "[ERROR] a \"b\" \\ \033[0m \xf0\x9f\x98\x80 \xc3\xa9/");
	CHECK_STR(env.host, strlen(env.host), "relay-host-1");
	CHECK_STR(env.unit, strlen(env.unit), "relay.service");

	/* Not UTF-8: an array of byte values; no unit: the identifier. */
	CHECK(unwrap("{\"MESSAGE\":[91,87,65,82,78,93,32,255,0,10],"
	    "\"SYSLOG_IDENTIFIER\":\"relay\","
	    "\"__REALTIME_TIMESTAMP\":\"1765364890000000\"}") ==
	    FORMATS_TEXT);
	CHECK(env.kind == ENV_JOURNAL_JSON);
	CHECK(env.len == 10 && memcmp(env.text, "[WARN] \xff\0\n", 10) == 0);
	CHECK(env.host == NULL);
	CHECK_STR(env.unit, strlen(env.unit), "relay");

	/* A field the entry holds twice: the first value. */
	CHECK(unwrap("{\"MESSAGE\":[\"one\",\"two\"],\"_COMM\":\"node\"}") ==
	    FORMATS_TEXT);
	CHECK_STR(env.text, env.len, "one");
	CHECK_STR(env.unit, strlen(env.unit), "node");
	CHECK(env.ts == TS_NONE);

	/* Too long for journalctl without --all: null, said so. */
	CHECK(unwrap("{\"__REALTIME_TIMESTAMP\":\"1\",\"MESSAGE\":null}") ==
	    FORMATS_TEXT);
	CHECK(env.kind == ENV_JOURNAL_JSON);
	CHECK(env.len > 0 && memmem(env.text, env.len, "--all", 5) != NULL);

	/* json-seq, white space */
	CHECK(unwrap("\036{\"MESSAGE\" : \"x\" , \"PRIORITY\" : 6 }") ==
	    FORMATS_TEXT);
	CHECK(env.kind == ENV_JOURNAL_JSON);
	CHECK_STR(env.text, env.len, "x");

	/* broken: read as plain */
	CHECK(unwrap("{\"MESSAGE\":\"x\",\"A\":}") == FORMATS_TEXT);
	CHECK(env.kind == ENV_PLAIN);
	CHECK(unwrap("{\"MESSAGE\":\"bad \\q escape\"}") == FORMATS_TEXT);
	CHECK(env.kind == ENV_PLAIN);
	CHECK(unwrap("{\"MESSAGE\":[1,256]}") == FORMATS_TEXT);
	CHECK(env.kind == ENV_PLAIN);
	CHECK(unwrap("{\"MESSAGE\":\"x\"} trailing") == FORMATS_TEXT);
	CHECK(env.kind == ENV_PLAIN);
}

static void
test_docker(void)
{
	static char	big[600 * 1024];

	fresh(ENV_AUTO);
	CHECK(unwrap("{\"log\":\"[2025-12-10T11:08:10.720Z] [WARN] \\u003e a "
	    "{\\\"connectionId\\\":\\\"c\\\"}\\n\",\"stream\":\"stderr\","
	    "\"time\":\"2025-12-10T11:08:10.72098765Z\"}") == FORMATS_TEXT);
	CHECK(env.kind == ENV_DOCKER);
	CHECK(env.ts == T_20251210_110810 + 720);
	CHECK(env.back == 0);
	CHECK_STR(env.text, env.len,
	    "[2025-12-10T11:08:10.720Z] [WARN] > a {\"connectionId\":\"c\"}");

	/* A long line in three records. */
	CHECK(unwrap("{\"log\":\"[WARN] one \",\"stream\":\"stdout\","
	    "\"time\":\"2025-12-10T11:08:10Z\"}") == FORMATS_PENDING);
	CHECK(formats_pending(f));
	CHECK(unwrap("{\"log\":\"two \",\"stream\":\"stdout\","
	    "\"time\":\"2025-12-10T11:08:11Z\"}") == FORMATS_PENDING);
	CHECK(unwrap("{\"log\":\"three\\r\\n\",\"stream\":\"stdout\","
	    "\"time\":\"2025-12-10T11:08:12Z\"}") == FORMATS_TEXT);
	CHECK(!formats_pending(f));
	CHECK(env.kind == ENV_DOCKER);
	CHECK(env.back == 2);
	CHECK(env.ts == T_20251210_110810);
	CHECK_STR(env.text, env.len, "[WARN] one two three\r");

	/* A split line cut by another kind of line is dropped. */
	CHECK(unwrap("{\"log\":\"lost\",\"time\":\"2025-12-10T11:08:10Z\"}") ==
	    FORMATS_PENDING);
	CHECK(unwrap("[WARN] plain") == FORMATS_TEXT);
	CHECK(env.kind == ENV_PLAIN);
	CHECK(!formats_pending(f));

	/* ... and one cut by the end of input is read. */
	CHECK(unwrap("{\"log\":\"[WARN] a\",\"time\":\"2025-12-10T11:08:10Z\"}")
	    == FORMATS_PENDING);
	CHECK(unwrap("{\"log\":\"b\",\"time\":\"2025-12-10T11:08:11Z\"}") ==
	    FORMATS_PENDING);
	CHECK(formats_unwrap(f, NULL, 0, &env) == FORMATS_TEXT);
	CHECK(env.back == 1);
	CHECK_STR(env.text, env.len, "[WARN] ab");
	CHECK(formats_unwrap(f, NULL, 0, &env) == FORMATS_NOFIT);

	/* Parts are not joined past 1 MiB: memory stays bounded. */
	memset(big, 'a', sizeof big);
	memcpy(big, "{\"time\":\"2025-12-10T11:08:10Z\",\"log\":\"", 38);
	memcpy(big + sizeof big - 2, "\"}", 2);
	CHECK(formats_unwrap(f, big, sizeof big, &env) == FORMATS_PENDING);
	CHECK(formats_unwrap(f, big, sizeof big, &env) == FORMATS_TEXT);
	CHECK(env.len == 2 * (sizeof big - 40));
	CHECK(!formats_pending(f));
}

static void
test_kubectl(void)
{
	fresh(ENV_AUTO);
	CHECK(unwrap("2025-12-10T11:08:10.720123456Z [2025-12-10T11:08:10.7"
	    "19Z] [WARN] x") == FORMATS_TEXT);
	CHECK(env.kind == ENV_KUBECTL);
	CHECK(env.ts == T_20251210_110810 + 720);
	CHECK_STR(env.text, env.len, "[2025-12-10T11:08:10.719Z] [WARN] x");
	CHECK(unwrap("2025-12-10T11:08:10Z ") == FORMATS_TEXT);
	CHECK(env.kind == ENV_KUBECTL && env.len == 0);
}

static void
test_export(void)
{
	static const char	 bin[] =
	    "MESSAGE\n\n\0\0\0\0\0\0\0[WARN] x\ny\n";
	const char		*p, *nl, *end = bin + sizeof bin - 1;
	int			 rc = FORMATS_NOFIT;

	fresh(ENV_AUTO);
	CHECK(unwrap("__CURSOR=s=1;i=1") == FORMATS_PENDING);
	CHECK(unwrap("__REALTIME_TIMESTAMP=1765364890720999") ==
	    FORMATS_PENDING);
	CHECK(unwrap("_HOSTNAME=relay-host-1") == FORMATS_PENDING);
	CHECK(unwrap("MESSAGE=[WARN] a=b") == FORMATS_PENDING);
	CHECK(unwrap("SYSLOG_IDENTIFIER=relay") == FORMATS_PENDING);
	CHECK(unwrap("_SYSTEMD_UNIT=relay.service") == FORMATS_PENDING);
	CHECK(unwrap("") == FORMATS_TEXT);
	CHECK(env.kind == ENV_JOURNAL_EXPORT);
	CHECK(env.ts == T_20251210_110810 + 720);
	CHECK(env.back == 3);
	CHECK_STR(env.text, env.len, "[WARN] a=b");
	CHECK_STR(env.host, strlen(env.host), "relay-host-1");
	CHECK_STR(env.unit, strlen(env.unit), "relay.service");
	CHECK(!formats_pending(f));

	/* A binary field: length 10 (a newline byte), a newline inside. */
	CHECK(unwrap("__CURSOR=s=1;i=2") == FORMATS_PENDING);
	for (p = bin; p < end; p = nl + 1) {
		nl = memchr(p, '\n', (size_t)(end - p));
		rc = formats_unwrap(f, p, (size_t)(nl - p), &env);
		CHECK(rc == FORMATS_PENDING);
	}
	CHECK(unwrap("") == FORMATS_TEXT);
	CHECK(env.len == 10 && memcmp(env.text, "[WARN] x\ny", 10) == 0);
	CHECK(env.back == 4);
	CHECK(env.host == NULL);
	CHECK(env.ts == TS_NONE);

	/* Cut by the end of input: the last line carries it. */
	CHECK(unwrap("__REALTIME_TIMESTAMP=1765364890000000") ==
	    FORMATS_PENDING);
	CHECK(unwrap("MESSAGE=[INFO] z") == FORMATS_PENDING);
	CHECK(unwrap("_PID=1") == FORMATS_PENDING);
	CHECK(formats_unwrap(f, NULL, 0, &env) == FORMATS_TEXT);
	CHECK(env.back == 1);
	CHECK(env.ts == T_20251210_110810);
	CHECK_STR(env.text, env.len, "[INFO] z");

	/* Not a field: the entry ends unread, the line is read afresh. */
	CHECK(unwrap("__CURSOR=s=1;i=3") == FORMATS_PENDING);
	CHECK(unwrap("MESSAGE=lost") == FORMATS_PENDING);
	CHECK(unwrap("[WARN] plain again") == FORMATS_TEXT);
	CHECK(env.kind == ENV_PLAIN);
	CHECK(!formats_pending(f));

	/* A length that does not match: skipped to the blank line. */
	CHECK(unwrap("__CURSOR=s=1;i=4") == FORMATS_PENDING);
	CHECK(unwrap("MESSAGE") == FORMATS_PENDING);
	CHECK(formats_unwrap(f, "\002\0\0\0\0\0\0\0abc", 11, &env) ==
	    FORMATS_PENDING);
	CHECK(unwrap("KEY=ignored") == FORMATS_PENDING);
	CHECK(unwrap("") == FORMATS_TEXT);
	CHECK(env.len == 0);
}

static void
test_forced(void)
{
	fresh(ENV_JOURNAL_SHORT);
	CHECK(unwrap("[WARN] x") == FORMATS_NOFIT);
	CHECK(unwrap("2025-12-10T11:08:10Z [WARN] x") == FORMATS_NOFIT);
	CHECK(unwrap("Dec 10 11:08:10 h relay[1]: x") == FORMATS_TEXT);

	fresh(ENV_JOURNAL_EXPORT);
	CHECK(unwrap("MESSAGE=x") == FORMATS_PENDING);
	CHECK(unwrap("") == FORMATS_TEXT);
	CHECK_STR(env.text, env.len, "x");
	CHECK(unwrap("not a field") == FORMATS_NOFIT);
	CHECK(unwrap("") == FORMATS_NOFIT);

	fresh(ENV_PLAIN);
	CHECK(unwrap("Dec 10 11:08:10 h relay[1]: x") == FORMATS_TEXT);
	CHECK(env.kind == ENV_PLAIN);
	CHECK(env.ts == TS_NONE);
}

#define RELAY "[2025-12-10T11:08:10.720Z] [WARN] x"

/* Each platform's prefix: its kind, time, host and unit, and the line. */
static void
test_platforms(void)
{
	static const struct {
		const char	*line;
		int		 kind;
		int64_t		 ts;
		const char	*host, *unit;
	} cases[] = {
		{ "2025-12-10T11:08:10.720 app[683d4b3c2e1f98] iad [info] "
		    RELAY, ENV_FLY, 720, "683d4b3c2e1f98", "iad" },
		{ "2025-12-10T11:08:10Z 3d8d9e3b iad [info] " RELAY, ENV_FLY, 0,
		    "3d8d9e3b", "iad" },
		{ "\033[2m2025-12-10T11:08:10.720\033[0m app[683d] "
		    "\033[32miad\033[0m [\033[34minfo\033[0m] " RELAY, ENV_FLY,
		    720, "683d", "iad" },
		{ "2025-12-10T11:08:10.720000+00:00 app[web.1]: " RELAY,
		    ENV_HEROKU, 720, "web.1", "app" },
		{ "2025-12-10T11:08:10.720000+00:00 relay/relay/0f3c " RELAY,
		    ENV_CLOUDWATCH, 720, NULL, "relay/relay/0f3c" },
		{ "2025-12-10T11:08:10.720123456Z stderr F " RELAY, ENV_CRI,
		    720, NULL, "stderr" },
		{ "[pod/relay-7d9f/relay] 2025-12-10T11:08:10.7Z " RELAY,
		    ENV_KUBECTL, 700, "relay-7d9f", "relay" },
		{ "[pod/relay-7d9f/relay] " RELAY, ENV_KUBECTL, -1,
		    "relay-7d9f", "relay" },
		{ "relay-1  | " RELAY, ENV_COMPOSE, -1, NULL, "relay-1" },
		{ "\033[36mrelay-1  |\033[0m 2025-12-10T11:08:10.72Z " RELAY,
		    ENV_COMPOSE, 720, NULL, "relay-1" },
		{ "0|relay    | " RELAY, ENV_PM2, -1, NULL, "relay" },
		{ "0|relay    | 2025-12-10T11:08:10: " RELAY, ENV_PM2, 0, NULL,
		    "relay" },
		{ "<134>1 2025-12-10T11:08:10.720Z relay-host-1 relay 4242 - - "
		    RELAY, ENV_SYSLOG, 720, "relay-host-1", "relay" },
		{ "<131>1 2025-12-10T11:08:10.720Z h relay - ID47 [a b=\"]\"]"
		    "[c] \357\273\277" RELAY, ENV_SYSLOG, 720, "h", "relay" },
		{ "<134>1 - - - - - - " RELAY, ENV_SYSLOG, -1, NULL, NULL },
		{ "2025-12-10T11:08:10.720000+00:00 \033[36mapp[web.1]:\033[0m "
		    RELAY, ENV_HEROKU, 720, "web.1", "app" },
		{ "<134>Dec 10 11:08:10 relay-host-1 relay[4242]: " RELAY,
		    ENV_SYSLOG, 0, "relay-host-1", "relay" },
	};
	size_t	i;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		fresh(ENV_AUTO);
		CHECK(unwrap(cases[i].line) == FORMATS_TEXT);
		if (env.kind != cases[i].kind)
			fprintf(stderr, "case %zu: kind %d\n", i, env.kind);
		CHECK(env.kind == cases[i].kind);
		CHECK_STR(env.text, env.len, RELAY);
		CHECK(env.ts == (cases[i].ts < 0 ? TS_NONE :
		    T_20251210_110810 + cases[i].ts));
		if (cases[i].host == NULL)
			CHECK(env.host == NULL);
		else
			CHECK_STR(env.host, env.host ? strlen(env.host) : 0,
			    cases[i].host);
		if (cases[i].unit == NULL)
			CHECK(env.unit == NULL);
		else
			CHECK_STR(env.unit, env.unit ? strlen(env.unit) : 0,
			    cases[i].unit);
	}
}

/* Forced syslog also reads /var/log/syslog, RFC 3164 without the PRI. */
static void
test_syslog_forced(void)
{
	fresh(ENV_SYSLOG);
	CHECK(unwrap("Dec 10 11:08:10 h relay[1]: " RELAY) == FORMATS_TEXT);
	CHECK(env.kind == ENV_SYSLOG);
	CHECK_STR(env.text, env.len, RELAY);
	CHECK_STR(env.unit, strlen(env.unit), "relay");
	CHECK(unwrap(RELAY) == FORMATS_NOFIT);
}

/* Lines that look a little like a platform's and must stay plain. */
static void
test_platforms_not(void)
{
	static const char	*lines[] = {
		"relay-1 has started | not a compose bar",
		"0|relay",
		"12|",
		"<134 no bracket",
		"<>1 x",
		"<1>1 ",
		"<1>1 -",
		"<1>1 - h",
		"<134>1 2025-12-10T11:08:10.720Z relay-host-1",
		"compose:| x",
		"[pod/no-bracket-close",
		"2025-12-10T11:08:10+0000 relay[4242]: journalctl, not heroku",
		"[2025-12-10T11:08:10.720Z] [INFO] pm2 | not a bar",
		"{",
		"[",
	};
	size_t			 i;

	for (i = 0; i < sizeof lines / sizeof lines[0]; i++) {
		fresh(ENV_AUTO);
		if (unwrap(lines[i]) == FORMATS_PENDING)
			continue;	/* "{" and "[" open an entry */
		if (env.kind == ENV_JOURNAL_SHORT)
			continue;
		if (env.kind != ENV_PLAIN)
			fprintf(stderr, "line %zu: kind %d\n", i, env.kind);
		CHECK(env.kind == ENV_PLAIN);
		CHECK(env.len == strlen(lines[i]));
	}
	/* the opening lines alone stay open, and read nothing at the end */
	fresh(ENV_AUTO);
	CHECK(unwrap("{") == FORMATS_PENDING);
	CHECK(formats_pending(f));
	CHECK(formats_unwrap(f, NULL, 0, &env) == FORMATS_NOFIT);
	CHECK(!formats_pending(f));
}

/* CRI partial lines are joined; the entry is the first part's. */
static void
test_cri(void)
{
	fresh(ENV_AUTO);
	CHECK(unwrap("2025-12-10T11:08:10.1Z stdout P [WARN] a") ==
	    FORMATS_PENDING);
	CHECK(unwrap("2025-12-10T11:08:11Z stdout P b") == FORMATS_PENDING);
	CHECK(unwrap("2025-12-10T11:08:12Z stdout F c") == FORMATS_TEXT);
	CHECK(env.kind == ENV_CRI);
	CHECK_STR(env.text, env.len, "[WARN] abc");
	CHECK(env.back == 2);
	CHECK(env.ts == T_20251210_110810 + 100);
	CHECK(!formats_pending(f));
	/* an empty full line */
	CHECK(unwrap("2025-12-10T11:08:12Z stdout F") == FORMATS_TEXT);
	CHECK(env.len == 0);
	/* a part whose rest never came: read at the end */
	CHECK(unwrap("2025-12-10T11:08:10Z stderr P [WARN] lost") ==
	    FORMATS_PENDING);
	CHECK(formats_unwrap(f, NULL, 0, &env) == FORMATS_TEXT);
	CHECK_STR(env.text, env.len, "[WARN] lost");
	/* or dropped when another envelope's line comes first */
	CHECK(unwrap("2025-12-10T11:08:10Z stderr P [WARN] lost") ==
	    FORMATS_PENDING);
	CHECK(unwrap(RELAY) == FORMATS_TEXT);
	CHECK(env.kind == ENV_PLAIN);
	CHECK(!formats_pending(f));
}

/* Any JSON object with the line in a known member. */
static void
test_json_any(void)
{
	static const struct {
		const char	*line;
		int		 kind;
		int64_t		 ts;
		const char	*host, *unit;
	} cases[] = {
		{ "{ \"time\" : \"2025-12-10T11:08:10.720Z\" , \"stream\": "
		    "\"stderr\", \"log\": \"" RELAY "\\n\" }", ENV_DOCKER, 720,
		    NULL, "stderr" },
		{ "{\"event\":{\"provider\":\"app\"},\"fly\":{\"app\":{"
		    "\"instance\":\"683d\",\"name\":\"relay\"},\"region\":"
		    "\"iad\"},\"host\":"
		    "\"a1f3\",\"log\":{\"level\":\"info\"},\"message\":\"" RELAY
		    "\",\"timestamp\":\"2025-12-10T11:08:10.720123456Z\"}",
		    ENV_JSON, 720, "683d", "relay" },
		{ "{\"labels\":{\"app\":\"relay\"},\"line\":\"" RELAY "\","
		    "\"timestamp\":\"2025-12-10T11:08:10.5Z\"}", ENV_JSON, 500,
		    NULL, NULL },
		{ "{\"date\":1765364890.720123,\"log\":\"" RELAY "\"}",
		    ENV_JSON, 720, NULL, NULL },
		{ "{\"msg\":\"" RELAY "\",\"ts\":1765364890720}", ENV_JSON, 720,
		    NULL, NULL },
		{ "{\"msg\":\"" RELAY "\",\"ts\":1765364890720123456}",
		    ENV_JSON, 720, NULL, NULL },
		{ "{\"textPayload\":\"" RELAY "\",\"receiveTimestamp\":"
		    "\"2025-12-10T11:08:11Z\",\"timestamp\":"
		    "\"2025-12-10T11:08:10Z\"}", ENV_JSON, 0, NULL, NULL },
		{ "{\"jsonPayload\":{\"message\":\"" RELAY "\",\"x\":[1,{}]}}",
		    ENV_JSON, -1, NULL, NULL },
		{ "{\"message\":\"" RELAY "\",\"app_name\":\"relay\","
		    "\"process_id\":0,\"type\":\"out\"}", ENV_JSON, -1, NULL,
		    "relay" },
		{ "{ \"MESSAGE\": \"" RELAY "\", \"_HOSTNAME\": \"h\"}",
		    ENV_JSON, -1, "h", NULL },
	};
	size_t	i;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		fresh(ENV_AUTO);
		if (unwrap(cases[i].line) != FORMATS_TEXT ||
		    env.kind != cases[i].kind)
			fprintf(stderr, "case %zu: kind %d\n", i, env.kind);
		CHECK(env.kind == cases[i].kind);
		CHECK_STR(env.text, env.len, RELAY);
		CHECK(env.ts == (cases[i].ts < 0 ? TS_NONE :
		    T_20251210_110810 + cases[i].ts));
		if (cases[i].host == NULL)
			CHECK(env.host == NULL);
		else
			CHECK_STR(env.host, env.host ? strlen(env.host) : 0,
			    cases[i].host);
		if (cases[i].unit == NULL)
			CHECK(env.unit == NULL);
		else
			CHECK_STR(env.unit, env.unit ? strlen(env.unit) : 0,
			    cases[i].unit);
	}
	/* no line in it, a line that is not text, or not JSON: plain */
	fresh(ENV_AUTO);
	CHECK(unwrap("{\"log\":{\"level\":\"info\"}}") == FORMATS_TEXT);
	CHECK(env.kind == ENV_PLAIN);
	CHECK(unwrap("{\"message\":42}") == FORMATS_TEXT);
	CHECK(env.kind == ENV_PLAIN);
	CHECK(unwrap("{\"message\":\"x\"} trailing") == FORMATS_TEXT);
	CHECK(env.kind == ENV_PLAIN);
	CHECK(unwrap("{\"message\":\"bad \\q escape\"}") == FORMATS_TEXT);
	CHECK(env.kind == ENV_PLAIN);
}

/* Indented JSON: objects one after another, or one array of them. */
static void
test_json_pretty(void)
{
	fresh(ENV_AUTO);
	CHECK(unwrap("{") == FORMATS_PENDING);
	CHECK(unwrap("    \"instance\": \"683d\",") == FORMATS_PENDING);
	CHECK(unwrap("    \"message\": \"" RELAY "\",") == FORMATS_PENDING);
	CHECK(unwrap("    \"meta\": {") == FORMATS_PENDING);
	CHECK(unwrap("        \"Message\": \"not this {[\"") ==
	    FORMATS_PENDING);
	CHECK(unwrap("    },") == FORMATS_PENDING);
	CHECK(unwrap("    \"timestamp\": \"2025-12-10T11:08:10.720Z\"") ==
	    FORMATS_PENDING);
	CHECK(unwrap("}") == FORMATS_TEXT);
	CHECK(env.kind == ENV_JSON_PRETTY);
	CHECK_STR(env.text, env.len, RELAY);
	CHECK(env.back == 5);
	CHECK(env.ts == T_20251210_110810 + 720);
	CHECK_STR(env.host, strlen(env.host), "683d");
	CHECK(!formats_pending(f));

	/* an array; the relay's line between objects ends it unread */
	CHECK(unwrap("[") == FORMATS_PENDING);
	CHECK(unwrap("  {") == FORMATS_PENDING);
	CHECK(unwrap("    \"textPayload\": \"" RELAY "\"") ==
	    FORMATS_PENDING);
	CHECK(unwrap("  },") == FORMATS_TEXT);
	CHECK(env.back == 1);
	CHECK(formats_pending(f));
	CHECK(unwrap("  {\"textPayload\": \"" RELAY "\"}") == FORMATS_TEXT);
	CHECK(env.back == 0);
	CHECK(unwrap("]") == FORMATS_PENDING);
	CHECK(!formats_pending(f));

	/* a line at the left margin inside an object is not part of it */
	CHECK(unwrap("{") == FORMATS_PENDING);
	CHECK(unwrap("    \"message\": \"x\",") == FORMATS_PENDING);
	CHECK(unwrap(RELAY) == FORMATS_TEXT);
	CHECK(env.kind == ENV_PLAIN);
	CHECK(!formats_pending(f));

	/* an object without a line: its last line is read as it is */
	CHECK(unwrap("{") == FORMATS_PENDING);
	CHECK(unwrap("    \"level\": \"info\"") == FORMATS_PENDING);
	CHECK(unwrap("}") == FORMATS_TEXT);
	CHECK_STR(env.text, env.len, "}");
}

static void
test_names(void)
{
	char	*cause = NULL;

	CHECK(formats_kind_from_name("auto") == ENV_AUTO);
	CHECK(formats_kind_from_name("plain") == ENV_PLAIN);
	CHECK(formats_kind_from_name("cat") == ENV_PLAIN);
	CHECK(formats_kind_from_name("short") == ENV_JOURNAL_SHORT);
	CHECK(formats_kind_from_name("short-iso-precise") ==
	    ENV_JOURNAL_SHORT);
	CHECK(formats_kind_from_name("with-unit") == ENV_JOURNAL_SHORT);
	CHECK(formats_kind_from_name("journal-short") == ENV_JOURNAL_SHORT);
	CHECK(formats_kind_from_name("json") == ENV_JOURNAL_JSON);
	CHECK(formats_kind_from_name("export") == ENV_JOURNAL_EXPORT);
	CHECK(formats_kind_from_name("docker") == ENV_DOCKER);
	CHECK(formats_kind_from_name("kubectl") == ENV_KUBECTL);
	CHECK(formats_kind_from_name("jsonl") == ENV_JSON);
	CHECK(formats_kind_from_name("json-pretty") == ENV_JSON_PRETTY);
	CHECK(formats_kind_from_name("gcloud") == ENV_JSON_PRETTY);
	CHECK(formats_kind_from_name("fly") == ENV_FLY);
	CHECK(formats_kind_from_name("heroku") == ENV_HEROKU);
	CHECK(formats_kind_from_name("aws") == ENV_CLOUDWATCH);
	CHECK(formats_kind_from_name("cri") == ENV_CRI);
	CHECK(formats_kind_from_name("compose") == ENV_COMPOSE);
	CHECK(formats_kind_from_name("pm2") == ENV_PM2);
	CHECK(formats_kind_from_name("rfc5424") == ENV_SYSLOG);
	CHECK(formats_kind_from_name("verbose") == -1);
	CHECK(formats_create(99, &cause) == NULL);
	CHECK(cause != NULL);
	free(cause);
}

int
main(void)
{
	TEST(test_plain);
	TEST(test_not_envelopes);
	TEST(test_short);
	TEST(test_short_year);
	TEST(test_short_iso_full_unix);
	TEST(test_journal_json);
	TEST(test_docker);
	TEST(test_kubectl);
	TEST(test_export);
	TEST(test_forced);
	TEST(test_platforms);
	TEST(test_platforms_not);
	TEST(test_syslog_forced);
	TEST(test_cri);
	TEST(test_json_any);
	TEST(test_json_pretty);
	TEST(test_names);
	formats_free(f);
	free(copy);
	return check_total_failed != 0;
}
