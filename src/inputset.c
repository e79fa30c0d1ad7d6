/* SPDX-License-Identifier: MIT */
/*
 * The list of inputs of a run, from the command line: a directory stands
 * for the log files in it, and the files of a rotated set (relay.log,
 * relay.log.1, relay.log.2.gz, or relay.log-20251210.zst) are put oldest
 * first, so that reading order is time order and a session that spans two
 * files reads as one.  Other inputs keep the order they were given in.
 * Names only order and pick files: input.c tells a compressed file by its
 * content.
 */
#include "config.h"

#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "loganalyze.h"

/* What logrotate's compresscmd may add to a rotated file's name. */
static const char	*inputset_compressed[] = { ".gz", ".zst", ".xz" };

struct inputset_item {
	char		*path;
	char		*group;		/* the path without rotation suffixes */
	int		 rank;		/* 0 numbered, 1 dated, 2 live */
	uint64_t	 value;		/* its number or date */
	size_t		 order;		/* position as given */
	size_t		 first;		/* position of its set's first file */
};

/* Whether s[0..len) is all digits (and not empty). */
static int
inputset_digits(const char *s, size_t len, uint64_t *v)
{
	size_t	i;

	if (len == 0 || len > 18)
		return 0;
	*v = 0;
	for (i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return 0;
		*v = *v * 10 + (uint64_t)(s[i] - '0');
	}
	return 1;
}

/* The length of name without a compression suffix, if it has one. */
static size_t
inputset_strip_compressed(const char *name, size_t len)
{
	size_t	i, n;

	for (i = 0; i < sizeof inputset_compressed /
	    sizeof inputset_compressed[0]; i++) {
		n = strlen(inputset_compressed[i]);
		if (len > n && strcmp(name + len - n,
		    inputset_compressed[i]) == 0)
			return len - n;
	}
	return len;
}

/*
 * Split a path into its rotated set and place in it: "a.log.2.gz" is the
 * set "a.log", number 2; "a.log-20251210" the same set, dated; "a.log" the
 * live file.
 */
static void
inputset_classify(struct inputset_item *it)
{
	const char	*p = it->path, *dot, *slash;
	size_t		 len;
	uint64_t	 v;

	slash = strrchr(p, '/');
	slash = slash != NULL ? slash + 1 : p;
	len = inputset_strip_compressed(p, strlen(p));
	it->rank = 2;
	it->value = 0;
	dot = NULL;
	if (len > 0) {
		/* back over the digits at the end */
		for (dot = p + len - 1; dot > slash; dot--)
			if (*dot < '0' || *dot > '9')
				break;
	}
	if (dot != NULL && dot > slash && *dot == '.' &&
	    inputset_digits(dot + 1, (size_t)(p + len - dot - 1), &v)) {
		it->rank = 0;
		it->value = UINT64_MAX - v;	/* the highest number first */
		len = (size_t)(dot - p);
	} else if (dot != NULL && dot > slash && *dot == '-' &&
	    p + len - dot - 1 == 8 &&
	    inputset_digits(dot + 1, 8, &v)) {
		it->rank = 1;
		it->value = v;
		len = (size_t)(dot - p);
	} else if (len < strlen(p)) {
		/* a.log.gz, a.log.zst: after the numbered ones, before a.log */
		it->rank = 0;
		it->value = UINT64_MAX;
	}
	it->group = xstrndup(p, len);
}

/* Whether a directory entry's name is that of a log file. */
static int
inputset_is_log_name(const char *name)
{
	static const char	*ends[] = {
		".log", ".gz", ".zst", ".xz", ".txt", ".json", ".jsonl"
	};
	struct inputset_item	 it;
	size_t			 len = strlen(name), i, n;
	int			 yes = 0;

	if (name[0] == '.')
		return 0;
	for (i = 0; i < sizeof ends / sizeof ends[0]; i++) {
		n = strlen(ends[i]);
		if (len > n && strcmp(name + len - n, ends[i]) == 0)
			return 1;
	}
	/* a.log.3, a.log-20251210 */
	memset(&it, 0, sizeof it);
	it.path = (char *)name;
	inputset_classify(&it);
	n = strlen(it.group);
	if (it.rank != 2 && n > 4 && strcmp(it.group + n - 4, ".log") == 0)
		yes = 1;
	free(it.group);
	return yes;
}

static int
inputset_cmp_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int
inputset_cmp_group(const void *a, const void *b)
{
	const struct inputset_item	*x = a, *y = b;
	int				 c;

	c = strcmp(x->group, y->group);
	if (c != 0)
		return c;
	return x->order < y->order ? -1 : x->order > y->order;
}

static int
inputset_cmp_final(const void *a, const void *b)
{
	const struct inputset_item	*x = a, *y = b;

	if (x->first != y->first)
		return x->first < y->first ? -1 : 1;
	if (x->rank != y->rank)
		return x->rank < y->rank ? -1 : 1;
	if (x->value != y->value)
		return x->value < y->value ? -1 : 1;
	return x->order < y->order ? -1 : x->order > y->order;
}

/*
 * Rotation order of two paths, for the event order of a database (order.c)
 * where the inputs' times tie or are missing: by set, then oldest first.
 */
