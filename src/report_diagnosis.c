/* SPDX-License-Identifier: MIT */
/*
 * The diagnosis: why sessions failed.  Each failure mode (the rule of a
 * session's root-cause error, temp.session_causes) is set against the
 * sessions that did not fail, on every attribute the logs give them
 * (temp.session_attrs, both from src/diagnosis.sql).  Each attribute value
 * is a feature; features are ranked by Fisher's exact test, which stays
 * honest with a handful of sessions, then by how far apart the two groups
 * are.  The markdown report opens with the on-call summary built from it,
 * and the JSON report carries it as "summary" and "diagnosis".
 */
#include "config.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <sqlite3.h>

#include "loganalyze.h"
#include "embedded.h"

#define DIAG_MAX_FEATURES	5	/* in the markdown, per failure mode */
#define DIAG_MAX_HYPOTHESES	3
#define DIAG_MAX_BUCKETS	12
#define DIAG_SIGNIFICANT	0.05

struct feature {
	char		*attribute;
	char		*value;
	char		*healthy_value;	/* the healthy sessions' usual value */
	int64_t		 fc, ft;	/* failed with it, failed with the
					   attribute known */
	int64_t		 hc, ht;	/* the same for the healthy */
	double		 p;
	int		 rank;		/* 1 is the best separator */
};

struct mode {
	char		*rule;
	char		*title;
	char		*side;
	char		*next;
	int64_t		 count;		/* sessions */
	int64_t		 first_ts;
	int64_t		 last_ts;
	int64_t		 same_config;	/* healthy sessions of a failed one's
					   config */
	struct feature	*f;
	size_t		 nf;
};

struct diagnosis {
	int64_t		 sessions, ok, failed;
	int64_t		 ok_compared;	/* healthy ones in diag_sessions */
	int64_t		 first_ts, last_ts;
	struct mode	*m;
	size_t		 nm;
};

/*
 * The test that would tell, for a feature that sets failed sessions
 * apart, by attribute (an entry ending in '.' is a prefix).  @v stands
 * for the feature's value, @h for the healthy sessions' usual one.
 */
static const struct {
	const char	*attribute;
	const char	*value;		/* the one value it is for, or NULL */
	const char	*test;
} diag_tests[] = {
	{ "config_key", NULL, "start a session without @v in the config "
	    "(for tools: googleSearch only) and see whether it stops" },
	{ "config_keys", NULL, "start a session with the healthy sessions' "
	    "config keys (@h) and see whether it stops" },
	{ "model", NULL, "connect with the healthy sessions' model (@h) and "
	    "see whether it stops" },
	{ "payload.", NULL, "start a session with the healthy sessions' value "
	    "(@h) and see whether it stops" },
	{ "audio_rate", "over 200/s", "send audio in 20 ms or larger chunks, "
	    "under 200 a second, and see whether it stops" },
	{ "rate_limited", "yes", "send audio under the relay's 200 chunks a "
	    "second and see whether it stops" },
	{ "mime", NULL, "stop sending @v through the realtime channel (text "
	    "goes as client content) and see whether it stops" },
	{ "setup_completed", "no", "check the config against the Live API's "
	    "docs for the model: its setup never completed" },
	{ "host", NULL, "move the traffic off relay host @v and see whether "
	    "the failure follows it" },
	{ "hour", NULL, "look for an outage or a deploy at @v (the Live API's "
	    "status, the relay's deploys)" },
	{ "after_restart", "within 5 min", "check what the relay loads at "
	    "start: the failures come within 5 minutes of a restart" },
};

/*
 * Fisher's exact test, two-sided, for the 2x2 table of a feature: a of
 * the ft failed sessions have it, c of the ht healthy ones.  The sum of
 * the probabilities of every table with the same margins that is no more
 * likely than the one seen.
 */
double
diagnosis_fisher(int64_t a, int64_t ft, int64_t c, int64_t ht)
{
	int64_t	n = ft + ht, k = a + c, lo, hi, x;
	double	base, seen, p = 0, px;

	if (ft <= 0 || ht <= 0)
		return 1;
	lo = k - ht > 0 ? k - ht : 0;
	hi = k < ft ? k : ft;
	base = lgamma((double)ft + 1) + lgamma((double)ht + 1) +
	    lgamma((double)k + 1) + lgamma((double)(n - k) + 1) -
	    lgamma((double)n + 1);
#define DIAG_LOGP(x) (base - lgamma((double)(x) + 1) - \
	lgamma((double)(ft - (x)) + 1) - lgamma((double)(k - (x)) + 1) - \
	lgamma((double)(ht - k + (x)) + 1))
	seen = DIAG_LOGP(a);
	for (x = lo; x <= hi; x++) {
		px = DIAG_LOGP(x);
		if (px <= seen + 1e-9)
			p += exp(px);
	}
