/* SPDX-License-Identifier: MIT */
/*
 * The catalogue: the relay's own log messages (../shared/relay/MESSAGES.md),
 * each mapped to a kind, and what each kind means (KIND_LIST in
 * loganalyze.h).  SQL sees the same table as temp.kinds, so the rules join
 * on a kind's properties rather than list kinds by name.  Matching is on
 * the message text only, so a pasted excerpt without level, time or JSON
 * classifies the same as the full line.
 */
#include "config.h"

#include <string.h>

#include <sqlite3.h>

#include "loganalyze.h"

enum match {
	M_PREFIX,
	M_SUFFIX,
	M_CONTAINS
};

/* A row, with its text's length known at compile time. */
#define ROW(text, how, kind)	{ text, sizeof text - 1, how, kind }

/*
 * In order of precedence: the first row that matches gives the kind, so a
 * row for a message comes before a shorter row that it also matches, and
 * the M_CONTAINS rows, which scan the whole message, come last but where
 * precedence needs them.  Each row is a message of MESSAGES.md (the relay
 * at 3e738b9) or of an older relay (its last section); the comment names
 * the old ones.
 */
static const struct {
	const char	*text;
	size_t		 len;
	enum match	 how;
	enum event_kind	 kind;
} classify_table[] = {
	/* the per-frame lines first: they are most of every log */
	ROW("Handling REALTIME_INPUT message", M_PREFIX, K_FRAME),
	ROW("Handling USER_AUDIO message", M_PREFIX, K_FRAME),
	ROW("REALTIME_INPUT (Audio) sent to Live API", M_PREFIX, K_AUDIO_SENT),
	/* relay before 62ede8c */
	ROW("REALTIME_INPUT sent to Live API", M_PREFIX, K_AUDIO_SENT),
	ROW("REALTIME_INPUT (Image) sent to Live API", M_PREFIX, K_IMAGE_SENT),
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
	ROW("REALTIME_INPUT: Rejecting text chunk", M_PREFIX,
	    K_INPUT_REJECTED),
	/* relay 30bbc96 */
	ROW("REALTIME_INPUT: Rejecting unsupported mimeType", M_PREFIX,
	    K_INPUT_REJECTED),
	ROW("REALTIME_INPUT chunk missing mimeType", M_PREFIX,
	    K_INPUT_REJECTED),
	ROW("REALTIME_INPUT chunk is empty", M_PREFIX, K_CLIENT_MESSAGE_ERROR),
	ROW("REALTIME_INPUT received but no chunks", M_PREFIX,
	    K_CLIENT_MESSAGE_ERROR),
	ROW("Audio payload appears empty", M_PREFIX, K_CLIENT_MESSAGE_ERROR),
	ROW("Failed to send audio to Live API", M_PREFIX, K_SEND_FAILED),
	ROW("Failed to send realtime input", M_PREFIX, K_SEND_FAILED),
	ROW("sendRealtimeInput method not available", M_PREFIX, K_SEND_FAILED),
	ROW("sendRealtimeInput not available", M_PREFIX, K_SEND_FAILED),
	ROW("safeSend: Buffer full", M_PREFIX, K_SEND_DROPPED),
	ROW("safeSend:", M_PREFIX, K_SAFE_SEND),
	ROW("safeSend error", M_PREFIX, K_SEND_DROPPED),
	ROW("safeSendPriority error", M_PREFIX, K_SEND_DROPPED),

	/* a session's life */
	ROW("Client connected", M_PREFIX, K_CLIENT_CONNECTED),
	ROW("Handling start message", M_PREFIX, K_START),
	ROW("handleStart called", M_PREFIX, K_START_PAYLOAD),
	ROW("Connecting to Live API with model", M_PREFIX, K_CONNECT_MODEL),
	ROW("Calling ai.live.connect()", M_PREFIX, K_CONNECT_CALL),
	ROW("Live API session opened", M_PREFIX, K_OPENED),
	ROW("Live API connect() completed", M_PREFIX, K_CONNECT_DONE),
	ROW("Live API session established and ready", M_PREFIX, K_READY),
	/* printed when the Live API's setupComplete arrives */
	ROW("Marked session as ready during setup_complete", M_PREFIX,
	    K_SETUP_COMPLETE),
	ROW("Sending session_ready event after setup completion", M_PREFIX,
	    K_SETUP_COMPLETE),
	ROW("SETUP COMPLETE", M_PREFIX, K_SETUP_COMPLETE),
	ROW("Marked session as ready", M_PREFIX, K_READY),
	ROW("Live API session closed", M_PREFIX, K_CLOSED),
	ROW("Live API connection timeout", M_PREFIX, K_TIMEOUT),
	ROW("Live API connection failed", M_PREFIX, K_CONNECT_FAILED),
	ROW("Failed to start Live API session", M_PREFIX, K_CONNECT_FAILED),
	ROW("Live API error", M_PREFIX, K_API_ERROR),
	ROW("Live message handler error", M_PREFIX, K_HANDLER_ERROR),
	ROW("FATAL: Gemini API key not configured", M_PREFIX,
	    K_API_KEY_MISSING),
	ROW("Failed to resolve Gemini API key", M_PREFIX, K_API_KEY_MISSING),
	ROW("Client socket closed before session ready", M_PREFIX,
	    K_CLIENT_LEFT),
	ROW("Client socket not open when handleStart", M_PREFIX,
	    K_CLIENT_LEFT),
	ROW("Cannot send error to client", M_PREFIX, K_ERROR_UNDELIVERED),
	ROW("Failed to send error to client", M_PREFIX, K_ERROR_UNDELIVERED),
	ROW("Handling stop message", M_PREFIX, K_STOP),
	ROW("No heartbeat for ", M_PREFIX, K_HEARTBEAT_LOST),
	ROW("WebSocket closed", M_PREFIX, K_WS_CLOSED),
	ROW("CLOSED early", M_PREFIX, K_WS_CLOSED),
	ROW("WebSocket error", M_PREFIX, K_WS_ERROR),
	ROW("Session removed", M_PREFIX, K_SESSION_REMOVED),

	/* what the browser sent that the relay could not take */
	ROW("Failed to parse websocket message payload", M_PREFIX,
	    K_CLIENT_MESSAGE_ERROR),
	ROW("Unknown message type", M_PREFIX, K_CLIENT_MESSAGE_ERROR),
	ROW("Error processing message", M_PREFIX, K_CLIENT_MESSAGE_ERROR),
	ROW("CONTEXT_UPDATE ignored due to invalid modality", M_PREFIX,
	    K_CLIENT_MESSAGE_ERROR),
	ROW("CONTEXT_UPDATE missing analysis text", M_PREFIX,
	    K_CLIENT_MESSAGE_ERROR),
	ROW("TOOL_RESULT missing responses", M_PREFIX, K_CLIENT_MESSAGE_ERROR),

	/* tools */
	ROW("Processing tool call", M_PREFIX, K_TOOL_CALL),
	ROW("Tool execution failed: ", M_PREFIX, K_TOOL_FAILED),
	ROW("Tool validation failed: ", M_PREFIX, K_TOOL_FAILED),
	ROW("Failed to send tool results", M_PREFIX, K_TOOL_FAILED),
	ROW("Failed to forward tool responses", M_PREFIX, K_TOOL_FAILED),
	ROW("Client or session is undefined", M_PREFIX, K_TOOL_FAILED),
	/* relay before d58db7e */
	ROW("Unknown tool: ", M_PREFIX, K_TOOL_FAILED),

	/* the config built at connect: the lines name no connection */
	ROW("[config-builder] Invalid function name format", M_PREFIX,
	    K_CONFIG_WARNING),
	ROW("[config-builder] Function name too long", M_PREFIX,
	    K_CONFIG_WARNING),
	/* both wordings, before and after 62ede8c */
	ROW("[config-builder] No valid function declarations", M_PREFIX,
	    K_CONFIG_WARNING),
	ROW("[config-builder] Error building tools config", M_PREFIX,
	    K_CONFIG_WARNING),
	ROW("System instruction truncated", M_PREFIX, K_CONFIG_WARNING),

	/* the relay itself */
	ROW("CRITICAL: ConnectionState missing", M_PREFIX, K_STATE_MISSING),
	/* relay ff01a37 to a172b1a */
	ROW("ConnectionState missing", M_PREFIX, K_STATE_MISSING),
	ROW("ConnectionState was missing", M_PREFIX, K_STATE_MISSING),
	ROW("[Rate Limiter] ConnectionState missing", M_PREFIX,
	    K_STATE_MISSING),
	ROW("UNCAUGHT_EXCEPTION", M_PREFIX, K_UNCAUGHT),
	ROW("UNHANDLED_REJECTION", M_PREFIX, K_UNCAUGHT),
	ROW("Server error", M_PREFIX, K_SERVER_ERROR),
	ROW("Failed to start server", M_PREFIX, K_SERVER_ERROR),
	ROW(" is already in use", M_SUFFIX, K_SERVER_ERROR),
	/* the advice printed after "Port N is already in use" */
	ROW("Please kill the existing process", M_PREFIX, K_RELAY_NOTE),
	ROW("WebSocket server listening", M_PREFIX, K_SERVER_START),
	ROW("WebSocket server is ready and listening", M_PREFIX,
	    K_SERVER_START),
	/* both wordings, before and after ff01a37 */
	ROW("Server setup complete", M_PREFIX, K_SERVER_START),
	ROW("Rejected connection from unauthorized origin", M_PREFIX,
	    K_ORIGIN_REJECTED),
	ROW("SSL certificates not found", M_PREFIX, K_STARTUP_WARNING),
	ROW("GEMINI_LIVE_MODEL is not an audio-capable model", M_PREFIX,
	    K_STARTUP_WARNING),
	ROW("Failed to initialize service account", M_PREFIX,
	    K_STARTUP_WARNING),
	ROW("Service account file not found", M_PREFIX, K_STARTUP_WARNING),

	/*
	 * The non-fatal failures of context, orchestrator and persistence:
	 * every other "Failed to ..." (a new one of a later relay too) and
	 * the few worded otherwise.
	 */
	ROW("Voice orchestrator sync failed", M_PREFIX, K_SIDE_FAILURE),
	/* relay before 615a52f */
	ROW("Voice orchestrator API call failed", M_PREFIX, K_SIDE_FAILURE),
	ROW("Orchestrator sync failed", M_PREFIX, K_SIDE_FAILURE),
	ROW("Final orchestrator sync failed", M_PREFIX, K_SIDE_FAILURE),
	ROW("Visual trigger injection failed", M_PREFIX, K_SIDE_FAILURE),
	ROW("Unable to disable socket delay", M_PREFIX, K_SIDE_FAILURE),
	ROW("Failed ", M_PREFIX, K_SIDE_FAILURE),
};

