/* SPDX-License-Identifier: MIT */
/*
 * Copies of parsed records that outlive the line they were parsed from:
 * the handoff's batches (handoff.c) and the runs waiting to be stored
 * (runs.c).  The line's text is copied once and the strings that lie in it
 * point into the copy; the others (a JSON error message, the envelope's
 * host and unit) are copied after it.
 */
#include "config.h"

#include <string.h>

#include "loganalyze.h"

static int
record_inside(const char *s, size_t len, const struct log_record *r)
{
	return s >= r->text && s + len <= r->text + r->text_len;
}

/* Bytes a string takes after the text, unless it lies inside it. */
static size_t
record_extra(const char *s, size_t len, const struct log_record *r)
{
	if (s == NULL || record_inside(s, len, r))
		return 0;
	return len + 1;
}

static size_t
record_error_len(const struct log_record *r)
{
	return r->json_error != NULL ? strlen(r->json_error) : 0;
}

/* Bytes record_copy writes for r and env. */
size_t
record_size(const struct log_record *r, const struct envelope *env)
{
	return r->text_len + 1 +
	    record_extra(r->proc, r->proc_len, r) +
	    record_extra(r->msg, r->msg_len, r) +
	    record_extra(r->json, r->json_len, r) +
	    record_extra(r->json_error, record_error_len(r), r) +
	    record_extra(r->conn, r->conn_len, r) +
	    (env->host != NULL ? strlen(env->host) + 1 : 0) +
	    (env->unit != NULL ? strlen(env->unit) + 1 : 0);
}

/* Copy len bytes and a NUL to *at, moving it on. */
static const char *
record_put(char **at, const char *s, size_t len)
{
	char	*d = *at;

	if (len > 0)
		memcpy(d, s, len);
	d[len] = '\0';
	*at += len + 1;
	return d;
}

static const char *
record_rebase(char **at, const char *s, size_t len,
    const struct log_record *r, const char *text)
{
	if (s == NULL)
		return NULL;
	if (record_inside(s, len, r))
		return text + (s - r->text);
	return record_put(at, s, len);
}

/*
 * Copy r and env into *cr and *cenv, their strings into mem (record_size
 * bytes).  The copied envelope keeps no line text: the record has it.
 */
void
record_copy(char *mem, const struct log_record *r, const struct envelope *env,
    struct log_record *cr, struct envelope *cenv)
{
	const char	*text;

	*cr = *r;
	text = record_put(&mem, r->text, r->text_len);
	cr->text = text;
	cr->proc = record_rebase(&mem, r->proc, r->proc_len, r, text);
	cr->msg = record_rebase(&mem, r->msg, r->msg_len, r, text);
	cr->json = record_rebase(&mem, r->json, r->json_len, r, text);
	cr->json_error = record_rebase(&mem, r->json_error,
	    record_error_len(r), r, text);
	cr->conn = record_rebase(&mem, r->conn, r->conn_len, r, text);
	*cenv = *env;
	cenv->text = NULL;
	cenv->len = 0;
	if (env->host != NULL)
		cenv->host = record_put(&mem, env->host, strlen(env->host));
	if (env->unit != NULL)
		cenv->unit = record_put(&mem, env->unit, strlen(env->unit));
}