#undef DIAG_LOGP
	return p > 1 ? 1 : p;
}

static char *
diag_dup(sqlite3_stmt *st, int i)
{
	const char	*s = store_column_text(st, i);

	return s != NULL ? xstrdup(s) : NULL;
}

static int64_t
diag_ts(sqlite3_stmt *st, int i)
{
	return sqlite3_column_type(st, i) == SQLITE_NULL ? TS_NONE :
	    sqlite3_column_int64(st, i);
}

static double
diag_rate(int64_t n, int64_t of)
{
	return of > 0 ? (double)n / (double)of : 0;
}

/*
 * Best separators first: the lowest p (a table and its complement, "yes"
 * and "no", have the same one but for rounding), then the value more
 * common among the failed sessions, then the widest gap.
 */
static int
diag_feature_cmp(const void *a, const void *b)
{
	const struct feature	*x = a, *y = b;
	double			 gx, gy;
	int			 fx, fy;

	if (fabs(x->p - y->p) > 1e-9 * (x->p > y->p ? x->p : y->p))
		return x->p < y->p ? -1 : 1;
	fx = diag_rate(x->fc, x->ft) > diag_rate(x->hc, x->ht);
	fy = diag_rate(y->fc, y->ft) > diag_rate(y->hc, y->ht);
	if (fx != fy)
		return fx ? -1 : 1;
	gx = fabs(diag_rate(x->fc, x->ft) - diag_rate(x->hc, x->ht));
	gy = fabs(diag_rate(y->fc, y->ft) - diag_rate(y->hc, y->ht));
	if (gx != gy)
		return gx > gy ? -1 : 1;
	if (strcmp(x->attribute, y->attribute) != 0)
		return strcmp(x->attribute, y->attribute);
	return strcmp(x->value, y->value);
}

/*
 * Each feature of the failure mode's sessions and of the healthy ones:
 * how many of each have it, out of how many whose lines give the
 * attribute at all, and the value most healthy sessions have.
 */
static const char diag_features_sql[] =
	"SELECT c.attribute, c.value, c.sessions, kf.sessions,"
	" coalesce(h.sessions, 0), kh.sessions,"
	" CASE WHEN NOT kf.multi AND NOT kh.multi THEN"
	"  (SELECT x.value FROM attr_counts AS x WHERE x.root_cause IS NULL"
	"   AND x.attribute = c.attribute ORDER BY x.sessions DESC, x.value"
	"   LIMIT 1) END"
	" FROM attr_counts AS c"
	" JOIN attr_known AS kf ON kf.root_cause = ?1"
	"  AND kf.attribute = c.attribute"
	" JOIN attr_known AS kh ON kh.root_cause IS NULL"
	"  AND kh.attribute = c.attribute"
	" LEFT JOIN attr_counts AS h ON h.root_cause IS NULL"
	"  AND h.attribute = c.attribute AND h.value = c.value"
	" WHERE c.root_cause = ?1"
	" ORDER BY c.attribute, c.value";

/*
 * Healthy sessions whose config (model, config keys, the start payload's
 * short fields) is that of one of the failed sessions.
 */
static const char diag_same_config_sql[] =
	"SELECT count(*) FROM session_configs AS g"
	" JOIN session_causes AS c ON c.conn = g.conn"
	" WHERE c.root_cause IS NULL AND g.config IN (SELECT f.config"
	"  FROM session_configs AS f JOIN session_causes AS x"
	"  ON x.conn = f.conn WHERE x.root_cause = ?1)";

static void
diag_free_mode(struct mode *m)
{
	size_t	i;

	for (i = 0; i < m->nf; i++) {
		free(m->f[i].attribute);
		free(m->f[i].value);
		free(m->f[i].healthy_value);
	}
	free(m->f);
	free(m->rule);
	free(m->title);
	free(m->side);
	free(m->next);
}

