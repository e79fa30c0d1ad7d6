/* SPDX-License-Identifier: MIT */
/*
 * The order of a database's events.  Rules read events in id order, so
 * that order must be the logs' and not the order their files reached the
 * database: relay.log loaded a night before relay.log.1 must read as if
 * relay.log.1 came first.  The inputs are ordered by their own time (first
 * event, then last; where those tie or are missing, rotation order, then
 * name and content), and every input's rows lie in a range of ids of their
 * own, the ranges in that order.  Within an input, ids are line order.
 *
 * A load that adds an input ordered before one already there marks the
 * database (meta event_order = 'pending', in the load's transaction); the
 * next analysis, or the end of an --ingest-only run, puts the rows in
 * place in the same transaction as it reads them.  Loading in time order,
 * as a rotation does, marks nothing.  Putting in place keeps the heaviest
 * run of inputs that are already in order where they are and moves the
 * rest, each block of ids by one shift: those before the run below the
 * smallest id (ids may be negative), those after it above the largest.
 * A backfilled archive, or session logs read with a long terminal log,
 * move only their own rows.  A database written before this order was
 * kept has no event_order and is put in place once.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "loganalyze.h"

struct order_input {
	int64_t		 id;
	char		*path;
	char		*hash;		/* NULL when not known by content */
	int64_t		 first_ts;	/* TS_NONE when it has no time */
	int64_t		 last_ts;
	int64_t		 lo, hi;	/* its smallest and largest ids */
	int64_t		 rows;
	size_t		 pos;		/* in the order */
};

/* A range of ids that holds rows of one input only, in id order. */
struct order_block {
	int64_t		 input;
	int64_t		 lo, hi;
	int64_t		 rows;
	size_t		 pos;		/* its input's, in the order */
};

static int
order_error(sqlite3 *db, const char *what, char **cause)
{
	*cause = xasprintf("event order: %s: %s", what, sqlite3_errmsg(db));
	return -1;
}

/* Times compare earliest first, a missing time last. */
static int
order_cmp_ts(int64_t a, int64_t b)
{
	if (a == b)
		return 0;
	if (a == TS_NONE)
		return 1;
	if (b == TS_NONE)
		return -1;
	return a < b ? -1 : 1;
}

static int
order_cmp(const void *pa, const void *pb)
{
	const struct order_input	*a = *(struct order_input *const *)pa;
	const struct order_input	*b = *(struct order_input *const *)pb;
	int				 c;

	if ((c = order_cmp_ts(a->first_ts, b->first_ts)) != 0 ||
	    (c = order_cmp_ts(a->last_ts, b->last_ts)) != 0 ||
	    (c = inputset_cmp_rotation(a->path, b->path)) != 0 ||
	    (c = strcmp(a->path, b->path)) != 0)
		return c;
	if (a->hash != NULL && b->hash != NULL &&
	    (c = strcmp(a->hash, b->hash)) != 0)
		return c;
	if ((a->hash == NULL) != (b->hash == NULL))
		return a->hash == NULL ? 1 : -1;
	return a->id < b->id ? -1 : a->id > b->id;
}

static int64_t
order_column_ts(sqlite3_stmt *st, int i)
{
	return sqlite3_column_type(st, i) == SQLITE_NULL ? TS_NONE :
	    sqlite3_column_int64(st, i);
}

/*
 * In a load's transaction, after the inputs row of input got its times:
 * mark the database when another input with rows may come after it.
 * Ties count, so the analysis decides them.
 */
int
order_note_input(sqlite3 *db, int64_t input, char **cause)
{
	sqlite3_stmt	*st;
	int		 rc;

	/* a missing time comes last: only another such may follow one */
	if (sqlite3_prepare_v2(db, "UPDATE meta SET value = 'pending'"
	    " WHERE key = 'event_order' AND value <> 'pending'"
	    " AND EXISTS (SELECT 1 FROM inputs AS o"
	    "  WHERE o.id <> ?1 AND o.events > 0 AND (o.first_ts IS NULL"
	    "   OR o.first_ts >= (SELECT first_ts FROM inputs WHERE id = ?1)))",
	    -1, &st, NULL) != SQLITE_OK)
		return order_error(db, "meta", cause);
	sqlite3_bind_int64(st, 1, input);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return order_error(db, "meta", cause);
	return 0;
}

