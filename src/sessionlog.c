/* SPDX-License-Identifier: MIT */
/*
 * The relay's per-connection JSONL session logs (server/session-logger.ts,
 * logs/live/<connectionId>.jsonl): one {"ts", "event", "connectionId",
 * "data"} object a line, whatever the log level.  Each record becomes the
 * terminal line the relay prints for the same moment, "[ts] [LEVEL]
 * message {json}", so the parser and the catalogue read it like any other
 * and the rules see its session's milestones even in a production log.
 * What only the session log knows (the browser's close code, setup
 * completion, the MIME type of every chunk sent) comes along in the JSON.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "loganalyze.h"

/*
 * Each event, by name and, for two, by a data field: the terminal
 * message it stands for and that line's level.  The events of
 * MESSAGES.md's JSONL table; an event not here keeps its name.
 */
static const struct {
	const char	*event;
	const char	*field;		/* data field to match, or NULL */
	const char	*value;
	const char	*message;
	const char	*level;
} sessionlog_events[] = {
	{ "connected", NULL, NULL, "Client connected", "INFO" },
	{ "client_start", NULL, NULL, "handleStart called", "INFO" },
	{ "live_open", NULL, NULL, "Live API session opened", "INFO" },
	{ "setup_complete", NULL, NULL, "SETUP COMPLETE", "DEBUG" },
	{ "session_ready", NULL, NULL,
	    "Sending session_ready event after setup completion", "INFO" },
	{ "session_started", NULL, NULL,
	    "Live API session established and ready", "INFO" },
	{ "session_closed", "source", "websocket", "WebSocket closed",
	    "INFO" },
	{ "session_closed", NULL, NULL, "Live API session closed", "ERROR" },
	{ "error", "where", "live_api", "Live API error", "ERROR" },
	{ "error", "where", "handleStart", "Failed to start Live API session",
	    "ERROR" },
	{ "error", "where", "live_onmessage", "Live message handler error",
	    "ERROR" },
	{ "error", "where", "realtime_input", "Failed to send realtime input",
	    "ERROR" },
	{ "error", "where", "tool_result_forward",
	    "Failed to forward tool responses to Live API", "ERROR" },
	{ "error", "where", "websocket", "WebSocket error", "ERROR" },
	{ "error", NULL, NULL, "Failed in the session", "ERROR" },
	{ "realtime_input_sent", "type", "image",
	    "REALTIME_INPUT (Image) sent to Live API", "INFO" },
	{ "realtime_input_sent", NULL, NULL,
	    "REALTIME_INPUT (Audio) sent to Live API", "INFO" },
	{ "tool_results_sent", NULL, NULL, "Tool results sent to Gemini",
	    "INFO" },
};

/*
 * Whether the line is a session-log record, and if so its terminal line
 * in *text (reset first).  The record's own fields are checked, not
 * guessed: "ts", "event" and "connectionId" strings, "data" an object or
 * absent.
 */
int
sessionlog_unwrap(const char *line, size_t len, struct buf *text)
{
	json_t		*o, *data, *out, *v;
	const char	*ts, *event, *id, *key, *message, *level, *f;
	char		*json;
	size_t		 i;
	int		 rc = 0;

	/* session-logger.ts writes ts first: one look rejects other JSON */
	if (len < 8 || memcmp(line, "{\"ts\":\"", 7) != 0)
		return 0;
	if ((o = json_loadb(line, len, 0, NULL)) == NULL)
		return 0;
	ts = json_string_value(json_object_get(o, "ts"));
	event = json_string_value(json_object_get(o, "event"));
	id = json_string_value(json_object_get(o, "connectionId"));
	data = json_object_get(o, "data");
	if (ts == NULL || event == NULL || id == NULL ||
	    (data != NULL && !json_is_object(data)))
		goto out;
	message = event;
	level = "INFO";
	for (i = 0; i < sizeof sessionlog_events / sizeof sessionlog_events[0];
	    i++) {
		if (strcmp(event, sessionlog_events[i].event) != 0)
			continue;
		f = sessionlog_events[i].field;
		if (f != NULL && (data == NULL ||
		    (v = json_object_get(data, f)) == NULL ||
		    !json_is_string(v) ||
		    strcmp(json_string_value(v), sessionlog_events[i].value) !=
		    0))
			continue;
		message = sessionlog_events[i].message;
		level = sessionlog_events[i].level;
		break;
	}
	out = json_object();
	json_object_set_new(out, "connectionId", json_string(id));
	if (data != NULL) {
		json_object_foreach(data, key, v) {
			/* the terminal line carries the payload as JSON text */
			if (strcmp(key, "payload") == 0 && !json_is_string(v)) {
				json = json_dumps(v, JSON_COMPACT);
				if (json != NULL)
					json_object_set_new(out, key,
					    json_string(json));
				free(json);
			} else
				json_object_set(out, key, v);
		}
	}
	json = json_dumps(out, JSON_COMPACT);
	json_decref(out);
	if (json == NULL)
		goto out;
	buf_reset(text);
	buf_printf(text, "[%s] [%s] %s %s", ts, level, message, json);
	free(json);
	rc = 1;
out:
	json_decref(o);
	return rc;
}
