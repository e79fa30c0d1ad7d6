/* SPDX-License-Identifier: MIT */
/*
 * Line envelopes: what wraps the relay's own line in a capture (nothing, a
 * journald prefix, a container runtime's JSON, ...).  Each envelope is one
 * row of formats_table; ENV_AUTO tries them per line, in table order, so a
 * stream that mixes envelopes still reads.  The unwrapped text is borrowed
 * from the line or from the formats scratch buffer until the next call.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "loganalyze.h"

struct formats {
	int		 forced;	/* enum envelope_kind, ENV_AUTO to detect */
	struct buf	 scratch;
};

typedef int (*unwrap_fn)(struct formats *, const char *, size_t,
    struct envelope *);

static int
unwrap_plain(struct formats *f, const char *line, size_t len,
    struct envelope *env)
{
	(void)f;
	env->text = line;
	env->len = len;
	return 0;
}

static const struct {
	const char	*name;
	int		 kind;
	unwrap_fn	 unwrap;
} formats_table[] = {
	{ "plain", ENV_PLAIN, unwrap_plain },
};

#define FORMATS_COUNT (sizeof formats_table / sizeof formats_table[0])

/* The envelope named on the command line, or -1. */
int
formats_kind_from_name(const char *name)
{
	size_t	i;

	if (strcmp(name, "auto") == 0)
		return ENV_AUTO;
	for (i = 0; i < FORMATS_COUNT; i++) {
		if (strcmp(formats_table[i].name, name) == 0)
			return formats_table[i].kind;
	}
	return -1;
}

struct formats *
formats_create(int kind, char **cause)
{
	struct formats	*f;

	if (kind < ENV_AUTO || kind > ENV_KUBECTL) {
		*cause = xasprintf("unknown input format %d", kind);
		return NULL;
	}
	f = xcalloc(1, sizeof *f);
	f->forced = kind;
	buf_init(&f->scratch);
	return f;
}

void
formats_free(struct formats *f)
{
	if (f == NULL)
		return;
	buf_free(&f->scratch);
	free(f);
}

/*
 * Take the relay line out of its envelope.  Returns 0 with *env filled, or
 * -1 when a forced envelope does not fit the line.
 */
int
formats_unwrap(struct formats *f, const char *line, size_t len,
    struct envelope *env)
{
	size_t	i;

	memset(env, 0, sizeof *env);
	env->ts = TS_NONE;
	for (i = 0; i < FORMATS_COUNT; i++) {
		if (f->forced != ENV_AUTO && f->forced != formats_table[i].kind)
			continue;
		if (formats_table[i].unwrap(f, line, len, env) == 0) {
			env->kind = formats_table[i].kind;
			return 0;
		}
	}
	return -1;
}