/* Whether the rows may be out of place: marked, or never ordered. */
static int
order_pending(sqlite3 *db, int *pending, char **cause)
{
	sqlite3_stmt	*st;
	int		 rc;

	if (sqlite3_prepare_v2(db, "SELECT coalesce((SELECT value = 'pending'"
	    " FROM meta WHERE key = 'event_order'),"
	    " EXISTS (SELECT 1 FROM events))", -1, &st, NULL) != SQLITE_OK)
		return order_error(db, "meta", cause);
	rc = sqlite3_step(st);
	*pending = rc == SQLITE_ROW && sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW)
		return order_error(db, "meta", cause);
	return 0;
}

/*
 * The inputs that have rows, and the blocks of their rows in id order:
 * one read of two columns of every row, no sort.
 */
static int
order_read(sqlite3 *db, struct order_input **inputs, size_t *ninputs,
    struct order_block **blocks, size_t *nblocks, char **cause)
{
	sqlite3_stmt		*st;
	struct order_input	*in = NULL;
	struct order_block	*b = NULL;
	size_t			 nin = 0, nb = 0, cb = 0;
	int64_t			 input, id;
	int			 rc;

	*inputs = NULL;
	*blocks = NULL;
	*ninputs = *nblocks = 0;
	if (sqlite3_prepare_v2(db, "SELECT input_id, id FROM main.events"
	    " ORDER BY id", -1, &st, NULL) != SQLITE_OK)
		return order_error(db, "events", cause);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		input = sqlite3_column_int64(st, 0);
		id = sqlite3_column_int64(st, 1);
		if (nb > 0 && b[nb - 1].input == input) {
			b[nb - 1].hi = id;
			b[nb - 1].rows++;
			continue;
		}
		if (nb == cb) {
			cb = cb == 0 ? 64 : cb * 2;
			b = xreallocarray(b, cb, sizeof *b);
		}
		b[nb].input = input;
		b[nb].lo = b[nb].hi = id;
		b[nb].rows = 1;
		nb++;
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		free(b);
		return order_error(db, "events", cause);
	}

	if (sqlite3_prepare_v2(db, "SELECT id, path, content_hash, first_ts,"
	    " last_ts FROM main.inputs ORDER BY id", -1, &st, NULL) !=
	    SQLITE_OK) {
		free(b);
		return order_error(db, "inputs", cause);
	}
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		in = xreallocarray(in, nin + 1, sizeof *in);
		memset(&in[nin], 0, sizeof in[nin]);
		in[nin].id = sqlite3_column_int64(st, 0);
		in[nin].path = xstrdup((const char *)sqlite3_column_text(st,
		    1) != NULL ? (const char *)sqlite3_column_text(st, 1) : "");
		if (sqlite3_column_type(st, 2) != SQLITE_NULL)
			in[nin].hash = xstrdup((const char *)
			    sqlite3_column_text(st, 2));
		in[nin].first_ts = order_column_ts(st, 3);
		in[nin].last_ts = order_column_ts(st, 4);
		in[nin].lo = INT64_MAX;
		in[nin].hi = INT64_MIN;
		nin++;
	}
	sqlite3_finalize(st);
	*inputs = in;
	*ninputs = nin;
	*blocks = b;
	*nblocks = nb;
	if (rc != SQLITE_DONE)
		return order_error(db, "inputs", cause);
	return 0;
}