int
inputset_cmp_rotation(const char *a, const char *b)
{
	struct inputset_item	x, y;
	int			c;

	memset(&x, 0, sizeof x);
	memset(&y, 0, sizeof y);
	x.path = (char *)a;
	y.path = (char *)b;
	inputset_classify(&x);
	inputset_classify(&y);
	c = strcmp(x.group, y.group);
	if (c == 0 && x.rank != y.rank)
		c = x.rank < y.rank ? -1 : 1;
	if (c == 0 && x.value != y.value)
		c = x.value < y.value ? -1 : 1;
	free(x.group);
	free(y.group);
	return c;
}

static void
inputset_error(struct inputset *set, char *msg)
{
	set->errors = xreallocarray(set->errors, set->nerrors + 1,
	    sizeof *set->errors);
	set->errors[set->nerrors++] = msg;
}

static void
inputset_push(struct inputset_item **items, size_t *n, size_t *cap,
    const char *path)
{
	if (*n == *cap) {
		*cap = *cap == 0 ? 16 : *cap * 2;
		*items = xreallocarray(*items, *cap, sizeof **items);
	}
	memset(&(*items)[*n], 0, sizeof **items);
	(*items)[*n].path = xstrdup(path);
	(*items)[*n].order = *n;
	(*n)++;
}

/* Add the log files of directory dir, in name order. */
static void
inputset_add_dir(struct inputset *set, struct inputset_item **items,
    size_t *n, size_t *cap, const char *dir)
{
	DIR		*d;
	struct dirent	*de;
	struct stat	 sb;
	char		**names = NULL, *path;
	size_t		 nnames = 0, i, before = *n;

	d = opendir(dir);
	if (d == NULL) {
		inputset_error(set, xasprintf("%s: %s", dir, strerror(errno)));
		return;
	}
	while ((de = readdir(d)) != NULL) {
		if (!inputset_is_log_name(de->d_name))
			continue;
		names = xreallocarray(names, nnames + 1, sizeof *names);
		names[nnames++] = xstrdup(de->d_name);
	}
	closedir(d);
	if (nnames > 0)
		qsort(names, nnames, sizeof *names, inputset_cmp_name);
	for (i = 0; i < nnames; i++) {
		if (dir[0] != '\0' && dir[strlen(dir) - 1] == '/')
			path = xasprintf("%s%s", dir, names[i]);
		else
			path = xasprintf("%s/%s", dir, names[i]);
		if (stat(path, &sb) == 0 && S_ISREG(sb.st_mode))
			inputset_push(items, n, cap, path);
		free(path);
		free(names[i]);
	}
	free(names);
	if (*n == before)
		inputset_error(set, xasprintf("%s: no log files in the "
		    "directory (*.log, *.log.N, *.gz, *.zst, *.xz, *.txt, "
		    "*.json, *.jsonl)", dir));
}

/*
 * Expand the n command-line inputs args into set->paths: directories into
 * their log files, rotated sets oldest first, a path given twice once.
 * What cannot be listed goes to set->errors; the rest is still there.
 */
void
inputset_expand(struct inputset *set, const char *const *args, size_t n)
{
	struct inputset_item	*items = NULL;
	struct stat		 sb;
	struct {
		int	 known;		/* stat worked: compare dev and ino */
		dev_t	 dev;
		ino_t	 ino;
	}			*ids;
	size_t			 nitems = 0, cap = 0, i, j;

	memset(set, 0, sizeof *set);
	for (i = 0; i < n; i++) {
		if (strcmp(args[i], "-") != 0 && stat(args[i], &sb) == 0 &&
		    S_ISDIR(sb.st_mode))
			inputset_add_dir(set, &items, &nitems, &cap, args[i]);
		else
			inputset_push(&items, &nitems, &cap, args[i]);
	}
	for (i = 0; i < nitems; i++) {
		if (strcmp(items[i].path, "-") == 0) {
			/* never part of a set */
			items[i].group = xasprintf("-\n%zu", i);
			items[i].rank = 2;
		} else
			inputset_classify(&items[i]);
	}
	if (nitems > 0) {
		qsort(items, nitems, sizeof *items, inputset_cmp_group);
		for (i = 0; i < nitems; i = j) {
			for (j = i; j < nitems && strcmp(items[j].group,
			    items[i].group) == 0; j++)
				items[j].first = items[i].order;
		}
		qsort(items, nitems, sizeof *items, inputset_cmp_final);
	}

	/* a file named twice, by any names, is read once: the first */
	set->paths = xreallocarray(NULL, nitems + 1, sizeof *set->paths);
	ids = xreallocarray(NULL, nitems + 1, sizeof *ids);
	for (i = 0; i < nitems; i++) {
		free(items[i].group);
		ids[set->n].known = strcmp(items[i].path, "-") != 0 &&
		    stat(items[i].path, &sb) == 0;
		if (ids[set->n].known) {
			ids[set->n].dev = sb.st_dev;
			ids[set->n].ino = sb.st_ino;
		}
		for (j = 0; j < set->n; j++) {
			if (ids[j].known && ids[set->n].known ?
			    ids[j].dev == ids[set->n].dev &&
			    ids[j].ino == ids[set->n].ino :
			    strcmp(set->paths[j], items[i].path) == 0)
				break;
		}
		if (j < set->n) {
			free(items[i].path);
			continue;
		}
		set->paths[set->n++] = items[i].path;
	}
	set->paths[set->n] = NULL;
	free(ids);
	free(items);
}

void
inputset_free(struct inputset *set)
{
	size_t	i;

	for (i = 0; i < set->n; i++)
		free(set->paths[i]);
	free(set->paths);
	for (i = 0; i < set->nerrors; i++)
		free(set->errors[i]);
	free(set->errors);
	memset(set, 0, sizeof *set);
}
