/* SPDX-License-Identifier: MIT */
/*
 * Handing parsed lines from the thread that reads them to the thread that
 * stores them.  Reading, unwrapping and parsing a line costs about as much
 * as storing it in SQLite, so on two CPUs each side gets one.
 *
 * The reading side copies each event, sample or continuation count into a
 * batch (the record's strings into the batch's arena, so the line buffer
 * can be reused at once) and, when the batch is full, passes it over and
 * fills the other one.  Two batches bound the memory whatever the input's
 * length.  Without a thread, a full batch is stored at once by the caller.
 * The storing side's first error stops it; the reading side learns it at
 * the next handover and gets the message from handoff_finish.
 */
#include "config.h"

#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "loganalyze.h"

#define HANDOFF_ITEMS	4096
#define HANDOFF_ARENA	(1024 * 1024)

struct batch {
	struct handoff_item	*item;
	size_t			 n;
	char			*arena;
	size_t			 used;
	size_t			 size;
	int			 full;	/* waiting to be stored */
};

struct handoff {
	handoff_fn		 fn;
	void			*arg;
	int			 threaded;
	pthread_t		 thread;
	pthread_mutex_t		 lock;
	pthread_cond_t		 cond;
	struct batch		 batch[2];
	int			 filling;	/* the batch being filled */
	int			 done;		/* nothing more will come */
	int			 failed;
	char			*cause;
};

static void
batch_init(struct batch *b)
{
	b->item = xcalloc(HANDOFF_ITEMS, sizeof *b->item);
	b->arena = xmalloc(HANDOFF_ARENA);
	b->size = HANDOFF_ARENA;
}

/*
 * Store one batch, unless an earlier one failed.  Returns 0, or -1 with the
 * message in *cause.
 */
static int
handoff_store(struct handoff *h, struct batch *b, int failed, char **cause)
{
	int	rc = 0;

	if (!failed)
		rc = h->fn(h->arg, b->item, b->n, cause);
	b->n = 0;
	b->used = 0;
	return rc;
}

/* Keep the first error (under the lock when there is a thread). */
static void
handoff_fail(struct handoff *h, char *cause)
{
	if (h->failed)
		free(cause);
	else {
		h->failed = 1;
		h->cause = cause;
	}
}

static void *
handoff_main(void *arg)
{
	struct handoff	*h = arg;
	struct batch	*b;
	char		*cause;
	int		 next = 0, failed, rc;

	pthread_mutex_lock(&h->lock);
	for (;;) {
		b = &h->batch[next];
		while (!b->full && !h->done)
			pthread_cond_wait(&h->cond, &h->lock);
		if (!b->full)
			break;
		failed = h->failed;
		pthread_mutex_unlock(&h->lock);
		cause = NULL;
		rc = handoff_store(h, b, failed, &cause);
		pthread_mutex_lock(&h->lock);
		if (rc != 0)
			handoff_fail(h, cause);
		b->full = 0;
		pthread_cond_broadcast(&h->cond);
		next = !next;
	}
	pthread_mutex_unlock(&h->lock);
	return NULL;
}

/*
 * fn stores n items; it runs on a thread of its own when threaded is set
 * (and the thread can be made), else on the caller's.
 */
struct handoff *
handoff_create(handoff_fn fn, void *arg, int threaded)
{
	struct handoff	*h;
	sigset_t	 stop, old;
	int		 rc;

	h = xcalloc(1, sizeof *h);
	h->fn = fn;
	h->arg = arg;
	batch_init(&h->batch[0]);
	batch_init(&h->batch[1]);
	if (threaded) {
		pthread_mutex_init(&h->lock, NULL);
		pthread_cond_init(&h->cond, NULL);
		/*
		 * The stop signals must reach the reading thread, whose
		 * read(2) on a pipe they interrupt: the storing thread is
		 * born with them blocked.
		 */
		sigemptyset(&stop);
		sigaddset(&stop, SIGINT);
		sigaddset(&stop, SIGTERM);
		pthread_sigmask(SIG_BLOCK, &stop, &old);
		rc = pthread_create(&h->thread, NULL, handoff_main, h);
		pthread_sigmask(SIG_SETMASK, &old, NULL);
		if (rc == 0)
			h->threaded = 1;
		else {
			log_debug("no storing thread: reading and storing "
			    "on one");
			pthread_cond_destroy(&h->cond);
			pthread_mutex_destroy(&h->lock);
		}
	}
	return h;
}

/*
 * Pass the batch being filled on and take the other one once it has been
 * stored.  -1 when storing has failed.
 */