void
diagnosis_free(struct diagnosis *d)
{
	size_t	i;

	if (d == NULL)
		return;
	for (i = 0; i < d->nm; i++)
		diag_free_mode(&d->m[i]);
	free(d->m);
	free(d);
}

static int
diag_features(sqlite3 *db, struct mode *m, int *failed, char **cause)
{
	sqlite3_stmt	*st;
	struct feature	*f;
	size_t		 i;

	if ((st = store_query(db, diag_features_sql, failed, cause)) == NULL)
		return -1;
	sqlite3_bind_text(st, 1, m->rule, -1, SQLITE_STATIC);
	while (store_query_step(db, st, failed, cause)) {
		m->f = xreallocarray(m->f, m->nf + 1, sizeof *m->f);
		f = &m->f[m->nf++];
		f->attribute = diag_dup(st, 0);
		f->value = diag_dup(st, 1);
		f->fc = sqlite3_column_int64(st, 2);
		f->ft = sqlite3_column_int64(st, 3);
		f->hc = sqlite3_column_int64(st, 4);
		f->ht = sqlite3_column_int64(st, 5);
		f->healthy_value = diag_dup(st, 6);
		f->p = diagnosis_fisher(f->fc, f->ft, f->hc, f->ht);
	}
	sqlite3_finalize(st);
	if (*failed)
		return -1;
	/* qsort's array may not be NULL, even empty (UBSan) */
	if (m->nf > 1)
		qsort(m->f, m->nf, sizeof *m->f, diag_feature_cmp);
	for (i = 0; i < m->nf; i++)
		m->f[i].rank = (int)i + 1;

	if ((st = store_query(db, diag_same_config_sql, failed, cause)) ==
	    NULL)
		return -1;
	sqlite3_bind_text(st, 1, m->rule, -1, SQLITE_STATIC);
	if (store_query_step(db, st, failed, cause))
		m->same_config = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return *failed ? -1 : 0;
}

/*
 * Build the diagnosis of what the store holds after the rules ran.  NULL
 * and *cause on a database error.
 */
struct diagnosis *
diagnosis_build(struct store *s, char **cause)
{
	sqlite3		*db = store_db(s);
	sqlite3_stmt	*st;
	struct diagnosis *d;
	struct mode	*m;
	int		 failed = 0;
	size_t		 i;

	if (store_exec(s, embedded_diagnosis, cause) != 0)
		return NULL;
	d = xcalloc(1, sizeof *d);
	st = store_query(db, "SELECT count(*), count(*) - count(root_cause),"
	    " count(root_cause), (SELECT min(first_ts) FROM connections),"
	    " (SELECT max(last_ts) FROM connections), (SELECT count(*) FROM"
	    " diag_sessions AS d JOIN session_causes AS c ON c.conn = d.conn"
	    " WHERE c.root_cause IS NULL) FROM session_causes",
	    &failed, cause);
	if (st != NULL && store_query_step(db, st, &failed, cause)) {
		d->sessions = sqlite3_column_int64(st, 0);
		d->ok = sqlite3_column_int64(st, 1);
		d->failed = sqlite3_column_int64(st, 2);
		d->first_ts = diag_ts(st, 3);
		d->last_ts = diag_ts(st, 4);
		d->ok_compared = sqlite3_column_int64(st, 5);
	}
	sqlite3_finalize(st);
	st = store_query(db, "SELECT c.root_cause, count(*),"
	    " min(c.failure_ts), max(c.failure_ts), min(f.title),"
	    " min(coalesce(f.side, '')), min(f.next)"
	    " FROM session_causes AS c JOIN findings AS f ON f.id = c.failure_id"
	    " GROUP BY c.root_cause ORDER BY count(*) DESC, c.root_cause",
	    &failed, cause);
	while (st != NULL && store_query_step(db, st, &failed, cause)) {
		d->m = xreallocarray(d->m, d->nm + 1, sizeof *d->m);
		m = &d->m[d->nm++];
		memset(m, 0, sizeof *m);
		m->rule = diag_dup(st, 0);
		m->count = sqlite3_column_int64(st, 1);
		m->first_ts = diag_ts(st, 2);
		m->last_ts = diag_ts(st, 3);
		m->title = diag_dup(st, 4);
		m->side = diag_dup(st, 5);
		m->next = diag_dup(st, 6);
	}
	sqlite3_finalize(st);
	for (i = 0; !failed && i < d->nm; i++)
		diag_features(db, &d->m[i], &failed, cause);
	if (failed) {
		diagnosis_free(d);
		return NULL;
	}
	return d;
}

