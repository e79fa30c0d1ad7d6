/* SPDX-License-Identifier: MIT */
/*
 * Reading one input into the store: every line becomes an event, a
 * continuation of the event before it, a blank line, or an unparsed line,
 * and each is counted, so that lines = events + continuations + blank +
 * unparsed.  The first few unparsed lines and JSON errors of each input are
 * kept as samples with their line numbers.  One input is one transaction.
 * With --db, a file is known by its content: one already in the database is
 * skipped, one that grew is read on from where the last run stopped.
 */
#include "config.h"

#include <sys/stat.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "loganalyze.h"

volatile sig_atomic_t ingest_stop;

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

/*
 * Whether a line that is not an event looks like the relay's all the same:
 * it names a level of the relay's or a connection id.  Many of them mean a
 * wrapper this program cannot read, not lines of another program.
 */
static int
ingest_looks_relay(const char *line, size_t len)
{
	static const char	*marks[] = { "[WARN]", "[ERROR]", "connectionId" };
	size_t			 i;

	for (i = 0; i < sizeof marks / sizeof marks[0]; i++)
		if (memmem(line, len, marks[i], strlen(marks[i])) != NULL)
			return 1;
	return 0;
}

/* The first unparsed line of an input, cut, for the message that says so. */
static void
ingest_note_unparsed(struct input_stats *st, const char *line, size_t len)
{
	struct buf	b;

	if (ingest_looks_relay(line, len))
		st->looks_relay++;
	if (st->first[0] != '\0')
		return;
	buf_init(&b);
	text_sanitize(&b, line, len > 48 ? 48 : len);
	snprintf(st->first, sizeof st->first, "%s%s", b.data != NULL ?
	    b.data : "", len > 48 ? "..." : "");
	buf_free(&b);
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
ingest_sample(struct ingest *ing, struct handoff *h, uint64_t line,
    unsigned *taken, const char *reason, const char *text, size_t len)
{
	if (*taken >= ing->opt.max_samples)
		return 0;
	(*taken)++;
	return handoff_sample(h, line, reason, text, len);
}

/* The storing side of one input (see handoff.c). */
struct ingest_sink {
	struct ingest	*ing;
	struct store	*s;
	int64_t		 input_id;
	int64_t		 last_event;	/* the row continuations count on */
};

static int
ingest_store_items(void *arg, const struct handoff_item *it, size_t n,
    char **cause)
{
	struct ingest_sink	*k = arg;
	size_t			 i;
	int			 rc = 0;

	for (i = 0; i < n && rc == 0; i++, it++) {
		switch (it->type) {
		case HANDOFF_EVENT:
			rc = runs_store(k->ing->runs, k->s, k->input_id,
			    it->line, &it->rec, &it->env, &k->last_event,
			    cause);
			break;
		case HANDOFF_SAMPLE:
			rc = store_insert_sample(k->s, k->input_id, it->line,
			    it->reason, it->text, it->len, cause);
			break;
		case HANDOFF_CONTINUATIONS:
			rc = runs_continuations(k->ing->runs, k->s,
			    k->last_event, it->n, cause);
			break;
		}
		if (rc != 0)
			xprefix(cause, "line %llu",
			    (unsigned long long)it->line);
	}
	return rc;
}

/*
 * Say that a file was skipped or resumed: on stderr unless -q, and in the
 * store for the report.
 */
static void
ingest_note(struct ingest *ing, struct store *s, const char *path,
    const struct input_stats *st, const struct store_known *k)
{
	if (st->disposition == INGEST_SKIPPED) {
		if (!ing->opt.quiet)
			log_warnx("%s: already in the database as %s (input "
			    "%lld): skipped", path, k->path, (long long)k->id);
		store_note_input(s, path, "skipped", k->id);
	} else {
		if (!ing->opt.quiet)
			log_warnx("%s: grew since it was read as %s (input "
			    "%lld): read on from line %llu", path, k->path,
			    (long long)k->id,
			    (unsigned long long)k->lines + 1);
		store_note_input(s, path, "resumed", k->id);
	}
}

/*
 * Inside the input's transaction (so that a second run on the database sees
 * what the first one committed), read the file once for its digest and
 * look for it in the store: the same content (st->disposition
 * INGEST_SKIPPED), or a known input that is its beginning
 * (INGEST_RESUMED, *k says which).  -1 and *cause on error.
 */
static int
ingest_identify(struct store *s, const char *path, struct input_scan *sc,
    struct input_stats *st, struct store_known *k, char **cause)
{
	struct input	*in;
	uint64_t	*lens = NULL;
	size_t		 n, i;
	int		 rc = -1, found;

	if (store_known_lengths(s, &lens, &n, cause) != 0)
		return -1;
	in = input_open(path, cause);
	if (in == NULL)
		goto out;
	if (input_scan(in, lens, n, sc, cause) != 0)
		goto out;
	found = store_find_input(s, sc->bytes, sc->hash, k, cause);
	if (found < 0)
		goto out;
	if (found) {
		st->disposition = INGEST_SKIPPED;
		rc = 0;
		goto out;
	}
	for (i = sc->n; i > 0; i--) {
		if (lens[i - 1] >= sc->bytes)
			continue;
		found = store_find_input(s, lens[i - 1], sc->prefix[i - 1], k,
		    cause);
		if (found < 0)
			goto out;
		if (found) {
			st->disposition = INGEST_RESUMED;
			log_debug("%s: resumes input %lld at byte %llu%s", path,
			    (long long)k->id, (unsigned long long)k->bytes,
			    sc->prefix_nl[i - 1] ? "" : ", inside a line");
			break;
		}
	}
	rc = 0;
out:
	input_close(in);
	free(lens);
	return rc;
}

/* The progress counter on stderr, the input's name sanitised. */
static void
ingest_progress(struct input *in, uint64_t lineno)
{
	struct buf	b;

	buf_init(&b);
	text_sanitize(&b, input_name(in), strlen(input_name(in)));
	fprintf(stderr, "\rloganalyze: %s: %llu lines", buf_cstr(&b),
	    (unsigned long long)lineno);
	buf_free(&b);
}

/*
 * Read path ("-" for standard input) into the store.  Returns 0, or -1 with
 * *cause when the input could not be read or stored; then nothing of it is
 * kept.  Bad lines are never an error.  st->disposition says whether the
 * input was read, skipped as known, or resumed.
 */
int
ingest_file(struct ingest *ing, struct store *s, const char *path,
    struct input_stats *st, char **cause)
{
	struct input		*in = NULL;
	struct handoff		*h = NULL;
	struct ingest_sink	 sink;
	struct input_scan	 sc;
	struct stat		 sb;
	struct store_known	 known;
	struct log_record	 rec;
	struct envelope		 env;
	const char		*line;
	size_t			 len, full;
	uint64_t		 lineno, cont_run = 0;
	int64_t			 input_id;
	unsigned		 bad_taken = 0, json_taken = 0;
	int			 prev_event = 0, rc = -1, fit, by_content;
	enum input_status	 is;
	char			 reason[200], *store_cause = NULL;
	char			 digest[DIGEST_HEX_LEN];

	memset(st, 0, sizeof *st);
	memset(&sc, 0, sizeof sc);
	memset(&known, 0, sizeof known);
	formats_reset(ing->formats);
	/* only a regular file can be read twice: digest, then lines */
	by_content = store_is_persistent(s) && strcmp(path, "-") != 0 &&
	    stat(path, &sb) == 0 && S_ISREG(sb.st_mode);
	if (by_content) {
		if (store_begin(s, cause) != 0)
			goto out;
		if (ingest_identify(s, path, &sc, st, &known, cause) != 0)
			goto out;
		if (st->disposition == INGEST_SKIPPED) {
			store_abort_input(s);
			ingest_note(ing, s, path, st, &known);
			rc = 0;
			goto out;
		}
	}
	in = input_open(path, cause);
	if (in == NULL)
		goto out;
	if (by_content)
		input_digest_start(in);
	if (st->disposition == INGEST_RESUMED) {
		input_id = known.id;
		if (input_skip(in, known.bytes, known.lines, cause) != 0)
			goto out;
	} else if (by_content) {
		/* the transaction began before the digest */
		if (store_add_input(s, input_name(in), &input_id, cause) != 0)
			goto out;
	} else if (store_begin_input(s, input_name(in), &input_id,
	    cause) != 0)
		goto out;
	if (by_content)
		input_set_limit(in, sc.bytes);
	memset(&sink, 0, sizeof sink);
	sink.ing = ing;
	sink.s = s;
	sink.input_id = input_id;
	h = handoff_create(ingest_store_items, &sink, ing->opt.threads > 1);

	while ((is = input_getline(in, &line, &len, &full, cause)) ==
	    INPUT_LINE || ingest_open_entry(ing, is, st, &line, &len, &full)) {
		/*
		 * A stopped pipe still hands over the lines it read (then
		 * ends); a file stops here: its unread part is still there.
		 */
		if (ingest_stop && !input_is_stream(in)) {
			st->partial = 1;
			break;
		}
		st->lines++;
		lineno = input_lineno(in);
		if (ing->opt.progress && lineno % INGEST_PROGRESS_EVERY == 0)
			ingest_progress(in, lineno);

		if (full > len) {
			st->unparsed++;
			prev_event = 0;
			snprintf(reason, sizeof reason,
			    "line too long (%zu bytes)", full);
			if (ingest_sample(ing, h, lineno, &bad_taken, reason,
			    line, len) != 0)
				goto out;
			continue;
		}
		fit = formats_unwrap(ing->formats, line, len, &env);
reread:
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
		lineno = input_lineno(in) - env.back;
		if (fit == FORMATS_AGAIN) {
			/*
			 * An entry (logs:watch's) that this line, not part of
			 * it, ended: its first line, counted as a
			 * continuation, is the event's; the line is read
			 * again below.
			 */
			st->continuations--;
		} else if (fit != FORMATS_TEXT) {
			st->unparsed++;
			ingest_note_unparsed(st, line, len);
			prev_event = 0;
			if (ingest_sample(ing, h, lineno, &bad_taken,
			    "does not fit the input format", line, len) != 0)
				goto out;
			continue;
		}
		/* a time of day without a date gives no day to the next */
		if (env.ts != TS_NONE && !time_is_clock_only(env.ts))
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
			ingest_note_unparsed(st, rec.text, rec.text_len);
			prev_event = 0;
			if (ingest_sample(ing, h, lineno, &bad_taken,
			    ingest_reason(rec.text, rec.text_len), rec.text,
			    rec.text_len) != 0)
				goto out;
			break;
		case PARSE_EVENT:
			if (rec.ts_src == TSSRC_LINE)
				formats_note_time(ing->formats, rec.ts);
			if (cont_run > 0) {
				if (handoff_continuations(h, lineno,
				    cont_run) != 0)
					goto out;
				cont_run = 0;
			}
			if (env.ts != TS_NONE && (rec.ts_src == TSSRC_NONE ||
			    rec.ts_src == TSSRC_JSON)) {
				rec.ts = env.ts;
				rec.ts_src = env.year_inferred ?
				    TSSRC_ENVELOPE_NOYEAR :
				    time_is_clock_only(env.ts) ? TSSRC_CLOCK :
				    TSSRC_ENVELOPE;
			}
			if (env.cut) {
				st->json_errors++;
				if (ingest_sample(ing, h, lineno, &json_taken,
				    "JSON cut short (logs:watch prints 200 "
				    "characters of it): the members before "
				    "the cut read", rec.text,
				    rec.text_len) != 0)
					goto out;
			}
			if (rec.json_ok == 0) {
				st->json_errors++;
				snprintf(reason, sizeof reason,
				    "invalid JSON: %s", rec.json_error);
				if (ingest_sample(ing, h, lineno, &json_taken,
				    reason, rec.text, rec.text_len) != 0)
					goto out;
			}
			if (handoff_event(h, lineno, &rec, &env) != 0)
				goto out;
			st->events++;
			prev_event = 1;
			break;
		}
		if (fit == FORMATS_AGAIN) {
			fit = formats_unwrap(ing->formats, line, len, &env);
			goto reread;
		}
	}
	if (is == INPUT_ERROR)
		goto out;
	if (ingest_stop)
		st->partial = 1;
	if (st->partial && by_content) {
		/* a kept database takes a file whole or not at all */
		*cause = xasprintf("%s: interrupted: nothing of it was kept",
		    path);
		goto out;
	}
	if (cont_run > 0 && handoff_continuations(h, input_lineno(in),
	    cont_run) != 0)
		goto out;
	/* from here on, the store is this thread's again */
	if (handoff_finish(h, &store_cause) != 0) {
		h = NULL;
		goto out;
	}
	h = NULL;
	if (ing->opt.progress && st->lines >= INGEST_PROGRESS_EVERY)
		fputc('\n', stderr);
	st->bytes = input_bytes(in);
	if (by_content && !st->partial) {
		/*
		 * The digest would not be that of what was read (grown,
		 * or rewritten in place at the same size): keep nothing,
		 * and the next run reads it whole.
		 */
		input_digest_hex(in, digest);
		if (input_raw_bytes(in) != sc.bytes ||
		    strcmp(digest, sc.hash) != 0) {
			*cause = xasprintf("%s: changed while it was read",
			    path);
			goto out;
		}
	}
	if (runs_flush(ing->runs, s, &store_cause) != 0 ||
	    store_end_input(s, input_id, st, by_content ? sc.hash : NULL,
	    &store_cause) != 0)
		goto out;
	if (st->disposition == INGEST_RESUMED)
		ingest_note(ing, s, path, st, &known);
	rc = 0;
out:
	if (h != NULL)
		handoff_finish(h, &store_cause);
	if (store_cause != NULL) {
		/* a store error first, else what stopped the reading */
		free(*cause);
		*cause = store_cause;
		xprefix(cause, "%s", path);
	}
	if (rc != 0) {
		runs_flush(ing->runs, NULL, NULL);
		store_abort_input(s);
	}
	input_close(in);
	input_scan_free(&sc);
	free(known.path);
	return rc;
}
