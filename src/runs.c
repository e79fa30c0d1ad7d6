/* SPDX-License-Identifier: MIT */
/*
 * Runs: every audio frame of every connection prints a line, and those
 * lines are most of a relay log.  Rather than a row each, a connection's
 * identical high-volume events (same kind, level and message; the JSON of
 * the first is kept) share one events row, with the run's line count, last
 * line, last time and the list of its line numbers, so counts, time ranges
 * and every line number survive.  The row is inserted once, when the run
 * ends, under the id its first line took (store_next_event): updating it
 * as the run grew rewrote the row and its line list each time.  A run
 * ends at any other event of its connection except the warnings that
 * arrive between frames (API errors, too-early frames), at the end of the
 * input, or when its line list reaches RUNS_MAX_LIST bytes, which bounds
 * memory whatever the input's length.
 *
 * The warnings rules count (rate limit, rejected frames) fold too, but
 * only with the same JSON, so a run's flags are every line's flags.  A
 * rate-limit run also ends at a second boundary and at a gap over
 * RUNS_BURST_SPLIT_MS: per-second counts and burst gaps (never shorter
 * than that) are then exact over runs.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "loganalyze.h"

#define RUNS_BUCKETS	4096
#define RUNS_SLOTS	8	/* runs open at once per connection */
#define RUNS_MAX_LIST	(64 * 1024)
#define RUNS_MAX_CONNS	16384	/* flush everything past this many */

/* A run waiting to be stored: its first line's record, and the totals. */
struct run {
	int			 used;
	int64_t			 id;	/* the first line's */
	int64_t			 input;
	uint64_t		 line;	/* the first */
	struct log_record	 rec;
	struct envelope		 env;
	char			*mem;	/* rec's and env's strings */
	uint64_t		 count;
	uint64_t		 last_line;
	int64_t			 last_ts;
	uint64_t		 continuations;
	struct buf		 lines;	/* "12,15,19" */
};

struct conn_runs {
	struct conn_runs	*next;
	uint32_t		 hash;
	char			*conn;
	size_t			 conn_len;
	struct run		 run[RUNS_SLOTS];
};

struct runs {
	struct conn_runs	*bucket[RUNS_BUCKETS];
	size_t			 nconns;
	struct run		*last;	/* the last event's, or NULL */
};

struct runs *
runs_create(void)
{
	return xcalloc(1, sizeof(struct runs));
}

/* Warnings whose JSON the rules read: a run holds only identical JSON. */
static int
runs_keeps_json(int kind)
{
	return (classify_kind(kind)->flags & KF_RUN_JSON) != 0;
}

/*
 * Lines that may be folded into runs: the per-frame lines, the warnings
 * that come with each frame, and whatever the relay prints that the rules
 * do not know.  Lifecycle milestones stay one row per line.
 */
static int
runs_is_foldable(int kind)
{
	return (classify_kind(kind)->flags & KF_FOLD) != 0;
}

/* Events that arrive between a connection's frames and do not end runs. */
static int
runs_is_interleaved(int kind)
{
	return (classify_kind(kind)->flags & KF_INTERLEAVED) != 0;
}

/*
 * Whether a line at ts may not join a rate-limit run that ended at
 * last_ts: it is in another second, or too long after (see the top).
 */
static int
runs_splits_burst(int64_t last_ts, int64_t ts)
{
	if (ts == TS_NONE || last_ts == TS_NONE)
		return ts != last_ts;
	return ts / 1000 != last_ts / 1000 || ts - last_ts > RUNS_BURST_SPLIT_MS;
}

static struct conn_runs **
runs_lookup(struct runs *r, const char *conn, size_t len, uint32_t h)
{
	struct conn_runs	**pp;

	pp = &r->bucket[h % RUNS_BUCKETS];
	while (*pp != NULL && ((*pp)->hash != h || (*pp)->conn_len != len ||
	    memcmp((*pp)->conn, conn, len) != 0))
		pp = &(*pp)->next;
	return pp;
}

/* Whether rec is one more line of run: same kind, level and message. */
static int
runs_continues(const struct run *run, const struct log_record *rec)
{
	const struct log_record	*first = &run->rec;

	if (!run->used || first->kind != rec->kind ||
	    first->level != rec->level || first->msg_len != rec->msg_len ||
	    memcmp(first->msg, rec->msg, rec->msg_len) != 0)
		return 0;
	if (!runs_keeps_json(rec->kind))
		return 1;
	if (rec->json == NULL)
		return first->json == NULL;
	return first->json != NULL && first->json_len == rec->json_len &&
	    memcmp(first->json, rec->json, rec->json_len) == 0;
}

/* Append a line number in decimal (the line list is built for every line). */
static void
runs_add_number(struct buf *b, uint64_t n)
{
	char	digits[20], *p = digits + sizeof digits;

	do
		*--p = (char)('0' + n % 10);
	while ((n /= 10) != 0);
	buf_add(b, p, (size_t)(digits + sizeof digits - p));
}

/* Forget a run without storing it. */
static void
runs_drop(struct runs *r, struct run *run)
{
	if (r->last == run)
		r->last = NULL;
	free(run->mem);
	buf_free(&run->lines);
	memset(run, 0, sizeof *run);
}

/* Store a run's row with its totals and forget the run. */
static int
runs_end(struct runs *r, struct store *s, struct run *run, char **cause)
{
	struct event_totals	tot;
	int			rc;

	if (!run->used)
		return 0;
	memset(&tot, 0, sizeof tot);
	tot.count = run->count;
	tot.last_line = run->last_line;
	tot.last_ts = run->last_ts;
	tot.list = run->lines.data;
	tot.list_len = run->lines.len;
	tot.continuations = run->continuations;
	rc = store_insert_event(s, run->id, run->input, run->line, &run->rec,
	    &run->env, &tot, cause);
	runs_drop(r, run);
	return rc;
}

