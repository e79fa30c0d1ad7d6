/* SPDX-License-Identifier: MIT */
/*
 * Unit tests for sessionlog.c (a JSONL session-log record as the terminal
 * line the relay prints) and jsonlog_members, which its fast path reads
 * records with.  The records that path leaves to jansson must come out as
 * jansson renders them.
 */
#include "config.h"

#include <string.h>

#include "loganalyze.h"
#include "check.h"

/* The terminal line of a record, or "(not a record)". */
static const char *
unwrap(const char *line)
{
	static struct buf	b;

	buf_reset(&b);
	if (!sessionlog_unwrap(line, strlen(line), &b))
		return "(not a record)";
	return buf_cstr(&b);
}

#define REC(rest)	"{\"ts\":\"2025-12-10T09:00:00.000Z\"," rest
#define TS		"[2025-12-10T09:00:00.000Z] "

static void
test_records(void)
{
	CHECK(strcmp(unwrap(REC("\"event\":\"live_open\","
	    "\"connectionId\":\"c1\",\"data\":{\"model\":\"m\",\"n\":1.5}}")),
	    TS "[INFO] Live API session opened "
	    "{\"connectionId\":\"c1\",\"model\":\"m\",\"n\":1.5}") == 0);
	/* no data; an event of no row keeps its name */
	CHECK(strcmp(unwrap(REC("\"event\":\"audio_chunk\","
	    "\"connectionId\":\"c1\"}")),
	    TS "[INFO] audio_chunk {\"connectionId\":\"c1\"}") == 0);
	/* a row chosen by a data field */
	CHECK(strcmp(unwrap(REC("\"event\":\"session_closed\","
	    "\"connectionId\":\"c1\",\"data\":{\"source\":\"websocket\","
	    "\"code\":1000}}")),
	    TS "[INFO] WebSocket closed {\"connectionId\":\"c1\","
	    "\"source\":\"websocket\",\"code\":1000}") == 0);
	CHECK(strcmp(unwrap(REC("\"event\":\"session_closed\","
	    "\"connectionId\":\"c1\",\"data\":{\"code\":1007}}")),
	    TS "[ERROR] Live API session closed {\"connectionId\":\"c1\","
	    "\"code\":1007}") == 0);
	CHECK(strcmp(unwrap(REC("\"event\":\"error\",\"connectionId\":\"c1\","
	    "\"data\":{\"where\":\"live_api\",\"message\":\"a\\\"b\"}}")),
	    TS "[ERROR] Live API error {\"connectionId\":\"c1\","
	    "\"where\":\"live_api\",\"message\":\"a\\\"b\"}") == 0);
	/* members keep their spacing and order; other top-level keys go */
	CHECK(strcmp(unwrap(REC(" \"event\" : \"connected\", \"x\": [1, 2],"
	    " \"connectionId\": \"c1\", \"data\": { \"a\" : [ 1 ] } } ")),
	    TS "[INFO] Client connected {\"connectionId\":\"c1\","
	    "\"a\" : [ 1 ]}") == 0);
}

/* What the fast path leaves to jansson comes out as jansson writes it. */
static void
test_left_to_jansson(void)
{
	/* an escape in the time */
	CHECK(strcmp(unwrap("{\"ts\":\"2025-12-10T09:00:00.000\\u005a\","
	    "\"event\":\"connected\",\"connectionId\":\"c1\"}"),
	    TS "[INFO] Client connected {\"connectionId\":\"c1\"}") == 0);
	/* a payload that is not a string is carried as JSON text */
	CHECK(strcmp(unwrap(REC("\"event\":\"client_start\","
	    "\"connectionId\":\"c1\",\"data\":{\"payload\":{\"a\":1}}}")),
	    TS "[INFO] handleStart called {\"connectionId\":\"c1\","
	    "\"payload\":\"{\\\"a\\\":1}\"}") == 0);
	/* the data's connectionId replaces the record's; the last of two */
	CHECK(strcmp(unwrap(REC("\"event\":\"connected\","
	    "\"connectionId\":\"c1\",\"data\":{\"connectionId\":\"c2\"}}")),
	    TS "[INFO] Client connected {\"connectionId\":\"c2\"}") == 0);
	CHECK(strcmp(unwrap(REC("\"event\":\"connected\","
	    "\"connectionId\":\"c1\",\"data\":{\"a\":1,\"a\":2}}")),
	    TS "[INFO] Client connected {\"connectionId\":\"c1\","
	    "\"a\":2}") == 0);
}

static void
test_not_records(void)
{
	CHECK(strcmp(unwrap(REC("\"event\":1,\"connectionId\":\"c1\"}")),
	    "(not a record)") == 0);
	CHECK(strcmp(unwrap(REC("\"event\":\"e\",\"connectionId\":\"c1\","
	    "\"data\":[1]}")), "(not a record)") == 0);
	CHECK(strcmp(unwrap(REC("\"event\":\"e\"}")), "(not a record)") == 0);
	/* cut short, and with text after it */
	CHECK(strcmp(unwrap(REC("\"event\":\"e\",\"connectionId\":\"c")),
	    "(not a record)") == 0);
	CHECK(strcmp(unwrap(REC("\"event\":\"e\",\"connectionId\":\"c1\"} x")),
	    "(not a record)") == 0);
	CHECK(strcmp(unwrap("{\"event\":\"e\"}"), "(not a record)") == 0);
}

static void
test_members(void)
{
	struct json_member	m[4];
	const char		*s = " {\"a\\n\": \"x\\ty\" , \"b\":{\"c\":[1,{}]},"
				    "\"d\":-1.5e3,\"e\":null} ";
	size_t			 n;

	CHECK(jsonlog_members(s, strlen(s), m, 4, &n) == 0);
	CHECK(n == 4);
	CHECK(!m[0].key_plain && m[0].is_string && !m[0].str_plain);
	CHECK_STR(m[0].raw, m[0].raw_len, "\"a\\n\": \"x\\ty\"");
	CHECK_STR(m[1].key, m[1].key_len, "b");
	CHECK_STR(m[1].value, m[1].value_len, "{\"c\":[1,{}]}");
	CHECK_STR(m[2].value, m[2].value_len, "-1.5e3");
	CHECK(!m[3].is_string);
	CHECK_STR(m[3].value, m[3].value_len, "null");
	/* more members than room, text after the object, not an object */
	CHECK(jsonlog_members(s, strlen(s), m, 3, &n) == -1);
	CHECK(jsonlog_members("{} {}", 5, m, 4, &n) == -1);
	CHECK(jsonlog_members("[1]", 3, m, 4, &n) == -1);
	CHECK(jsonlog_members("{\"a\":tru}", 9, m, 4, &n) == -1);
	CHECK(jsonlog_members("{}", 2, m, 4, &n) == 0 && n == 0);
}

int
main(void)
{
	TEST(test_records);
	TEST(test_left_to_jansson);
	TEST(test_not_records);
	TEST(test_members);
	return check_total_failed != 0;
}