/* The features more common among the failed sessions, best first. */
static int
diag_is_for(const struct feature *f)
{
	return diag_rate(f->fc, f->ft) > diag_rate(f->hc, f->ht);
}

static const char *
diag_test_of(const struct feature *f)
{
	const char	*a;
	size_t		 i, n;

	for (i = 0; i < sizeof diag_tests / sizeof diag_tests[0]; i++) {
		a = diag_tests[i].attribute;
		n = strlen(a);
		if ((a[n - 1] == '.' ? strncmp(f->attribute, a, n) == 0 :
		    strcmp(f->attribute, a) == 0) &&
		    (diag_tests[i].value == NULL ||
		    strcmp(f->value, diag_tests[i].value) == 0))
			return diag_tests[i].test;
	}
	return NULL;
}

/* The test for a feature, or NULL: allocated. */
static char *
diag_test(const struct feature *f)
{
	const char	*t = diag_test_of(f), *v;
	struct buf	 b;

	if (t == NULL || !diag_is_for(f))
		return NULL;
	buf_init(&b);
	for (; *t != '\0'; t++) {
		if (t[0] == '@' && (t[1] == 'v' || t[1] == 'h')) {
			v = t[1] == 'v' ? f->value : f->healthy_value;
			buf_adds(&b, v != NULL ? v : "?");
			t++;
		} else
			buf_addc(&b, *t);
	}
	return b.data;
}

/*
 * Whether a feature sets the failed sessions apart: by the test, or all of
 * them and none of the healthy (with too few sessions to be sure).
 */
static int
diag_separates(const struct feature *f)
{
	return f->p <= DIAG_SIGNIFICANT || (f->fc == f->ft && f->hc == 0) ||
	    (f->fc == 0 && f->hc == f->ht);
}

/*
 * How well a feature sets the failed sessions apart, in words; NULL when
 * the mode has nothing to compare with.
 */
static const char *
diag_verdict(const struct mode *m, const struct feature **best)
{
	const struct feature	*f;

	*best = NULL;
	if (m->nf == 0)
		return "no healthy session to compare with";
	f = &m->f[0];
	*best = f;
	if (f->p <= DIAG_SIGNIFICANT)
		return "sets them apart";
	if ((f->fc == f->ft && f->hc == 0) || (f->fc == 0 && f->hc == f->ht))
		return "is the only difference, with too few sessions to be "
		    "sure";
	*best = NULL;
	return "nothing in the log sets them apart";
}

static void
diag_text(struct buf *out, const char *s)
{
	if (s != NULL)
		md_escape_cell(out, s, strlen(s));
}

/*
 * A feature in a code span, "`attribute = value`": markdown's escapes do
 * not work inside one (they would show), so the text is only sanitized,
 * and a backtick or a bar, which would end the span or a table's cell,
 * becomes a quote or a slash.
 */
static void
diag_code(struct buf *out, const struct feature *f)
{
	struct buf	 b;
	size_t		 i;

	buf_init(&b);
	text_sanitize(&b, f->attribute, strlen(f->attribute));
	buf_adds(&b, " = ");
	text_sanitize(&b, f->value, strlen(f->value));
	buf_addc(out, '`');
	for (i = 0; i < b.len; i++)
		buf_addc(out, b.data[i] == '`' ? '\'' : b.data[i] == '|' ? '/' :
		    b.data[i]);
	buf_addc(out, '`');
	buf_free(&b);
}

static void
diag_feature_words(struct buf *out, const struct feature *f)
{
	diag_code(out, f);
	buf_printf(out, " (%lld of %lld failed, %lld of %lld healthy; "
	    "p = %.2g)", (long long)f->fc, (long long)f->ft,
	    (long long)f->hc, (long long)f->ht, f->p);
}

/* A span of time for people: "4.9 min", "2.1 h"; TS_NONE: unknown. */
static void
diag_span(struct buf *out, int64_t ms)
{
	if (ms == TS_NONE)
		buf_adds(out, TIME_UNKNOWN);
	else if (ms < 120000)
		buf_printf(out, "%.1f s", ms / 1000.0);
	else if (ms < 7200000)
		buf_printf(out, "%.1f min", ms / 60000.0);
	else
		buf_printf(out, "%.1f h", ms / 3600000.0);
}

