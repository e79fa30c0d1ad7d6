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
 * The relay's logs:watch script prints the same records, their data cut
 * short: formats.c reads its entries, and they are rendered here too.
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
 * Whether a record's data has field = value, value a string: the data as
 * a json_t (jansson), or as the members of its text (jsonlog_members).
 */
typedef int sessionlog_has(const void *, const char *, const char *);

static int
sessionlog_json_has(const void *data, const char *field, const char *value)
{
	json_t	*v;

	v = data != NULL ? json_object_get(data, field) : NULL;
	return v != NULL && json_is_string(v) &&
	    strcmp(json_string_value(v), value) == 0;
}

/* A member whose key is name, plain; NULL for none. */
static const struct json_member *
sessionlog_member(const struct json_member *m, size_t n, const char *name)
{
	size_t	i, len = strlen(name);

	for (i = 0; i < n; i++)
		if (m[i].key_plain && m[i].key_len == len &&
		    memcmp(m[i].key, name, len) == 0)
			return &m[i];
	return NULL;
}

struct sessionlog_members {
	const struct json_member	*m;
	size_t				 n;
};

static int
sessionlog_members_has(const void *data, const char *field,
    const char *value)
{
	const struct sessionlog_members	*d = data;
	const struct json_member	*m;

	m = sessionlog_member(d->m, d->n, field);
	return m != NULL && m->is_string && m->str_plain &&
	    m->str_len == strlen(value) &&
	    memcmp(m->str, value, m->str_len) == 0;
}

/*
 * The terminal message and level of an event (event[0..len)) with its
 * data: a row of sessionlog_events, else the event's name at INFO (*message
 * NULL: the caller writes the name).
 */
static void
sessionlog_message(const char *event, size_t len, sessionlog_has *has,
    const void *data, const char **message, const char **level)
{
	size_t	i;

	*message = NULL;
	*level = "INFO";
	for (i = 0; i < sizeof sessionlog_events / sizeof sessionlog_events[0];
	    i++) {
		if (strlen(sessionlog_events[i].event) != len ||
		    memcmp(event, sessionlog_events[i].event, len) != 0)
			continue;
		if (sessionlog_events[i].field != NULL &&
		    !has(data, sessionlog_events[i].field,
		    sessionlog_events[i].value))
			continue;
		*message = sessionlog_events[i].message;
		*level = sessionlog_events[i].level;
		return;
	}
}

/*
 * The terminal line the relay prints for a record: "[ts] [LEVEL] message
 * {json}" into *text (reset first), or without "[ts] " when ts is NULL.
 * The JSON holds the connection id (none when id is NULL) and the
 * record's data fields.  Returns 0, or -1 when the JSON cannot be made.
 */
static int
sessionlog_render(struct buf *text, const char *ts, const char *event,
    const char *id, json_t *data)
{
	json_t		*out, *v;
	const char	*key, *message, *level;
	char		*json;

	sessionlog_message(event, strlen(event), sessionlog_json_has, data,
	    &message, &level);
	out = json_object();
	if (id != NULL)
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
		return -1;
	buf_reset(text);
	if (ts != NULL)
		buf_printf(text, "[%s] ", ts);
	buf_printf(text, "[%s] %s %s", level, message != NULL ? message : event,
	    json);
	free(json);
	return 0;
}

/* Whether two of the members have the same key, as written. */
static int
sessionlog_key_twice(const struct json_member *m, size_t n)
{
	size_t	i, j;

	for (i = 0; i < n; i++)
		for (j = i + 1; j < n; j++)
			if (m[i].key_len == m[j].key_len &&
			    memcmp(m[i].key, m[j].key, m[i].key_len) == 0)
				return 1;
	return 0;
}

/*
 * The common record, rendered from its text without building it: the
 * data's members are copied as written after the connection id.  Returns
 * 1 when done, 0 for a record it leaves to jansson (escapes in ts, event
 * or id; a key twice; a data member named connectionId, or a payload that
 * is not a string, which the terminal line carries as JSON text; too many
 * members), -1 for a line that is not a record.
 */
