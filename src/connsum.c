/* SPDX-License-Identifier: MIT */
/*
 * Connection sums: the per-connection aggregate of src/connections.sql
 * (first and last event, times, line count, host, the first time of each
 * milestone), added up while the rows are stored instead of by a GROUP BY
 * over every events row afterwards, which on a large log costs as much as
 * all the rules together.  The storing thread pays a hash lookup per row.
 *
 * The sums are only right when they saw every row the SQL would read: a
 * scratch database, no --since/--until window, no input rolled back, no
 * line that the SQL would attribute to a connection afterwards.  Anything
 * else drops them (connsum_drop) and the SQL builds the table as before;
 * tests/connsum-same.sh checks that both give the same table.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "loganalyze.h"

#define CONNSUM_BUCKETS	4096
#define CONNSUM_MAX	65536	/* past this many, memory says SQL */

/* The first line of a kind the diagnosis reads (KF_DIAG): session_lines. */
struct conn_line {
	struct conn_line *next;
	int		 kind;
	int64_t		 id;
	char		*json;		/* NULL when the line had none */
	size_t		 json_len;
};

struct conn_sum {
	struct conn_sum	*next;
	struct conn_line *lines;
	uint32_t	 hash;
	char		*conn;
	size_t		 conn_len;
	char		*host;		/* the greatest, as max() */
	size_t		 host_len;
	int64_t		 first_id;
	int64_t		 last_id;
	int64_t		 first_ts;
	int64_t		 last_ts;
	int64_t		 events;
	int64_t		 connected_ts;
	int64_t		 start_ts;
	int64_t		 connect_call_ts;
	int64_t		 opened_ts;
	int64_t		 ready_ts;
	int64_t		 timeout_ts;
	int64_t		 disconnect_ts;
	int64_t		 frames;
	int64_t		 frames_first_ts;
	int64_t		 frames_last_ts;
	int		 live_seen;
};

struct connsum {
	struct conn_sum	*bucket[CONNSUM_BUCKETS];
	size_t		 n;
	const char	*dropped;	/* why they are not used */
};

/*
 * The open-socket signs that need no JSON; the frame warnings'
 * "isSessionReady" is read by SQL afterwards (connsum_store).
 */
static const char connsum_live_sql[] =
	"UPDATE connections SET live_seen = 1"
	" WHERE live_seen = 0 AND conn IN (SELECT conn FROM ev"
	"  WHERE kind IN (SELECT kind FROM kinds WHERE live = 'if_ready')"
	"  AND json_extract(json, '$.isSessionReady') = 1)";

static const char connsum_line_sql[] =
	"INSERT INTO session_lines (conn, kind, id, json) VALUES (?1, ?2, ?3,"
	" ?4)";

static const char connsum_insert_sql[] =
	"INSERT INTO connections (conn, first_id, last_id, first_ts, last_ts,"
	" events, host, connected_ts, start_ts, connect_call_ts, opened_ts,"
	" ready_ts, live_seen, timeout_ts, disconnect_ts, frames,"
	" frames_first_ts, frames_last_ts)"
	" VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14,"
	" ?15, ?16, ?17, ?18)";

struct connsum *
connsum_create(void)
{
	return xcalloc(1, sizeof(struct connsum));
}

static void
connsum_clear(struct connsum *cs)
{
	struct conn_sum	*c, *next;
	struct conn_line *l, *lnext;
	size_t		 i;

	for (i = 0; i < CONNSUM_BUCKETS; i++) {
		for (c = cs->bucket[i]; c != NULL; c = next) {
			next = c->next;
			for (l = c->lines; l != NULL; l = lnext) {
				lnext = l->next;
				free(l->json);
				free(l);
			}
			free(c->conn);
			free(c->host);
			free(c);
		}
		cs->bucket[i] = NULL;
	}
	cs->n = 0;
}

void
connsum_free(struct connsum *cs)
{
	if (cs == NULL)
		return;
	connsum_clear(cs);
	free(cs);
}

/* From now on the SQL builds the table; why says so under -v. */
void
connsum_drop(struct connsum *cs, const char *why)
{
	if (cs->dropped != NULL)
		return;
	cs->dropped = why;
	connsum_clear(cs);
}

