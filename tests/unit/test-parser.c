/* SPDX-License-Identifier: MIT */
/* Unit tests for parser.c and classify.c: every line shape of the relay. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "loganalyze.h"
#include "check.h"

static struct parser *p;
static struct log_record r;

static int
parse(const char *line)
{
	return parser_parse(p, line, strlen(line), &r);
}

static void
test_full_line(void)
{
	CHECK(parse("[2025-12-10T11:08:10.720Z] [ERROR] Live API session "
	    "closed {\"connectionId\":\"58bfe04f-f933-440b-9015-e8fd177c38a7\","
	    "\"code\":1007,\"reason\":\"Request contains an invalid argument."
	    "\",\"wasClean\":true,\"timestamp\":\"2025-12-10T11:08:10.720Z\","
	    "\"hadError\":false}") == PARSE_EVENT);
	CHECK(r.level == LEVEL_ERROR);
	CHECK(r.kind == K_CLOSED);
	CHECK(r.ts == 1765364890720LL);
	CHECK(r.ts_src == TSSRC_LINE);
	CHECK_STR(r.msg, r.msg_len, "Live API session closed");
	CHECK_STR(r.conn, r.conn_len, "58bfe04f-f933-440b-9015-e8fd177c38a7");
	CHECK(r.close_code == 1007);
	CHECK(r.json_ok == 1);
}

static void
test_process_prefix_and_ansi(void)
{
	CHECK(parse("\033[36m[websocket]\033[0m [2025-12-10T11:08:05.001Z] "
	    "\033[33m[WARN]\033[0m Rate limit exceeded for REALTIME_INPUT "
	    "{\"connectionId\":\"abc\",\"isAudioChunk\":true}\r") ==
	    PARSE_EVENT);
	CHECK_STR(r.proc, r.proc_len, "websocket");
	CHECK(r.level == LEVEL_WARN);
	CHECK(r.kind == K_RATE_LIMIT);
	CHECK_STR(r.conn, r.conn_len, "abc");
	CHECK_STR(r.json, r.json_len,
	    "{\"connectionId\":\"abc\",\"isAudioChunk\":true}");
	CHECK(r.text[r.text_len - 1] == '}');
}

static void
test_pasted_excerpts(void)
{
	/* no time at all */
	CHECK(parse("[WARN] REALTIME_INPUT: Session ready but still not in "
	    "activeSessions after retries") == PARSE_EVENT);
	CHECK(r.kind == K_RETRIES);
	CHECK(r.conn == NULL);
	CHECK(r.ts == TS_NONE);
	CHECK(r.json == NULL);
	/* clock-only time and no level */
	CHECK(parse("[12:05:50.308Z] Rate limit exceeded for USER_AUDIO") ==
	    PARSE_EVENT);
	CHECK(r.level == LEVEL_NONE);
	CHECK(r.kind == K_RATE_LIMIT);
	CHECK(r.ts_src == TSSRC_CLOCK);
	CHECK(r.ts % 86400000 == (12 * 3600 + 5 * 60 + 50) * 1000 + 308);
	/* process prefix, no level */
	CHECK(parse("[websocket] Rate limit exceeded for REALTIME_INPUT "
	    "{\"connectionId\":\"x1\"}") == PARSE_EVENT);
	CHECK_STR(r.proc, r.proc_len, "websocket");
	CHECK_STR(r.conn, r.conn_len, "x1");
}

static void
test_uuid_in_message(void)
{
	CHECK(parse("[2025-12-10T11:08:11.000Z] [WARN] "
	    "[58bfe04f-f933-440b-9015-e8fd177c38a7] REALTIME_INPUT received "
	    "but no active session") == PARSE_EVENT);
	CHECK_STR(r.conn, r.conn_len, "58bfe04f-f933-440b-9015-e8fd177c38a7");
	CHECK_STR(r.msg, r.msg_len,
	    "REALTIME_INPUT received but no active session");
	CHECK(r.kind == K_NO_SESSION);
}

