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

static const struct {
	const char	*text;
	enum match	 how;
	int		 kind;
} classify_table[] = {
	{ "Handling REALTIME_INPUT message", M_PREFIX, K_FRAME },
	{ "Handling USER_AUDIO message", M_PREFIX, K_FRAME },
	{ "Rate limit exceeded for ", M_PREFIX, K_RATE_LIMIT },
	{ "Audio chunks processed", M_PREFIX, K_AUDIO_CHUNKS },
	{ "REALTIME_INPUT: Session ready but still not in activeSessions "
	    "after retries", M_PREFIX, K_RETRIES },
	{ "not in activeSessions yet", M_CONTAINS, K_WAITING },
	{ " received but no active session", M_SUFFIX, K_NO_SESSION },
	{ " received but session no longer exists", M_SUFFIX, K_NO_SESSION },
	{ " but Live API session is closed", M_SUFFIX, K_NO_SESSION },
	{ "No active session to send audio to", M_PREFIX, K_NO_SESSION },
	{ " received before session ready", M_SUFFIX, K_TOO_EARLY },
	{ "Client connected", M_PREFIX, K_CLIENT_CONNECTED },
	{ "Handling start message", M_PREFIX, K_START },
	{ "handleStart called", M_PREFIX, K_START },
	{ "Connecting to Live API with model", M_PREFIX, K_CONNECT_MODEL },
	{ "Calling ai.live.connect()", M_PREFIX, K_CONNECT_CALL },
	{ "Live API session opened", M_PREFIX, K_OPENED },
	{ "Live API connect() completed", M_PREFIX, K_CONNECT_DONE },
	{ "Live API session established and ready", M_PREFIX, K_READY },
	{ "Marked session as ready", M_PREFIX, K_READY },
	{ "Live API session closed", M_PREFIX, K_CLOSED },
	{ "Live API connection timeout", M_PREFIX, K_TIMEOUT },
	{ "Live API connection failed", M_PREFIX, K_CONNECT_FAILED },
	{ "Failed to start Live API session", M_PREFIX, K_CONNECT_FAILED },
	{ "Live API error", M_PREFIX, K_API_ERROR },
	{ "No heartbeat for ", M_PREFIX, K_HEARTBEAT_LOST },
	{ "WebSocket closed", M_PREFIX, K_WS_CLOSED },
	{ "CLOSED early", M_PREFIX, K_WS_CLOSED },
	{ "Session removed", M_PREFIX, K_SESSION_REMOVED },
	{ "safeSend:", M_PREFIX, K_SAFE_SEND },
	{ "UNCAUGHT_EXCEPTION", M_PREFIX, K_UNCAUGHT },
};

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

static int
classify_matches(const char *msg, size_t len, const char *text,
    enum match how)
{
	size_t	tlen = strlen(text);

	if (tlen > len)
		return 0;
	switch (how) {
	case M_PREFIX:
		return memcmp(msg, text, tlen) == 0;
	case M_SUFFIX:
		return memcmp(msg + len - tlen, text, tlen) == 0;
	case M_CONTAINS:
		return memmem(msg, len, text, tlen) != NULL;
	}
	return 0;
}

/* The event kind of a relay message, K_OTHER when it is not one we know. */
int
classify_message(const char *msg, size_t len)
{
	size_t	i;

	for (i = 0; i < sizeof classify_table / sizeof classify_table[0]; i++) {
		if (classify_matches(msg, len, classify_table[i].text,
		    classify_table[i].how))
			return classify_table[i].kind;
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