static void
diag_time(struct buf *out, int64_t ts)
{
	char	t[40];

	time_format_iso(ts, t, sizeof t);
	buf_adds(out, t);
}

/*
 * The on-call summary, before anything else: the span, the sessions, one
 * line per failure mode with its side, its best clue and the next test,
 * and the consequences that are not causes.
 */
int
diagnosis_summary_markdown(const struct diagnosis *d, struct store *s,
    struct buf *out, char **cause)
{
	const struct feature	*best;
	const struct mode	*m;
	const char		*verdict;
	sqlite3_stmt		*st;
	char			*test;
	int			 failed = 0, n = 0;
	size_t			 i;

	buf_adds(out, "## Summary\n\n");
	if (d->first_ts != TS_NONE && d->last_ts != TS_NONE) {
		buf_adds(out, "- ");
		diag_time(out, d->first_ts);
		buf_adds(out, " to ");
		diag_time(out, d->last_ts);
		buf_adds(out, " (");
		diag_span(out, time_diff(d->first_ts, d->last_ts));
		buf_adds(out, "): ");
	} else
		buf_adds(out, "- ");
	buf_printf(out, "%lld session%s, %lld ok, %lld failed.\n",
	    (long long)d->sessions, d->sessions == 1 ? "" : "s",
	    (long long)d->ok, (long long)d->failed);
	for (i = 0; i < d->nm; i++) {
		m = &d->m[i];
		buf_printf(out, "- **%lld × `%s`**", (long long)m->count,
		    m->rule);
		if (m->side != NULL && *m->side != '\0')
			buf_printf(out, " (%s)", m->side);
		buf_adds(out, ": ");
		diag_text(out, m->title);
		verdict = diag_verdict(m, &best);
		buf_adds(out, ". ");
		if (best != NULL) {
			diag_feature_words(out, best);
			buf_printf(out, " %s", verdict);
		} else
			buf_printf(out, "%c%s", verdict[0] - ('a' - 'A'),
			    verdict + 1);
		if (m->same_config > 0)
			buf_printf(out, "; config identical to %lld healthy "
			    "session%s", (long long)m->same_config,
			    m->same_config == 1 ? "" : "s");
		test = best != NULL ? diag_test(best) : NULL;
		if (test != NULL) {
			buf_adds(out, ". Test: ");
			diag_text(out, test);
		} else if (m->next != NULL && *m->next != '\0') {
			buf_adds(out, ". Next: ");
			diag_text(out, m->next);
		}
		free(test);
		buf_adds(out, out->len > 0 && out->data[out->len - 1] == '.' ?
		    "\n" : ".\n");
	}
	st = store_query(store_db(s), "SELECT count(*), min(title) FROM findings"
	    " WHERE caused_by IS NOT NULL OR severity_rank = 0"
	    " GROUP BY rule ORDER BY count(*) DESC, rule", &failed, cause);
	while (store_query_step(store_db(s), st, &failed, cause)) {
		buf_adds(out, n++ == 0 ? "- Not causes: " : "; ");
		buf_printf(out, "%lld × ", sqlite3_column_int64(st, 0));
		diag_text(out, store_column_text(st, 1));
	}
	sqlite3_finalize(st);
	if (n > 0)
		buf_adds(out, ".\n");
	buf_addc(out, '\n');
	return failed ? -1 : 0;
}

/* Failures per time bucket, sized to the span, and when they began. */
static void
diag_when(const struct diagnosis *d, const struct mode *m, struct store *s,
    struct buf *out, int *failed, char **cause)
{
	static const struct {
		int64_t		 ms;
		const char	*name;
	} sizes[] = {
		{ 60000, "minute" }, { 300000, "5 minutes" },
		{ 900000, "15 minutes" }, { 3600000, "hour" },
		{ 21600000, "6 hours" }, { 86400000, "day" }
	};
	sqlite3_stmt		*st;
	int64_t			 size = 0, restart = TS_NONE;
	int			 n = 0;
	size_t			 i;
	char			 t[40];