static void
test_not_events(void)
{
	CHECK(parse("[frontend]   VITE v5.4.2  ready in 312 ms") ==
	    PARSE_NOMATCH);
	CHECK(parse("[dotenv@16.4.5] injecting env (5) from .env") ==
	    PARSE_NOMATCH);
	CHECK(parse("Supabase credentials not found, falling back") ==
	    PARSE_NOMATCH);
	CHECK(parse("> relay@1.0.0 dev") == PARSE_NOMATCH);
	CHECK(parse("^C") == PARSE_NOMATCH);
	CHECK(parse("    at Object.<anonymous> (/app/server.ts:10:5)") ==
	    PARSE_CONTINUATION);
	CHECK(parse("") == PARSE_BLANK);
	CHECK(parse("  \r") == PARSE_BLANK);
	CHECK(parse("\033[2J\033[H") == PARSE_BLANK);
}

/* The relay's line behind whatever a platform printed in front of it. */
static void
test_any_prefix(void)
{
	static const char	*prefixes[] = {
		"2025-12-10T11:08:10.720 app[683d4b3c2e1f98] iad [info] ",
		"2025-12-10T11:08:10Z 3d8d9e3b iad [info] ",
		"\033[2m2025-12-10T11:08:10.720\033[0m app[683d4b3c2e1f98] "
		    "\033[32miad\033[0m [\033[34minfo\033[0m] ",
		"2025-12-10T11:08:10.720000+00:00 app[web.1]: ",
		"2025-12-10T11:08:10.720123456Z stdout F ",
		"[pod/relay-7d9f8-x2k4q/relay] 2025-12-10T11:08:10.7201Z ",
		"relay-1  | ",
		"0|relay    | 2025-12-10T11:08:10: ",
		"<134>1 2025-12-10T11:08:10.720Z relay-host-1 relay 4242 - - ",
		"<134>Dec 10 11:08:10 relay-host-1 relay[4242]: ",
		"2025-12-10T11:08:10.720123456Z {app=\"relay\", pod=\"x\"} ",
	};
	char	line[512];
	size_t	i;

	for (i = 0; i < sizeof prefixes / sizeof prefixes[0]; i++) {
		snprintf(line, sizeof line, "%s[2025-12-10T11:08:10.720Z] "
		    "[ERROR] Live API session closed {\"connectionId\":\"abc\","
		    "\"code\":1007}", prefixes[i]);
		CHECK(parse(line) == PARSE_EVENT);
		if (r.level != LEVEL_ERROR)
			fprintf(stderr, "prefix %zu\n", i);
		CHECK(r.level == LEVEL_ERROR);
		CHECK(r.kind == K_CLOSED);
		CHECK(r.ts == 1765364890720LL);
		CHECK(r.proc == NULL);
		CHECK_STR(r.msg, r.msg_len, "Live API session closed");
		CHECK_STR(r.conn, r.conn_len, "abc");
		CHECK(r.close_code == 1007);
	}

	/* fly's own level is not the relay's: this line has none */
	CHECK(parse("2025-12-10T11:08:10.720 app[683d4b3c2e1f98] iad [info] "
	    "Listening on 0.0.0.0:8080") == PARSE_NOMATCH);
	/* a pasted shape behind a prefix: the prefix's time stays */
	CHECK(parse("2025-12-10T11:08:10.720123456Z stdout F [WARN] Rate "
	    "limit exceeded for REALTIME_INPUT {\"connectionId\":\"abc\"}") ==
	    PARSE_EVENT);
	CHECK(r.level == LEVEL_WARN && r.kind == K_RATE_LIMIT);
	CHECK(r.ts == 1765364890720LL);
	/* a level alone after a prefix: only for the relay's own messages */
	CHECK(parse("[frontend] [vite] [ERROR] failed to load config") ==
	    PARSE_NOMATCH);
	/* the relay's broken time is not a prefix: no level, no kind */
	(void)parse("[10000-01-01T00:00:00.000Z] [WARN] Rate limit exceeded "
	    "for REALTIME_INPUT {\"connectionId\":\"abc\"}");
	CHECK(r.level == LEVEL_NONE && r.ts == TS_NONE);
	/* nor is anything inside the JSON tail */
	CHECK(parse("npm notice {\"x\":\"[2025-12-10T11:08:10.720Z] [ERROR] "
	    "Live API session closed\"}") == PARSE_NOMATCH);
}