static int
sessionlog_fast(const char *line, size_t len, struct buf *text)
{
	struct json_member		 rec[16], data[64];
	const struct json_member	*ts, *event, *id, *d, *p;
	struct sessionlog_members	 dm;
	const char			*message, *level;
	size_t				 nrec, nd = 0, i;

	if (jsonlog_members(line, len, rec, sizeof rec / sizeof rec[0],
	    &nrec) != 0)
		return 0;
	ts = sessionlog_member(rec, nrec, "ts");
	event = sessionlog_member(rec, nrec, "event");
	id = sessionlog_member(rec, nrec, "connectionId");
	d = sessionlog_member(rec, nrec, "data");
	if (ts == NULL || event == NULL || id == NULL || !ts->is_string ||
	    !event->is_string || !id->is_string ||
	    (d != NULL && d->value[0] != '{'))
		return -1;
	if (!ts->str_plain || !event->str_plain || !id->str_plain)
		return 0;
	if (d != NULL && jsonlog_members(d->value, d->value_len, data,
	    sizeof data / sizeof data[0], &nd) != 0)
		return 0;
	if (sessionlog_key_twice(rec, nrec) || sessionlog_key_twice(data, nd))
		return 0;
	if (sessionlog_member(data, nd, "connectionId") != NULL ||
	    ((p = sessionlog_member(data, nd, "payload")) != NULL &&
	    !p->is_string))
		return 0;

	dm.m = data;
	dm.n = nd;
	sessionlog_message(event->str, event->str_len, sessionlog_members_has,
	    &dm, &message, &level);
	buf_reset(text);
	buf_addc(text, '[');
	buf_add(text, ts->str, ts->str_len);
	buf_adds(text, "] [");
	buf_adds(text, level);
	buf_adds(text, "] ");
	if (message != NULL)
		buf_adds(text, message);
	else
		buf_add(text, event->str, event->str_len);
	buf_adds(text, " {\"connectionId\":");
	buf_add(text, id->value, id->value_len);
	for (i = 0; i < nd; i++) {
		buf_addc(text, ',');
		buf_add(text, data[i].raw, data[i].raw_len);
	}
	buf_addc(text, '}');
	return 1;
}

/*
 * Whether the line is a session-log record, and if so its terminal line
 * in *text (reset first).  The record's own fields are checked, not
 * guessed: "ts", "event" and "connectionId" strings, "data" an object or
 * absent.
 */
int
sessionlog_unwrap(const char *line, size_t len, struct buf *text)
{
	json_t		*o, *data;
	const char	*ts, *event, *id;
	int		 rc = 0;

	/* session-logger.ts writes ts first: one look rejects other JSON */
	if (len < 8 || memcmp(line, "{\"ts\":\"", 7) != 0)
		return 0;
	if ((rc = sessionlog_fast(line, len, text)) != 0)
		return rc == 1;
	if ((o = json_loadb(line, len, 0, NULL)) == NULL)
		return 0;
	ts = json_string_value(json_object_get(o, "ts"));
	event = json_string_value(json_object_get(o, "event"));
	id = json_string_value(json_object_get(o, "connectionId"));
	data = json_object_get(o, "data");
	if (ts == NULL || event == NULL || id == NULL ||
	    (data != NULL && !json_is_object(data)))
		goto out;
	rc = sessionlog_render(text, ts, event, id, data) == 0;
out:
	json_decref(o);
	return rc;
}

/*
 * The data of a logs:watch entry (scripts/watch-logs.js prints a record's
 * data as JSON.stringify(data, null, 2), cut at 200 characters with "..."
 * after the cut): the object, or, when it was cut, an object of the
 * members before the cut, and *cut set.  NULL when not even that reads.
 * The caller owns the result.
 */
static json_t *
sessionlog_watch_data(const char *s, size_t len, int *cut)
{
	const char	*end = s + len, *last = NULL;
	json_t		*o;
	char		*part;
	int		 depth = 0, in_str;

	*cut = 0;
	o = json_loadb(s, len, 0, NULL);
	if (o != NULL) {
		if (json_is_object(o))
			return o;
		json_decref(o);
		return NULL;
	}
	*cut = 1;
	if (len >= 3 && memcmp(end - 3, "...", 3) == 0)
		end -= 3;
	/* the members up to the last comma between two of them */
	(void)jsonlog_walk(s, end, &depth, &last, &in_str);
	if (len == 0 || s[0] != '{')
		return NULL;
	if (last == NULL)
		return json_object();
	part = xasprintf("%.*s}", (int)(last - s), s);
	o = json_loads(part, 0, NULL);
	free(part);
	if (o != NULL && !json_is_object(o)) {
		json_decref(o);
		o = NULL;
	}
	return o;
}

/*
 * The terminal line of a logs:watch entry (formats.c reads its lines):
 * the event, the short connection id or NULL, the data's text or NULL.
 * *cut says that the data was cut short (or did not read at all) and only
 * the members before the cut were kept.  Returns 0, or -1.
 */
int
sessionlog_watch_entry(struct buf *text, const char *event, const char *id,
    const char *data, size_t len, int *cut)
{
	json_t	*o = NULL;
	int	 rc;

	*cut = 0;
	if (data != NULL) {
		o = sessionlog_watch_data(data, len, cut);
		if (o == NULL)
			*cut = 1;
	}
	rc = sessionlog_render(text, NULL, event, id, o);
	json_decref(o);
	return rc;
}
