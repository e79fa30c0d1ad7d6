/* SPDX-License-Identifier: MIT */
/*
 * Reading one input into the store: every line becomes an event, a
 * continuation of the event before it, a blank line, or an unparsed line,
 * and each is counted, so that lines = events + continuations + blank +
 * unparsed.  The first few unparsed lines and JSON errors of each input are
 * kept as samples with their line numbers.  One input is one transaction.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "loganalyze.h"

#define INGEST_PROGRESS_EVERY	(1u << 20)

struct ingest {
	struct ingest_options	 opt;
	struct parser		*parser;
	struct formats		*formats;
	struct runs		*runs;
};

struct ingest *
ingest_create(const struct ingest_options *opt, char **cause)
{
	struct ingest	*ing;

	ing = xcalloc(1, sizeof *ing);
	ing->opt = *opt;
	ing->parser = parser_create(cause);
	if (ing->parser == NULL)
		goto fail;
	ing->formats = formats_create(opt->envelope, cause);
	if (ing->formats == NULL)
		goto fail;
	ing->runs = runs_create();
	return ing;
fail:
	ingest_free(ing);
	return NULL;
}

void
ingest_free(struct ingest *ing)
{
	if (ing == NULL)
		return;
	parser_free(ing->parser);
	formats_free(ing->formats);
	runs_free(ing->runs);
	free(ing);
}

/* Why a line is not an event, in words for the report. */
static const char *
ingest_reason(const char *line, size_t len)
{
	const unsigned char	*p = (const unsigned char *)line;
	size_t			 i;

	for (i = 0; i < len; i++) {
		if (p[i] == '\0' || (p[i] < 0x20 && p[i] != '\t' &&
		    p[i] != '\r' && p[i] != '\033'))
			return "binary or control characters";
	}
	return "not a relay log line";
}

/*
 * At the end of input, an entry still open (a journal export entry without
 * its blank line, a container line split without its last part) is read
 * all the same: its last line, counted as a continuation when it was taken
 * in, carries it, as a NULL line.  Returns 1 when there is such an entry.
 */
static int
ingest_open_entry(struct ingest *ing, enum input_status is,
    struct input_stats *st, const char **line, size_t *len, size_t *full)
{
	if (is != INPUT_EOF || !formats_pending(ing->formats))
		return 0;
	*line = NULL;
	*len = *full = 0;
	st->lines--;
	st->continuations--;
	return 1;
}

static int
ingest_sample(struct ingest *ing, struct store *s, int64_t input,
    uint64_t line, unsigned *taken, const char *reason, const char *text,
    size_t len, char **cause)
{
	if (*taken >= ing->opt.max_samples)
		return 0;
	(*taken)++;
	return store_insert_sample(s, input, line, reason, text, len, cause);
}

/*
 * Read path ("-" for standard input) into the store.  Returns 0, or -1 with
 * *cause when the input could not be read or stored; then nothing of it is
 * kept.  Bad lines are never an error.
 */
int
ingest_file(struct ingest *ing, struct store *s, const char *path,
    struct input_stats *st, char **cause)
{
	struct input		*in;
	struct log_record	 rec;
	struct envelope		 env;
	const char		*line;
	size_t			 len, full;
	uint64_t		 lineno, cont_run = 0;
	int64_t			 input_id, last_event = 0;
	unsigned		 bad_taken = 0, json_taken = 0;
	int			 prev_event = 0, rc = -1, fit;
	enum input_status	 is;
	char			 reason[200];

	memset(st, 0, sizeof *st);
	formats_reset(ing->formats);
	in = input_open(path, cause);
	if (in == NULL)
		return -1;
	if (store_begin_input(s, input_name(in), &input_id, cause) != 0)
		goto out;