	if (m->first_ts == TS_NONE || d->first_ts == TS_NONE)
		return;
	for (i = 0; i < sizeof sizes / sizeof sizes[0] - 1; i++)
		if ((d->last_ts - d->first_ts) / sizes[i].ms < DIAG_MAX_BUCKETS)
			break;
	size = sizes[i].ms;
	buf_adds(out, "When: first ");
	time_format_clock(m->first_ts, t, sizeof t);
	buf_adds(out, t);
	buf_adds(out, ", ");
	diag_span(out, time_diff(d->first_ts, m->first_ts));
	buf_adds(out, " into the log");
	st = store_query(store_db(s), "SELECT max(ts) FROM ev WHERE kind ="
	    " 'server_start' AND ts <= ?1", failed, cause);
	if (st != NULL) {
		sqlite3_bind_int64(st, 1, m->first_ts);
		if (store_query_step(store_db(s), st, failed, cause))
			restart = diag_ts(st, 0);
	}
	sqlite3_finalize(st);
	if (restart != TS_NONE) {
		buf_adds(out, " and ");
		diag_span(out, time_diff(restart, m->first_ts));
		buf_adds(out, " after the relay started");
	}
	buf_printf(out, ". Per %s:", sizes[i].name);
	st = store_query(store_db(s), "SELECT (failure_ts - ?2) / ?3,"
	    " count(*) FROM session_causes WHERE root_cause = ?1 AND"
	    " failure_ts IS NOT NULL GROUP BY 1 ORDER BY 1", failed, cause);
	if (st != NULL) {
		sqlite3_bind_text(st, 1, m->rule, -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 2, d->first_ts - d->first_ts % size);
		sqlite3_bind_int64(st, 3, size);
	}
	while (store_query_step(store_db(s), st, failed, cause) &&
	    n++ < DIAG_MAX_BUCKETS) {
		time_format_clock(d->first_ts - d->first_ts % size +
		    sqlite3_column_int64(st, 0) * size, t, sizeof t);
		/* HH:MM is enough for a bucket of a minute or more */
		t[5] = '\0';
		buf_printf(out, " %s %lld", t, sqlite3_column_int64(st, 1));
	}
	sqlite3_finalize(st);
	buf_adds(out, " (buckets with none are left out).\n\n");
}

/*
 * The diagnosis section: per failure mode, the features that set its
 * sessions apart, when it happened, and the hypotheses with the evidence
 * for and against each and the test that would tell.
 */
int
diagnosis_markdown(const struct diagnosis *d, struct store *s,
    struct buf *out, char **cause)
{
	const struct feature	*f, *best;
	const struct mode	*m;
	const char		*verdict;
	char			*test;
	size_t			 i, j;
	int			 h, failed = 0;

	if (d->nm == 0)
		return 0;
	buf_adds(out, "## Diagnosis\n\n");
	for (i = 0; i < d->nm; i++) {
		m = &d->m[i];
		buf_printf(out, "### `%s`: %lld failed session%s, against %lld "
		    "healthy", m->rule, (long long)m->count,
		    m->count == 1 ? "" : "s", (long long)d->ok);
		if (d->ok_compared < d->ok)
			buf_printf(out, " (%lld of them, evenly spread)",
			    (long long)d->ok_compared);
		buf_adds(out, "\n\n");
		verdict = diag_verdict(m, &best);
		if (best != NULL) {
			diag_feature_words(out, best);
			buf_printf(out, " %s.", verdict);
		} else
			buf_printf(out, "%c%s.", verdict[0] - ('a' - 'A'),
			    verdict + 1);
		if (m->same_config > 0)
			buf_printf(out, " Their config (model, configKeys, "
			    "start payload) is that of %lld healthy "
			    "session%s.", (long long)m->same_config,
			    m->same_config == 1 ? "" : "s");
		buf_adds(out, "\n\n");
		for (j = 0, h = 0; j < m->nf && h < DIAG_MAX_FEATURES; j++) {
			f = &m->f[j];
			/* the same in both groups: "identical" says so */
			if (f->fc * f->ht == f->hc * f->ft)
				continue;
			if (h++ == 0)
				buf_adds(out, "| rank | attribute | value | "
				    "failed | healthy | p |\n| ---: | --- | --- "
				    "| ---: | ---: | ---: |\n");
			buf_printf(out, "| %d | ", f->rank);
			diag_text(out, f->attribute);
			buf_adds(out, " | ");
			diag_text(out, f->value);
			buf_printf(out, " | %lld of %lld | %lld of %lld | %.2g |\n",
			    (long long)f->fc, (long long)f->ft, (long long)f->hc,
			    (long long)f->ht, f->p);
		}
		if (h > 0)
			buf_addc(out, '\n');
		diag_when(d, m, s, out, &failed, cause);
		for (j = 0, h = 0; j < m->nf && h < DIAG_MAX_HYPOTHESES;
		    j++) {
			f = &m->f[j];
			if (!diag_separates(f) || (test = diag_test(f)) == NULL)
				continue;
			if (h++ == 0)
				buf_adds(out, "Hypotheses, most likely "
				    "first:\n\n");
			buf_printf(out, "%d. ", h);
			diag_code(out, f);
			buf_printf(out, " leads to it. For: %lld of %lld "
			    "failed sessions had it. Against: %lld of %lld "
			    "failed did not, %lld of %lld healthy did. Test: ",
			    (long long)f->fc, (long long)f->ft,
			    (long long)(f->ft - f->fc), (long long)f->ft,
			    (long long)f->hc, (long long)f->ht);
			diag_text(out, test);
			buf_adds(out, ".\n");
			free(test);
		}
		if (h > 0)
			buf_addc(out, '\n');
	}
	return failed ? -1 : 0;
}