#undef ROW

#define KIND_ROW(k, name, role, fact, live, flags, label, fields) \
	[k] = { name, role, fact, live, flags, label, fields },
const struct kind_info classify_kinds[K__COUNT] = {
	KIND_LIST(KIND_ROW)
};
#undef KIND_ROW

/* The words for each enum in temp.kinds (docs/schema.md). */
static const char *classify_role_names[] = {
	[ROLE_NOISE] = "noise",
	[ROLE_MILESTONE] = "milestone",
	[ROLE_FAILURE] = "failure",
	[ROLE_CONSEQUENCE] = "consequence",
};
static const char *classify_fact_names[] = {
	[FACT_NONE] = NULL,
	[FACT_CONNECTED] = "connected",
	[FACT_START] = "start",
	[FACT_CONNECTING] = "connecting",
	[FACT_CONNECT_CALL] = "connect_call",
	[FACT_OPENED] = "opened",
	[FACT_READY] = "ready",
	[FACT_CLOSED] = "closed",
	[FACT_TIMEOUT] = "timeout",
	[FACT_CONNECT_FAILED] = "connect_failed",
	[FACT_DISCONNECT] = "disconnect",
	[FACT_REJECTED] = "rejected",
	[FACT_FRAME] = "frame",
};
static const char *classify_live_names[] = {
	[LIVE_NO] = "no",
	[LIVE_YES] = "yes",
	[LIVE_IF_READY] = "if_ready",
	[LIVE_SENDING] = "sending",
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

/*
 * The catalogue's row i, for tests: its text, how it matches (0 prefix, 1
 * suffix, 2 contains) and its kind.  0 past the last row.
 */
int
classify_row(size_t i, const char **text, int *how, int *kind)
{
	if (i >= sizeof classify_table / sizeof classify_table[0])
		return 0;
	*text = classify_table[i].text;
	*how = (int)classify_table[i].how;
	*kind = (int)classify_table[i].kind;
	return 1;
}

const char *
classify_kind_name(int kind)
{
	return classify_kind(kind)->name;
}

/*
 * Whether a line of this kind without a connection id belongs to the
 * connection open at that point (connections.sql attributes it): not an
 * unknown message, and not one of the relay's own.
 */
int
classify_kind_attributable(int kind)
{
	return kind != K_OTHER && (classify_kind(kind)->flags & KF_RELAY) == 0;
}

/*
 * Create and fill temp.kinds, the catalogue's kinds as SQL sees them.
 * Returns -1 with *cause set on a database error.
 */
int
classify_store_kinds(sqlite3 *db, char **cause)
{
	const struct kind_info	*k;
	sqlite3_stmt		*st = NULL;
	char			*err = NULL;
	int			 i, rc = -1;

	if (sqlite3_exec(db, "CREATE TEMP TABLE IF NOT EXISTS kinds ("
	    " kind TEXT PRIMARY KEY, role TEXT NOT NULL, fact TEXT,"
	    " live TEXT NOT NULL, relay INTEGER NOT NULL,"
	    " attributable INTEGER NOT NULL,"
	    " label TEXT, fields TEXT, strong INTEGER NOT NULL,"
	    " show_code INTEGER NOT NULL, paired INTEGER NOT NULL,"
	    " diag INTEGER NOT NULL);"
	    /* or SQLite builds an automatic index per look-up by fact */
	    "CREATE INDEX IF NOT EXISTS temp.kinds_fact ON kinds (fact);"
	    "CREATE INDEX IF NOT EXISTS temp.kinds_live ON kinds (live);"
	    "DELETE FROM temp.kinds", NULL, NULL, &err) != SQLITE_OK)
		goto out;
	if (sqlite3_prepare_v2(db, "INSERT INTO temp.kinds VALUES (?1, ?2,"
	    " ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)", -1, &st, NULL) != SQLITE_OK)
		goto out;
	for (i = 0; i < K__COUNT; i++) {
		k = &classify_kinds[i];
		sqlite3_bind_text(st, 1, k->name, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 2, classify_role_names[k->role], -1,
		    SQLITE_STATIC);
		sqlite3_bind_text(st, 3, classify_fact_names[k->fact], -1,
		    SQLITE_STATIC);
		sqlite3_bind_text(st, 4, classify_live_names[k->live], -1,
		    SQLITE_STATIC);
		sqlite3_bind_int(st, 5, (k->flags & KF_RELAY) != 0);
		sqlite3_bind_int(st, 6, classify_kind_attributable(i));
		sqlite3_bind_text(st, 7, k->label, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 8, k->fields, -1, SQLITE_STATIC);
		sqlite3_bind_int(st, 9, (k->flags & KF_STRONG) != 0);
		sqlite3_bind_int(st, 10, (k->flags & KF_CODE) != 0);
		sqlite3_bind_int(st, 11, (k->flags & KF_PAIRED) != 0);
		sqlite3_bind_int(st, 12, (k->flags & KF_DIAG) != 0);
		if (sqlite3_step(st) != SQLITE_DONE)
			goto out;
		sqlite3_reset(st);
	}
	rc = 0;
out:
	if (rc != 0)
		*cause = xasprintf("kinds: %s", err != NULL ? err :
		    sqlite3_errmsg(db));
	sqlite3_free(err);
	sqlite3_finalize(st);
	return rc;
}