	while ((is = input_getline(in, &line, &len, &full, cause)) ==
	    INPUT_LINE || ingest_open_entry(ing, is, st, &line, &len, &full)) {
		st->lines++;
		lineno = input_lineno(in);
		if (ing->opt.progress && lineno % INGEST_PROGRESS_EVERY == 0)
			fprintf(stderr, "\rloganalyze: %s: %llu lines",
			    input_name(in), (unsigned long long)lineno);

		if (full > len) {
			st->unparsed++;
			prev_event = 0;
			snprintf(reason, sizeof reason,
			    "line too long (%zu bytes)", full);
			if (ingest_sample(ing, s, input_id, lineno, &bad_taken,
			    reason, line, len, cause) != 0)
				goto out;
			continue;
		}
		fit = formats_unwrap(ing->formats, line, len, &env);
		if (fit == FORMATS_PENDING) {
			/*
			 * A field line of a journal export entry, or part of
			 * a split container line: counted as a continuation
			 * line of the entry, whose message is read at the
			 * line that completes it (an export entry's blank
			 * line), so lines = events + continuations + blank +
			 * unparsed still holds.  The event's line number is
			 * its MESSAGE field's.
			 */
			st->continuations++;
			continue;
		}
		lineno -= env.back;
		if (fit != FORMATS_TEXT) {
			st->unparsed++;
			prev_event = 0;
			if (ingest_sample(ing, s, input_id, lineno, &bad_taken,
			    "does not fit the input format", line, len,
			    cause) != 0)
				goto out;
			continue;
		}
		if (env.ts != TS_NONE)
			parser_set_day(ing->parser, env.ts);

		switch (parser_parse(ing->parser, env.text, env.len, &rec)) {
		case PARSE_BLANK:
			st->blank++;
			prev_event = 0;
			break;
		case PARSE_CONTINUATION:
			if (prev_event) {
				st->continuations++;
				cont_run++;
				break;
			}
			/* FALLTHROUGH */
		case PARSE_NOMATCH:
			st->unparsed++;
			prev_event = 0;
			if (ingest_sample(ing, s, input_id, lineno, &bad_taken,
			    ingest_reason(rec.text, rec.text_len), rec.text,
			    rec.text_len, cause) != 0)
				goto out;
			break;
		case PARSE_EVENT:
			if (rec.ts_src == TSSRC_LINE)
				formats_note_time(ing->formats, rec.ts);
			if (cont_run > 0) {
				if (store_add_continuations(s, last_event,
				    cont_run, cause) != 0)
					goto out;
				cont_run = 0;
			}
			if (env.ts != TS_NONE && (rec.ts_src == TSSRC_NONE ||
			    rec.ts_src == TSSRC_JSON)) {
				rec.ts = env.ts;
				rec.ts_src = env.year_inferred ?
				    TSSRC_ENVELOPE_NOYEAR : TSSRC_ENVELOPE;
			}
			if (rec.json_ok == 0) {
				st->json_errors++;
				snprintf(reason, sizeof reason,
				    "invalid JSON: %s", rec.json_error);
				if (ingest_sample(ing, s, input_id, lineno,
				    &json_taken, reason, rec.text,
				    rec.text_len, cause) != 0)
					goto out;
			}
			if (runs_store(ing->runs, s, input_id, lineno, &rec,
			    &env, &last_event, cause) != 0)
				goto out;
			st->events++;
			prev_event = 1;
			break;
		}
	}
	if (is == INPUT_ERROR)
		goto out;
	if (cont_run > 0 &&
	    store_add_continuations(s, last_event, cont_run, cause) != 0)
		goto out;
	if (ing->opt.progress && st->lines >= INGEST_PROGRESS_EVERY)
		fputc('\n', stderr);
	st->bytes = input_bytes(in);
	if (runs_flush(ing->runs, s, cause) != 0 ||
	    store_end_input(s, input_id, st, cause) != 0)
		goto out;
	rc = 0;
out:
	if (rc != 0) {
		runs_flush(ing->runs, NULL, NULL);
		store_abort_input(s);
	}
	input_close(in);
	return rc;
}