static struct conn_sum *
connsum_find(struct connsum *cs, const char *conn, size_t len, int add)
{
	struct conn_sum	**pp, *c;
	uint32_t	  h = hash_bytes(conn, len);

	pp = &cs->bucket[h % CONNSUM_BUCKETS];
	for (; *pp != NULL; pp = &(*pp)->next) {
		c = *pp;
		if (c->hash == h && c->conn_len == len &&
		    memcmp(c->conn, conn, len) == 0)
			return c;
	}
	if (!add)
		return NULL;
	if (cs->n >= CONNSUM_MAX) {
		connsum_drop(cs, "too many connections to sum while storing");
		return NULL;
	}
	c = xcalloc(1, sizeof *c);
	c->hash = h;
	c->conn = xstrndup(conn, len);
	c->conn_len = len;
	c->first_id = -1;
	c->first_ts = c->last_ts = TS_NONE;
	c->connected_ts = c->start_ts = c->connect_call_ts = TS_NONE;
	c->opened_ts = c->ready_ts = c->timeout_ts = TS_NONE;
	c->disconnect_ts = TS_NONE;
	c->frames_first_ts = c->frames_last_ts = TS_NONE;
	*pp = c;
	cs->n++;
	return c;
}

/* SQL's min() and max(): NULL (TS_NONE) is no value. */
static void
connsum_min(int64_t *v, int64_t ts)
{
	if (ts != TS_NONE && (*v == TS_NONE || ts < *v))
		*v = ts;
}

static void
connsum_max(int64_t *v, int64_t ts)
{
	if (ts != TS_NONE && (*v == TS_NONE || ts > *v))
		*v = ts;
}

/* SQLite's BINARY order: bytes first, then the shorter. */
static int
connsum_textcmp(const char *a, size_t alen, const char *b, size_t blen)
{
	int	c;

	c = memcmp(a, b, alen < blen ? alen : blen);
	if (c != 0)
		return c;
	return alen < blen ? -1 : alen > blen;
}

/*
 * Keep the line as its connection's first of its kind, unless one with a
 * smaller id is kept: a run's row is stored when the run ends, under the
 * id of its first line, so rows do not come in id order.
 */
static void
connsum_line(struct conn_sum *c, int64_t id, const struct log_record *r)
{
	struct conn_line	*l;

	for (l = c->lines; l != NULL && l->kind != r->kind; l = l->next)
		;
	if (l == NULL) {
		l = xcalloc(1, sizeof *l);
		l->kind = r->kind;
		l->next = c->lines;
		c->lines = l;
	} else if (l->id <= id)
		return;
	l->id = id;
	free(l->json);
	l->json = r->json_ok == 1 ? xstrndup(r->json, r->json_len) : NULL;
	l->json_len = r->json_ok == 1 ? r->json_len : 0;
}