/* The input of id in the inputs, sorted by id; NULL for none. */
static struct order_input *
order_find(struct order_input *in, size_t n, int64_t id)
{
	size_t	lo = 0, hi = n, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (in[mid].id == id)
			return &in[mid];
		if (in[mid].id < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

/* Blocks in the order's order: by their input's place, then by id. */
static int
order_cmp_block(const void *pa, const void *pb)
{
	const struct order_block	*a = pa, *b = pb;

	if (a->pos != b->pos)
		return a->pos < b->pos ? -1 : 1;
	return a->lo < b->lo ? -1 : a->lo > b->lo;
}

/*
 * Move the blocks b[0..n) (in the order's order) next to each other,
 * keeping the ids' gaps: up, from *next on; else ending just below *next.
 * *next ends past what they took.
 */
static int
order_move(sqlite3 *db, sqlite3_stmt *st, const struct order_block *b,
    size_t n, int64_t *next, int up, char **cause)
{
	size_t		 i;
	int64_t		 base, span = 0;

	for (i = 0; i < n; i++)
		span += b[i].hi - b[i].lo + 1;
	base = up ? *next : *next - span;
	*next = up ? *next + span : *next - span;
	for (i = 0; i < n; i++) {
		sqlite3_bind_int64(st, 1, base - b[i].lo);
		sqlite3_bind_int64(st, 2, b[i].lo);
		sqlite3_bind_int64(st, 3, b[i].hi);
		if (sqlite3_step(st) != SQLITE_DONE) {
			sqlite3_reset(st);
			return order_error(db, "events", cause);
		}
		sqlite3_reset(st);
		base += b[i].hi - b[i].lo + 1;
	}
	return 0;
}

/*
 * In a write transaction: put every input's rows in place if a load
 * marked the database, and mark it ordered.  *moved: the rows moved.
 */
int
order_events(sqlite3 *db, int64_t *moved, char **cause)
{
	struct order_input	*in = NULL, **sorted = NULL, *x;
	struct order_block	*b = NULL;
	sqlite3_stmt		*st = NULL;
	size_t			 nin = 0, nb = 0, n, i, j, best, best_end, k;
	int64_t			 weight, best_weight, below, above;
	int			 pending, rc = -1;

	*moved = 0;
	if (order_pending(db, &pending, cause) != 0)
		return -1;
	if (!pending)
		return 0;
	if (order_read(db, &in, &nin, &b, &nb, cause) != 0)
		goto out;

	for (i = 0; i < nb; i++) {
		x = order_find(in, nin, b[i].input);
		if (x == NULL) {
			*cause = xasprintf("event order: rows of input %lld, "
			    "which is not in the inputs table",
			    (long long)b[i].input);
			goto out;
		}
		if (b[i].lo < x->lo)
			x->lo = b[i].lo;
		if (b[i].hi > x->hi)
			x->hi = b[i].hi;
		x->rows += b[i].rows;
	}
	sorted = xreallocarray(NULL, nin + 1, sizeof *sorted);
	for (i = n = 0; i < nin; i++)
		if (in[i].lo <= in[i].hi)
			sorted[n++] = &in[i];
	if (n > 1)
		qsort(sorted, n, sizeof *sorted, order_cmp);

	/* the heaviest run of inputs already in order, by rows */
	best = best_end = 0;
	best_weight = -1;
	for (i = 0; i < n; i = j) {
		weight = sorted[i]->rows;
		for (j = i + 1; j < n && sorted[j - 1]->hi < sorted[j]->lo; j++)
			weight += sorted[j]->rows;
		if (weight > best_weight) {
			best_weight = weight;
			best = i;
			best_end = j;
		}
	}

	if (n > 0 && (best > 0 || best_end < n)) {
		for (k = 0; k < n; k++)
			sorted[k]->pos = k;
		below = b[0].lo;
		above = b[nb - 1].hi + 1;
		for (i = 0; i < nb; i++)
			b[i].pos = order_find(in, nin, b[i].input)->pos;
		qsort(b, nb, sizeof *b, order_cmp_block);
		/* the blocks before the run, and after it */
		for (i = 0; i < nb && b[i].pos < best; i++)
			*moved += b[i].rows;
		for (j = nb; j > 0 && b[j - 1].pos >= best_end; j--)
			*moved += b[j - 1].rows;
		if (sqlite3_prepare_v2(db, "UPDATE main.events SET id = id + ?1"
		    " WHERE id BETWEEN ?2 AND ?3", -1, &st, NULL) != SQLITE_OK) {
			order_error(db, "events", cause);
			goto out;
		}
		if (order_move(db, st, b, i, &below, 0, cause) != 0 ||
		    order_move(db, st, b + j, nb - j, &above, 1, cause) != 0)
			goto out;
		log_debug("event order: %lld rows moved, %zu of %zu inputs kept "
		    "in place", (long long)*moved, best_end - best, n);
	}
	if (sqlite3_exec(db, "INSERT OR REPLACE INTO meta VALUES"
	    " ('event_order', 'ordered')", NULL, NULL, NULL) != SQLITE_OK) {
		order_error(db, "meta", cause);
		goto out;
	}
	rc = 0;
out:
	sqlite3_finalize(st);
	for (i = 0; i < nin; i++) {
		free(in[i].path);
		free(in[i].hash);
	}
	free(in);
	free(sorted);
	free(b);
	return rc;
}