static json_t *
diag_json_string(struct buf *tmp, const char *s)
{
	if (s == NULL)
		return json_null();
	buf_reset(tmp);
	text_sanitize(tmp, s, strlen(s));
	return json_stringn(tmp->data != NULL ? tmp->data : "", tmp->len);
}

/* The JSON report's "summary" (docs/report-json.md). */
json_t *
diagnosis_json_summary(const struct diagnosis *d)
{
	json_t		*o = json_object(), *modes = json_array(), *m;
	struct buf	 tmp;
	size_t		 i;

	buf_init(&tmp);
	json_object_set_new(o, "sessions", json_integer(d->sessions));
	json_object_set_new(o, "ok", json_integer(d->ok));
	json_object_set_new(o, "failed", json_integer(d->failed));
	for (i = 0; i < d->nm; i++) {
		m = json_object();
		json_object_set_new(m, "rule",
		    diag_json_string(&tmp, d->m[i].rule));
		json_object_set_new(m, "count", json_integer(d->m[i].count));
		json_object_set_new(m, "side", d->m[i].side != NULL &&
		    *d->m[i].side != '\0' ? diag_json_string(&tmp,
		    d->m[i].side) : json_null());
		json_array_append_new(modes, m);
	}
	json_object_set_new(o, "failure_modes", modes);
	buf_free(&tmp);
	return o;
}

/* The JSON report's "diagnosis": one entry per failure mode and feature. */
json_t *
diagnosis_json(const struct diagnosis *d)
{
	const struct feature	*f;
	json_t			*a = json_array(), *o;
	struct buf		 tmp;
	char			*test;
	size_t			 i, j;

	buf_init(&tmp);
	for (i = 0; i < d->nm; i++) {
		for (j = 0; j < d->m[i].nf; j++) {
			f = &d->m[i].f[j];
			o = json_object();
			json_object_set_new(o, "rule",
			    diag_json_string(&tmp, d->m[i].rule));
			json_object_set_new(o, "outcome",
			    diag_json_string(&tmp, d->m[i].title));
			json_object_set_new(o, "attribute",
			    diag_json_string(&tmp, f->attribute));
			json_object_set_new(o, "failed_value",
			    diag_json_string(&tmp, f->value));
			json_object_set_new(o, "failed_count",
			    json_integer(f->fc));
			json_object_set_new(o, "failed_total",
			    json_integer(f->ft));
			json_object_set_new(o, "healthy_value",
			    diag_json_string(&tmp, f->healthy_value));
			json_object_set_new(o, "healthy_count",
			    json_integer(f->hc));
			json_object_set_new(o, "healthy_total",
			    json_integer(f->ht));
			json_object_set_new(o, "p_value", json_real(f->p));
			json_object_set_new(o, "rank", json_integer(f->rank));
			test = diag_test(f);
			json_object_set_new(o, "test",
			    diag_json_string(&tmp, test));
			free(test);
			json_array_append_new(a, o);
		}
	}
	buf_free(&tmp);
	return a;
}
