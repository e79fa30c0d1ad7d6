/* SPDX-License-Identifier: MIT */
/*
 * Message catalogue: the relay's own log messages (RELAY-LOG-FORMAT.md),
 * mapped to the event kinds that the rules and the timeline work with.
 * Matching is on the message text only, so a pasted excerpt without level,
 * time or JSON classifies the same as the full line.
 */
#include "config.h"

#include <string.h>

#include "loganalyze.h"

enum match {
	M_PREFIX,
	M_SUFFIX,
	M_CONTAINS
};

/* A row, with its text's length known at compile time. */
#define ROW(text, how, kind)	{ text, sizeof text - 1, how, kind }

/*
 * In order of precedence: the first row that matches gives the kind, so
 * the M_CONTAINS row wins over every row below it.
 */
static const struct {
	const char	*text;
	size_t		 len;
	enum match	 how;
	int		 kind;
} classify_table[] = {
	ROW("Handling REALTIME_INPUT message", M_PREFIX, K_FRAME),
	ROW("Handling USER_AUDIO message", M_PREFIX, K_FRAME),
	ROW("Rate limit exceeded for ", M_PREFIX, K_RATE_LIMIT),
	ROW("Audio chunks processed", M_PREFIX, K_AUDIO_CHUNKS),
	ROW("REALTIME_INPUT: Session ready but still not in activeSessions "
	    "after retries", M_PREFIX, K_RETRIES),
	ROW("not in activeSessions yet", M_CONTAINS, K_WAITING),
	ROW(" received but no active session", M_SUFFIX, K_NO_SESSION),
	ROW(" received but session no longer exists", M_SUFFIX, K_NO_SESSION),
	ROW(" but Live API session is closed", M_SUFFIX, K_NO_SESSION),
	ROW("No active session to send audio to", M_PREFIX, K_NO_SESSION),
	ROW(" received before session ready", M_SUFFIX, K_TOO_EARLY),
	ROW("Client connected", M_PREFIX, K_CLIENT_CONNECTED),
	ROW("Handling start message", M_PREFIX, K_START),
	ROW("handleStart called", M_PREFIX, K_START),
	ROW("Connecting to Live API with model", M_PREFIX, K_CONNECT_MODEL),
	ROW("Calling ai.live.connect()", M_PREFIX, K_CONNECT_CALL),
	ROW("Live API session opened", M_PREFIX, K_OPENED),
	ROW("Live API connect() completed", M_PREFIX, K_CONNECT_DONE),
	ROW("Live API session established and ready", M_PREFIX, K_READY),
	ROW("Marked session as ready", M_PREFIX, K_READY),
	ROW("Live API session closed", M_PREFIX, K_CLOSED),
	ROW("Live API connection timeout", M_PREFIX, K_TIMEOUT),
	ROW("Live API connection failed", M_PREFIX, K_CONNECT_FAILED),
	ROW("Failed to start Live API session", M_PREFIX, K_CONNECT_FAILED),
	ROW("Live API error", M_PREFIX, K_API_ERROR),
	ROW("No heartbeat for ", M_PREFIX, K_HEARTBEAT_LOST),
	ROW("WebSocket closed", M_PREFIX, K_WS_CLOSED),
	ROW("CLOSED early", M_PREFIX, K_WS_CLOSED),
	ROW("Session removed", M_PREFIX, K_SESSION_REMOVED),
	ROW("safeSend:", M_PREFIX, K_SAFE_SEND),
	ROW("UNCAUGHT_EXCEPTION", M_PREFIX, K_UNCAUGHT),
};

#undef ROW

static const char *classify_names[K__COUNT] = {
	[K_OTHER] = "other",
	[K_CLIENT_CONNECTED] = "client_connected",
	[K_START] = "start",
	[K_CONNECT_MODEL] = "connect_model",
	[K_CONNECT_CALL] = "connect_call",
	[K_OPENED] = "opened",
	[K_CONNECT_DONE] = "connect_done",
	[K_READY] = "ready",
	[K_FRAME] = "frame",
	[K_AUDIO_CHUNKS] = "audio_chunks",
	[K_API_ERROR] = "api_error",
	[K_CLOSED] = "closed",
	[K_TIMEOUT] = "timeout",
	[K_CONNECT_FAILED] = "connect_failed",
	[K_RATE_LIMIT] = "rate_limit",
	[K_RETRIES] = "retries",
	[K_NO_SESSION] = "no_session",
	[K_WAITING] = "waiting",
	[K_TOO_EARLY] = "too_early",
	[K_HEARTBEAT_LOST] = "heartbeat_lost",
	[K_WS_CLOSED] = "ws_closed",
	[K_SESSION_REMOVED] = "session_removed",
	[K_SAFE_SEND] = "safe_send",
	[K_UNCAUGHT] = "uncaught",
};

/*
 * Whether text (tlen bytes, no more than len) occurs in msg.  memchr for
 * its first byte then memcmp, not memmem, whose setup costs more than most
 * messages take to scan.
 */
static int
classify_contains(const char *msg, size_t len, const char *text,
    size_t tlen)
{
	const char	*p = msg, *stop = msg + (len - tlen) + 1;

	while ((p = memchr(p, text[0], (size_t)(stop - p))) != NULL) {
		if (memcmp(p, text, tlen) == 0)
			return 1;
		p++;
	}
	return 0;
}

/*
 * The event kind of a relay message, K_OTHER when it is not one we know.
 * One byte (the first for a prefix, the last for a suffix) turns most rows
 * down before memcmp: a message far down the table, or in none of it, would
 * otherwise pay a call for every row.
 */
int
classify_message(const char *msg, size_t len)
{
	const char	*text;
	size_t		 i, tlen;

	for (i = 0; i < sizeof classify_table / sizeof classify_table[0]; i++) {
		text = classify_table[i].text;
		tlen = classify_table[i].len;
		if (tlen > len)
			continue;
		switch (classify_table[i].how) {
		case M_PREFIX:
			if (msg[0] == text[0] && memcmp(msg, text, tlen) == 0)
				return classify_table[i].kind;
			break;
		case M_SUFFIX:
			if (msg[len - 1] == text[tlen - 1] &&
			    memcmp(msg + len - tlen, text, tlen) == 0)
				return classify_table[i].kind;
			break;
		case M_CONTAINS:
			if (classify_contains(msg, len, text, tlen))
				return classify_table[i].kind;
			break;
		}
	}
	return K_OTHER;
}

const char *
classify_kind_name(int kind)
{
	if (kind < 0 || kind >= K__COUNT)
		return "other";
	return classify_names[kind];
}
