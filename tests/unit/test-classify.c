/* SPDX-License-Identifier: MIT */
/*
 * Unit tests for classify.c.  Besides fixed cases, every message built from
 * the catalogue (each text alone, cut short, with text around it, and each
 * pair of texts joined, which is where precedence shows) must get the kind
 * that a plain first-match walk over the catalogue's rows gives, and each
 * row's own text its own kind: a row that an earlier one hides is dead.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "loganalyze.h"
#include "check.h"

enum { PRE, SUF, HAS };		/* classify_row's ways to match */

/* The catalogue's rows, read from classify.c by load_rows. */
static struct {
	const char	*text;
	int		 how;
	int		 kind;
} rows[256];
static size_t nrows;

#define NROWS	nrows

static void
load_rows(void)
{
	while (nrows < sizeof rows / sizeof rows[0] &&
	    classify_row(nrows, &rows[nrows].text, &rows[nrows].how,
	    &rows[nrows].kind))
		nrows++;
}

/* The kind by a plain walk: strlen and a full compare for every row. */
static int
reference(const char *msg, size_t len)
{
	size_t	i, tlen;

	for (i = 0; i < NROWS; i++) {
		tlen = strlen(rows[i].text);
		if (tlen > len)
			continue;
		if ((rows[i].how == PRE && memcmp(msg, rows[i].text,
		    tlen) == 0) ||
		    (rows[i].how == SUF && memcmp(msg + len - tlen,
		    rows[i].text, tlen) == 0) ||
		    (rows[i].how == HAS && memmem(msg, len, rows[i].text,
		    tlen) != NULL))
			return rows[i].kind;
	}
	return K_OTHER;
}

static int
kind(const char *s)
{
	return classify_message(s, strlen(s));
}

static void
test_fixed(void)
{
	CHECK(kind("Handling REALTIME_INPUT message") == K_FRAME);
	CHECK(kind("Received Live API message") == K_OTHER);
	CHECK(kind("Rate limit exceeded for REALTIME_INPUT") == K_RATE_LIMIT);
	CHECK(kind("REALTIME_INPUT: Session ready but still not in "
	    "activeSessions yet - waiting") == K_WAITING);
	CHECK(kind("REALTIME_INPUT: Session ready but still not in "
	    "activeSessions after retries") == K_RETRIES);
	CHECK(kind("REALTIME_INPUT received but no active session") ==
	    K_NO_SESSION);
	CHECK(kind("Live API connection timeout after 30s") == K_TIMEOUT);
	CHECK(kind("Marked session as ready during setup_complete") ==
	    K_SETUP_COMPLETE);
	CHECK(kind("Marked session as ready") == K_READY);
	/* precedence: an earlier row wins, whatever its kind of match */
	CHECK(kind("Handling REALTIME_INPUT message not in activeSessions "
	    "yet") == K_FRAME);
	CHECK(kind("Live API session opened, not in activeSessions yet") ==
	    K_WAITING);
	CHECK(kind("Client connected received before session ready") ==
	    K_TOO_EARLY);
	/* a first byte that matches, then a difference */
	CHECK(kind("Handling REALTIME_INPUT messagX") == K_OTHER);
	CHECK(kind("Live API session opene") == K_OTHER);
	CHECK(kind("X received but no active sessioN") == K_OTHER);
	CHECK(kind("") == K_OTHER);
	CHECK(classify_message("C", 0) == K_OTHER);
	CHECK(kind("safeSend:") == K_SAFE_SEND);
	CHECK(kind("safeSend") == K_OTHER);
	/* messages that a shorter, later row also matches */
	CHECK(kind("safeSend: Buffer full, dropping message") ==
	    K_SEND_DROPPED);
	CHECK(kind("safeSend: socket not open, dropping message") ==
	    K_SAFE_SEND);
	CHECK(kind("Failed to start Live API session") == K_CONNECT_FAILED);
	CHECK(kind("Failed to send audio to Live API") == K_SEND_FAILED);
	CHECK(kind("Failed to send tool results") == K_TOOL_FAILED);
	CHECK(kind("Failed to send error to client") == K_ERROR_UNDELIVERED);
	CHECK(kind("Failed to persist final output transcript") ==
	    K_SIDE_FAILURE);
	CHECK(kind("Failed to start server") == K_SERVER_ERROR);
	CHECK(kind("Port 3001 is already in use") == K_SERVER_ERROR);
	CHECK(kind("Tool execution failed: search_web") == K_TOOL_FAILED);
	CHECK(kind("TOOL_RESULT received before session ready") ==
	    K_TOO_EARLY);
	CHECK(kind("TOOL_RESULT received but no active session") ==
	    K_NO_SESSION);
	CHECK(kind("REALTIME_INPUT: Rejecting text chunk - Live API does not "
	    "accept text via sendRealtimeInput (causes 1007 error)") ==
	    K_INPUT_REJECTED);
	CHECK(kind("CRITICAL: ConnectionState missing - defensive "
	    "initialization") == K_STATE_MISSING);
	CHECK(kind("WebSocket server listening") == K_SERVER_START);
	CHECK(kind("WebSocket error") == K_WS_ERROR);
	CHECK(kind("[config-builder] Tools config built") == K_OTHER);
}