static int
runs_end_conn(struct runs *r, struct store *s, struct conn_runs *c,
    char **cause)
{
	int	i, rc = 0;

	for (i = 0; i < RUNS_SLOTS; i++)
		if (runs_end(r, s, &c->run[i], cause) != 0)
			rc = -1;
	return rc;
}

static void
runs_free_conn(struct runs *r, struct conn_runs *c)
{
	int	i;

	for (i = 0; i < RUNS_SLOTS; i++)
		runs_drop(r, &c->run[i]);
	free(c->conn);
	free(c);
}

/*
 * End every run (store != NULL) or just drop them (store == NULL, after
 * the input's transaction was rolled back).
 */
int
runs_flush(struct runs *r, struct store *s, char **cause)
{
	struct conn_runs	*c, *next;
	size_t			 i;
	int			 rc = 0;

	for (i = 0; i < RUNS_BUCKETS; i++) {
		for (c = r->bucket[i]; c != NULL; c = next) {
			next = c->next;
			if (s != NULL && rc == 0 && runs_end_conn(r, s, c,
			    cause) != 0)
				rc = -1;
			runs_free_conn(r, c);
		}
		r->bucket[i] = NULL;
	}
	r->nconns = 0;
	return rc;
}

void
runs_free(struct runs *r)
{
	if (r == NULL)
		return;
	runs_flush(r, NULL, NULL);
	free(r);
}

/*
 * n continuation lines (a stack trace, say) of event id: counted into its
 * run while the run waits to be stored, else added to its row.
 */
int
runs_continuations(struct runs *r, struct store *s, int64_t id, uint64_t n,
    char **cause)
{
	if (r->last != NULL && r->last->used && r->last->id == id) {
		r->last->continuations += n;
		return 0;
	}
	return store_add_continuations(s, id, n, cause);
}

/* Start a run at rec, line of input, in a free slot. */
static void
runs_start(struct runs *r, struct store *s, struct run *run, int64_t input,
    uint64_t line, const struct log_record *rec, const struct envelope *env)
{
	run->used = 1;
	run->id = store_next_event(s);
	run->input = input;
	run->line = line;
	run->mem = xmalloc(record_size(rec, env));
	record_copy(run->mem, rec, env, &run->rec, &run->env);
	run->count = 1;
	run->last_line = line;
	run->last_ts = rec->ts;
	run->continuations = 0;
	buf_init(&run->lines);
	runs_add_number(&run->lines, line);
	r->last = run;
}

/*
 * Store one event: inserted as a row, or counted into the run it continues
 * or starts.  id receives the row the event belongs to.
 */
int
runs_store(struct runs *r, struct store *s, int64_t input, uint64_t line,
    const struct log_record *rec, const struct envelope *env, int64_t *id,
    char **cause)
{
	struct conn_runs	**pp, *c;
	struct run		*run, *slot, *victim;
	uint32_t		 h;
	int			 i, foldable;

	foldable = runs_is_foldable(rec->kind);
	if (rec->conn == NULL || (!foldable && runs_is_interleaved(rec->kind)))
		goto insert;

	h = hash_bytes(rec->conn, rec->conn_len);
	pp = runs_lookup(r, rec->conn, rec->conn_len, h);
	c = *pp;
	if (!foldable) {
		/* a milestone: the connection's runs end here */
		if (c != NULL) {
			*pp = c->next;
			r->nconns--;
			if (runs_end_conn(r, s, c, cause) != 0) {
				runs_free_conn(r, c);
				return -1;
			}
			runs_free_conn(r, c);
		}
		goto insert;
	}

	if (c == NULL) {
		if (r->nconns >= RUNS_MAX_CONNS) {
			if (runs_flush(r, s, cause) != 0)
				return -1;
			pp = runs_lookup(r, rec->conn, rec->conn_len, h);
		}
		c = xcalloc(1, sizeof *c);
		c->hash = h;
		c->conn = xstrndup(rec->conn, rec->conn_len);
		c->conn_len = rec->conn_len;
		*pp = c;
		r->nconns++;
	}
	/* the run this line continues, else a free or the stalest slot */
	run = victim = NULL;
	for (i = 0; i < RUNS_SLOTS && run == NULL; i++) {
		slot = &c->run[i];
		if (runs_continues(slot, rec))
			run = slot;
		else if (victim == NULL || !slot->used ||
		    (victim->used && slot->last_line < victim->last_line))
			victim = slot;
	}
	if (run != NULL && run->lines.len < RUNS_MAX_LIST &&
	    ((classify_kind(rec->kind)->flags & KF_BURST) == 0 ||
	    !runs_splits_burst(run->last_ts, rec->ts))) {
		run->count++;
		run->last_line = line;
		if (rec->ts != TS_NONE)
			run->last_ts = rec->ts;
		buf_addc(&run->lines, ',');
		runs_add_number(&run->lines, line);
		*id = run->id;
		r->last = run;
		return 0;
	}
	if (run == NULL)
		run = victim;
	if (runs_end(r, s, run, cause) != 0)
		return -1;
	runs_start(r, s, run, input, line, rec, env);
	*id = run->id;
	return 0;

insert:
	r->last = NULL;
	*id = store_next_event(s);
	return store_insert_event(s, *id, input, line, rec, env, NULL, cause);
}