static int
handoff_submit(struct handoff *h)
{
	struct batch	*b = &h->batch[h->filling];
	char		*cause = NULL;
	int		 failed;

	if (!h->threaded) {
		if (handoff_store(h, b, h->failed, &cause) != 0)
			handoff_fail(h, cause);
		return h->failed ? -1 : 0;
	}
	pthread_mutex_lock(&h->lock);
	if (b->n == 0) {
		failed = h->failed;
		pthread_mutex_unlock(&h->lock);
		return failed ? -1 : 0;
	}
	b->full = 1;
	pthread_cond_broadcast(&h->cond);
	h->filling = !h->filling;
	b = &h->batch[h->filling];
	while (b->full)
		pthread_cond_wait(&h->cond, &h->lock);
	failed = h->failed;
	pthread_mutex_unlock(&h->lock);
	b->n = 0;
	b->used = 0;
	return failed ? -1 : 0;
}

/*
 * A slot for one item with room for need bytes of strings, handing the
 * batch over first when it is full.  NULL when storing has failed.
 */
static struct handoff_item *
handoff_slot(struct handoff *h, size_t need)
{
	struct batch	*b = &h->batch[h->filling];

	if (b->n == HANDOFF_ITEMS || b->size - b->used < need) {
		if (handoff_submit(h) != 0)
			return NULL;
		b = &h->batch[h->filling];
	}
	if (b->size < need) {
		/* an empty batch: nothing points into its arena yet */
		free(b->arena);
		b->arena = xmalloc(need);
		b->size = need;
	}
	return &b->item[b->n++];
}

/* Copy len bytes and a NUL into the arena of the batch being filled. */
static const char *
handoff_copy(struct handoff *h, const char *s, size_t len)
{
	struct batch	*b = &h->batch[h->filling];
	char		*d = b->arena + b->used;

	if (len > 0)
		memcpy(d, s, len);
	d[len] = '\0';
	b->used += len + 1;
	return d;
}

/* An event, with copies of its strings.  -1 when storing has failed. */
int
handoff_event(struct handoff *h, uint64_t line, const struct log_record *r,
    const struct envelope *env)
{
	struct handoff_item	*it;
	struct batch		*b;
	size_t			 need;

	need = record_size(r, env);
	if ((it = handoff_slot(h, need)) == NULL)
		return -1;
	b = &h->batch[h->filling];
	it->type = HANDOFF_EVENT;
	it->line = line;
	it->n = 0;
	record_copy(b->arena + b->used, r, env, &it->rec, &it->env);
	b->used += need;
	return 0;
}

/* A line kept as a sample, and why.  -1 when storing has failed. */
int
handoff_sample(struct handoff *h, uint64_t line, const char *reason,
    const char *text, size_t len)
{
	struct handoff_item	*it;
	size_t			 rlen = strlen(reason);

	if ((it = handoff_slot(h, rlen + 1 + len + 1)) == NULL)
		return -1;
	it->type = HANDOFF_SAMPLE;
	it->line = line;
	it->n = 0;
	it->reason = handoff_copy(h, reason, rlen);
	it->text = handoff_copy(h, text, len);
	it->len = len;
	return 0;
}

/*
 * n continuation lines of the last event, told before the line at line.
 * -1 when storing has failed.
 */
int
handoff_continuations(struct handoff *h, uint64_t line, uint64_t n)
{
	struct handoff_item	*it;

	if ((it = handoff_slot(h, 0)) == NULL)
		return -1;
	it->type = HANDOFF_CONTINUATIONS;
	it->line = line;
	it->n = n;
	return 0;
}

/*
 * Store what is left, wait for the storing side to finish and free h.
 * Returns 0, or -1 with the storing side's first error in *cause.
 */
int
handoff_finish(struct handoff *h, char **cause)
{
	int	rc;

	if (h == NULL)
		return 0;
	handoff_submit(h);
	if (h->threaded) {
		pthread_mutex_lock(&h->lock);
		h->done = 1;
		pthread_cond_broadcast(&h->cond);
		pthread_mutex_unlock(&h->lock);
		pthread_join(h->thread, NULL);
		pthread_cond_destroy(&h->cond);
		pthread_mutex_destroy(&h->lock);
	}
	rc = h->failed ? -1 : 0;
	if (rc != 0)
		*cause = h->cause;
	else
		free(h->cause);
	free(h->batch[0].item);
	free(h->batch[0].arena);
	free(h->batch[1].item);
	free(h->batch[1].arena);
	free(h);
	return rc;
}
