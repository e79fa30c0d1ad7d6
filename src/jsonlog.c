/* SPDX-License-Identifier: MIT */
/*
 * The JSON tail of a relay line, read with jansson.  Values loaded here are
 * owned and released exactly once; json_object_get borrows.  Only the
 * fields the store keeps in columns are taken out: connectionId, timestamp
 * and code.  The rest stays as text for SQLite's json_extract.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "loganalyze.h"

/* Longer ids are not the relay's (it uses UUIDs) and are not kept. */
#define JSONLOG_MAX_ID	128

struct jsonlog {
	char	conn[JSONLOG_MAX_ID + 1];
};

struct jsonlog *
jsonlog_create(void)
{
	return xcalloc(1, sizeof(struct jsonlog));
}

void
jsonlog_free(struct jsonlog *j)
{
	free(j);
}

/*
 * Validate a JSON object and take out the fields.  Returns 0, or -1 with a
 * message (and the column) in f->error.  f->conn stays valid until the
 * next call.
 */
int
jsonlog_scan(struct jsonlog *j, const char *text, size_t len,
    struct json_fields *f)
{
	json_t		*root, *v;
	json_error_t	 err;
	const char	*s;
	size_t		 slen;
	int		 rc = 0;

	f->conn = NULL;
	f->conn_len = 0;
	f->ts = TS_NONE;
	f->code = -1;
	f->error[0] = '\0';

	root = json_loadb(text, len, JSON_REJECT_DUPLICATES, &err);
	if (root == NULL) {
		snprintf(f->error, sizeof f->error, "column %d: %s",
		    err.column, err.text);
		return -1;
	}
	if (!json_is_object(root)) {
		snprintf(f->error, sizeof f->error, "not a JSON object");
		rc = -1;
		goto out;
	}

	v = json_object_get(root, "connectionId");
	if (v != NULL) {
		if (!json_is_string(v)) {
			snprintf(f->error, sizeof f->error,
			    "connectionId is not a string");
			rc = -1;
			goto out;
		}
		s = json_string_value(v);
		slen = json_string_length(v);
		if (slen > JSONLOG_MAX_ID || memchr(s, '\0', slen) != NULL) {
			snprintf(f->error, sizeof f->error,
			    "connectionId is not an id (%zu bytes)", slen);
			rc = -1;
			goto out;
		}
		if (slen > 0) {
			memcpy(j->conn, s, slen);
			j->conn[slen] = '\0';
			f->conn = j->conn;
			f->conn_len = slen;
		}
	}
	v = json_object_get(root, "timestamp");
	if (json_is_string(v)) {
		s = json_string_value(v);
		if (time_parse_iso(s, json_string_length(v), &f->ts) != 0)
			f->ts = TS_NONE;
	}
	v = json_object_get(root, "code");
	if (json_is_integer(v))
		f->code = json_integer_value(v);
out:
	json_decref(root);
	return rc;
}