/* session_lines from the lines kept, as src/connections.sql fills it. */
static int
connsum_store_lines(struct conn_sum *const *all, size_t n, sqlite3 *db)
{
	struct conn_line	*l;
	sqlite3_stmt		*st = NULL;
	size_t			 i;
	int			 rc = -1;

	if (sqlite3_exec(db, "DELETE FROM session_lines", NULL, NULL,
	    NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(db, connsum_line_sql, -1, &st, NULL) !=
	    SQLITE_OK)
		goto out;
	for (i = 0; i < n; i++) {
		for (l = all[i]->lines; l != NULL; l = l->next) {
			store_bind_text(st, 1, all[i]->conn, all[i]->conn_len);
			sqlite3_bind_text(st, 2, classify_kind_name(l->kind), -1,
			    SQLITE_STATIC);
			sqlite3_bind_int64(st, 3, l->id);
			store_bind_text(st, 4, l->json, l->json_len);
			if (sqlite3_step(st) != SQLITE_DONE)
				goto out;
			sqlite3_reset(st);
		}
	}
	rc = 0;
out:
	sqlite3_finalize(st);
	return rc;
}

/*
 * One events row with id, as stored: count lines (a run's, see runs.c),
 * the last at last_ts (coalesce(last_ts, ts) of the row).
 */
void
connsum_event(struct connsum *cs, int64_t id, const struct log_record *r,
    const char *host, uint64_t count, int64_t last_ts)
{
	const struct kind_info	*k;
	struct conn_sum		*c;
	size_t			 hlen;

	if (cs->dropped != NULL)
		return;
	if (r->conn == NULL) {
		/* connections.sql would give it a connection */
		if (classify_kind_attributable(r->kind))
			connsum_drop(cs, "lines without a connection id to "
			    "attribute");
		return;
	}
	if ((c = connsum_find(cs, r->conn, r->conn_len, 1)) == NULL)
		return;
	if (c->first_id == -1 || id < c->first_id)
		c->first_id = id;
	if (id > c->last_id)
		c->last_id = id;
	connsum_min(&c->first_ts, r->ts);
	connsum_max(&c->last_ts, last_ts);
	c->events += (int64_t)count;
	if (host != NULL) {
		hlen = strlen(host);
		if (c->host == NULL ||
		    connsum_textcmp(host, hlen, c->host, c->host_len) > 0) {
			free(c->host);
			c->host = xstrndup(host, hlen);
			c->host_len = hlen;
		}
	}
	k = classify_kind(r->kind);
	if (k->live == LIVE_YES || k->live == LIVE_SENDING)
		c->live_seen = 1;
	if (k->flags & KF_DIAG)
		connsum_line(c, id, r);
	switch (k->fact) {
	case FACT_CONNECTED:
		connsum_min(&c->connected_ts, r->ts);
		break;
	case FACT_START:
		connsum_min(&c->start_ts, r->ts);
		break;
	case FACT_CONNECTING:
	case FACT_CONNECT_CALL:
		connsum_min(&c->connect_call_ts, r->ts);
		break;
	case FACT_OPENED:
		connsum_min(&c->opened_ts, r->ts);
		break;
	case FACT_READY:
		connsum_min(&c->ready_ts, r->ts);
		break;
	case FACT_TIMEOUT:
		connsum_min(&c->timeout_ts, r->ts);
		break;
	case FACT_DISCONNECT:
		connsum_max(&c->disconnect_ts, r->ts);
		break;
	case FACT_FRAME:
		c->frames += (int64_t)count;
		connsum_min(&c->frames_first_ts, r->ts);
		connsum_max(&c->frames_last_ts, last_ts);
		break;
	case FACT_NONE:
	case FACT_CLOSED:
	case FACT_CONNECT_FAILED:
	case FACT_REJECTED:
		/* analysis.sql reads them from the rows */
		break;
	}
}

/* Why the sums cannot be used, or NULL. */
const char *
connsum_dropped(const struct connsum *cs)
{
	return cs->dropped;
}

static int
connsum_order(const void *a, const void *b)
{
	const struct conn_sum	*x = *(struct conn_sum *const *)a;
	const struct conn_sum	*y = *(struct conn_sum *const *)b;

	return connsum_textcmp(x->conn, x->conn_len, y->conn, y->conn_len);
}

/*
 * Fill the connections table from the sums, in the order of connection
 * ids as the GROUP BY would (some queries read it in row order).
 */
int
connsum_store(struct connsum *cs, sqlite3 *db, char **cause)
{
	struct conn_sum	**all, *c;
	sqlite3_stmt	 *st = NULL;
	size_t		  i, n = 0;
	int		  rc = -1;

	all = xreallocarray(NULL, cs->n > 0 ? cs->n : 1, sizeof *all);
	for (i = 0; i < CONNSUM_BUCKETS; i++)
		for (c = cs->bucket[i]; c != NULL; c = c->next)
			all[n++] = c;
	qsort(all, n, sizeof *all, connsum_order);

	if (sqlite3_exec(db, "DELETE FROM connections", NULL, NULL,
	    NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(db, connsum_insert_sql, -1, &st,
	    NULL) != SQLITE_OK)
		goto out;
	for (i = 0; i < n; i++) {
		c = all[i];
		store_bind_text(st, 1, c->conn, c->conn_len);
		sqlite3_bind_int64(st, 2, c->first_id);
		sqlite3_bind_int64(st, 3, c->last_id);
		store_bind_ts(st, 4, c->first_ts);
		store_bind_ts(st, 5, c->last_ts);
		sqlite3_bind_int64(st, 6, c->events);
		store_bind_text(st, 7, c->host, c->host_len);
		store_bind_ts(st, 8, c->connected_ts);
		store_bind_ts(st, 9, c->start_ts);
		store_bind_ts(st, 10, c->connect_call_ts);
		store_bind_ts(st, 11, c->opened_ts);
		store_bind_ts(st, 12, c->ready_ts);
		sqlite3_bind_int(st, 13, c->live_seen);
		store_bind_ts(st, 14, c->timeout_ts);
		store_bind_ts(st, 15, c->disconnect_ts);
		sqlite3_bind_int64(st, 16, c->frames);
		store_bind_ts(st, 17, c->frames_first_ts);
		store_bind_ts(st, 18, c->frames_last_ts);
		if (sqlite3_step(st) != SQLITE_DONE)
			goto out;
		sqlite3_reset(st);
	}
	if (sqlite3_exec(db, connsum_live_sql, NULL, NULL, NULL) != SQLITE_OK)
		goto out;
	if (connsum_store_lines(all, n, db) != 0)
		goto out;
	rc = 0;
out:
	if (rc != 0)
		*cause = xasprintf("connections: %s", sqlite3_errmsg(db));
	sqlite3_finalize(st);
	free(all);
	return rc;
}