static void
test_json_tail(void)
{
	/* A tail that does not parse keeps the event and says why. */
	CHECK(parse("[ERROR] Live API error {\"connectionId\":\"c1\",") ==
	    PARSE_EVENT);
	/* cut short (a truncated capture): still a tail, and a bad one */
	CHECK_STR(r.msg, r.msg_len, "Live API error");
	CHECK(r.json != NULL && r.json_ok == 0);
	CHECK(parse("[ERROR] Live API error {\"connectionId\":\"c1\",}") ==
	    PARSE_EVENT);
	CHECK(r.json_ok == 0);
	CHECK(r.json_error != NULL && r.json_error[0] != '\0');
	CHECK(r.conn == NULL);
	/* JSON text inside a JSON string */
	CHECK(parse("[INFO] handleStart called {\"connectionId\":\"c2\","
	    "\"payload\":\"{\\\"languageCode\\\":\\\"en-US\\\"}\"}") ==
	    PARSE_EVENT);
	CHECK(r.json_ok == 1);
	CHECK(r.kind == K_START_PAYLOAD);
	/* an empty object on an ERROR line */
	CHECK(parse("[ERROR] UNCAUGHT_EXCEPTION {}") == PARSE_EVENT);
	CHECK(r.json_ok == 1);
	CHECK(r.conn == NULL);
	CHECK(r.kind == K_UNCAUGHT);
	/* a connectionId that is not a string is a JSON error */
	CHECK(parse("[WARN] Rate limit exceeded for REALTIME_INPUT "
	    "{\"connectionId\":42}") == PARSE_EVENT);
	CHECK(r.json_ok == 0);
	CHECK(r.conn == NULL);
}

static void
test_json_timestamp(void)
{
	CHECK(parse("[ERROR] Live API session closed {\"connectionId\":\"c3\","
	    "\"code\":1000,\"timestamp\":\"2025-12-10T11:08:10.720Z\"}") ==
	    PARSE_EVENT);
	CHECK(r.ts == 1765364890720LL);
	CHECK(r.ts_src == TSSRC_JSON);
	/* later clock-only lines take that date */
	CHECK(parse("[11:09:00.000Z] [WARN] Rate limit exceeded for "
	    "REALTIME_INPUT") == PARSE_EVENT);
	CHECK(r.ts == 1765364940000LL);
}

static void
test_classify(void)
{
	static const struct {
		const char	*msg;
		int		 kind;
	} t[] = {
		{ "Client connected", K_CLIENT_CONNECTED },
		{ "Calling ai.live.connect()...", K_CONNECT_CALL },
		{ "Live API connection timeout after 30s", K_TIMEOUT },
		{ "TOOL_RESULT received but no active session", K_NO_SESSION },
		{ "REALTIME_INPUT received but session no longer exists",
		    K_NO_SESSION },
		{ "No active session to send audio to - session may not be "
		    "initialized yet", K_NO_SESSION },
		{ "REALTIME_INPUT received before session ready", K_TOO_EARLY },
		{ "REALTIME_INPUT: Session ready but still not in "
		    "activeSessions yet - waiting", K_WAITING },
		{ "Failed to start Live API session", K_CONNECT_FAILED },
		{ "CLOSED early", K_WS_CLOSED },
		{ "No heartbeat for 60s. Terminating socket",
		    K_HEARTBEAT_LOST },
		{ "Something else", K_OTHER },
	};
	size_t	i;

	for (i = 0; i < sizeof t / sizeof t[0]; i++)
		CHECK(classify_message(t[i].msg, strlen(t[i].msg)) ==
		    t[i].kind);
}

int
main(void)
{
	char	*cause = NULL;

	p = parser_create(&cause);
	if (p == NULL) {
		fprintf(stderr, "%s\n", cause);
		return 1;
	}
	TEST(test_full_line);
	TEST(test_process_prefix_and_ansi);
	TEST(test_pasted_excerpts);
	TEST(test_uuid_in_message);
	TEST(test_not_events);
	TEST(test_any_prefix);
	TEST(test_json_tail);
	TEST(test_json_timestamp);
	TEST(test_classify);
	parser_free(p);
	return check_total_failed != 0;
}