static void
check_same(const char *s, size_t len)
{
	char	*copy;
	int	 got, want;

	/* an exact-size copy, so that no check reads past the message */
	copy = malloc(len > 0 ? len : 1);
	if (copy == NULL)
		abort();
	memcpy(copy, s, len);
	got = classify_message(copy, len);
	want = reference(copy, len);
	if (got != want) {
		fprintf(stderr, "%s:%d: \"%.*s\": kind %d, want %d\n",
		    __FILE__, __LINE__, (int)len, s, got, want);
		check_failed++;
	}
	free(copy);
}

static void
test_catalogue(void)
{
	static const char	*around[] = { "", " ", "x", "[ab] ", "... " };
	char			 b[512];
	size_t			 i, j, k, n, len;

	CHECK(NROWS > 0 && NROWS < sizeof rows / sizeof rows[0]);
	for (i = 0; i < NROWS; i++) {
		len = strlen(rows[i].text);
		if (kind(rows[i].text) != rows[i].kind) {
			fprintf(stderr, "%s:%d: row \"%s\" is hidden by an "
			    "earlier row\n", __FILE__, __LINE__, rows[i].text);
			check_failed++;
		}
		for (n = 0; n <= len; n++) {
			check_same(rows[i].text, n);
			check_same(rows[i].text + n, len - n);
		}
		for (j = 0; j < sizeof around / sizeof around[0]; j++) {
			for (k = 0; k < sizeof around / sizeof around[0];
			    k++) {
				n = (size_t)snprintf(b, sizeof b, "%s%s%s",
				    around[j], rows[i].text, around[k]);
				check_same(b, n);
			}
		}
		for (j = 0; j < NROWS; j++) {
			n = (size_t)snprintf(b, sizeof b, "%s%s",
			    rows[i].text, rows[j].text);
			check_same(b, n);
			n = (size_t)snprintf(b, sizeof b, "%s - %s",
			    rows[i].text, rows[j].text);
			check_same(b, n);
		}
	}
}

/*
 * Every kind has a name of its own and SQL sees it with words for each of
 * its enums: a value added to an enum without its word shows here.
 */
static void
test_kinds(void)
{
	sqlite3		*db;
	sqlite3_stmt	*st;
	char		*cause = NULL;
	int		 i, j;

	for (i = 0; i < K__COUNT; i++) {
		CHECK(classify_kind(i)->name != NULL);
		for (j = 0; j < i; j++)
			CHECK(strcmp(classify_kind(i)->name,
			    classify_kind(j)->name) != 0);
		/* a timeline label needs a role that says what it is */
		if (classify_kind(i)->label != NULL)
			CHECK(classify_kind(i)->role != ROLE_NOISE);
	}
	/*
	 * The facts that rules look up by min() or max() have one kind each,
	 * named as the fact: the look-ups say kind = 'closed', as SQLite's
	 * min/max optimization needs (docs/rules.md).
	 */
	for (i = 0; i < K__COUNT; i++) {
		switch (classify_kind(i)->fact) {
		case FACT_CLOSED:
			CHECK(strcmp(classify_kind(i)->name, "closed") == 0);
			break;
		case FACT_TIMEOUT:
			CHECK(strcmp(classify_kind(i)->name, "timeout") == 0);
			break;
		case FACT_CONNECT_CALL:
			CHECK(strcmp(classify_kind(i)->name, "connect_call") ==
			    0);
			break;
		case FACT_CONNECT_FAILED:
			CHECK(strcmp(classify_kind(i)->name,
			    "connect_failed") == 0);
			break;
		default:
			break;
		}
	}
	CHECK(classify_kind(-1) == classify_kind(K_OTHER));
	CHECK(classify_kind(K__COUNT) == classify_kind(K_OTHER));
	CHECK(!classify_kind_attributable(K_OTHER));
	CHECK(!classify_kind_attributable(K_UNCAUGHT));
	CHECK(classify_kind_attributable(K_CLOSED));

	CHECK(sqlite3_open(":memory:", &db) == SQLITE_OK);
	CHECK(classify_store_kinds(db, &cause) == 0);
	CHECK(sqlite3_prepare_v2(db, "SELECT count(*), count(role),"
	    " count(live), sum(fact IS NULL) FROM kinds", -1, &st, NULL) ==
	    SQLITE_OK);
	CHECK(sqlite3_step(st) == SQLITE_ROW);
	CHECK(sqlite3_column_int(st, 0) == K__COUNT);
	CHECK(sqlite3_column_int(st, 1) == K__COUNT);
	CHECK(sqlite3_column_int(st, 2) == K__COUNT);
	for (i = j = 0; i < K__COUNT; i++)
		j += classify_kind(i)->fact == FACT_NONE;
	CHECK(sqlite3_column_int(st, 3) == j);
	sqlite3_finalize(st);
	/* twice is fine: a run that analyses two windows fills it again */
	CHECK(classify_store_kinds(db, &cause) == 0);
	sqlite3_close(db);
	free(cause);
}

int
main(void)
{
	load_rows();
	TEST(test_fixed);
	TEST(test_catalogue);
	TEST(test_kinds);
	return check_total_failed != 0;
}
