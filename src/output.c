/* SPDX-License-Identifier: MIT */
/*
 * Where the report goes: standard output, or a path.  A regular file (or a
 * new one) is written to a temporary file in the same directory and renamed
 * over the path when the report is complete, so a reader never sees half a
 * report; anything else (a device, a FIFO) is written in place, never
 * replaced.  A symlink stands for its target: the target is replaced, the
 * link stays.  The temporary file never outlives the run: it is removed
 * on failure, at exit (fatal) and by output_unlink_temporary, which a
 * signal handler may call.  The report is written in pieces as it is
 * built, so its size does not stay in memory (a day's report has
 * thousands of sections).
 */
#include "config.h"

#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "loganalyze.h"

#define OUTPUT_FLUSH_AT	(256 * 1024)	/* bytes a report keeps before writing */

struct output {
	int	 fd;
	char	*name;		/* for messages: the path, or <stdout> */
	char	*path;		/* the path to rename to, or NULL */
	char	*tmp;		/* the temporary file, or NULL */
};

/* The temporary file being written, for the exit and signal clean-up. */
static char *volatile output_temporary;

/* Remove the temporary file, if one is being written; async-signal-safe. */
void
output_unlink_temporary(void)
{
	char	*tmp = output_temporary;

	if (tmp != NULL) {
		output_temporary = NULL;
		unlink(tmp);
	}
}

/*
 * Whether path is a regular file and other the same file (device and
 * inode); other "-" is standard input.  A device or FIFO is never
 * replaced, so it does not count.
 */
int
output_is_same_file(const char *path, const char *other)
{
	struct stat	a, b;

	if (stat(path, &a) != 0 || !S_ISREG(a.st_mode))
		return 0;
	if (strcmp(other, "-") == 0) {
		if (fstat(STDIN_FILENO, &b) != 0)
			return 0;
	} else if (stat(other, &b) != 0)
		return 0;
	return a.st_dev == b.st_dev && a.st_ino == b.st_ino;
}

/*
 * The file a symlink at path leads to, allocated; NULL when path is not a
 * symlink.  A dangling link leads to the name it holds, relative to the
 * link's directory.
 */
static char *
output_link_target(const char *path)
{
	struct stat	 sb;
	char		 link[PATH_MAX], *full, *slash;
	ssize_t		 n;

	if (lstat(path, &sb) != 0 || !S_ISLNK(sb.st_mode))
		return NULL;
	full = realpath(path, NULL);
	if (full != NULL)
		return full;
	n = readlink(path, link, sizeof link - 1);
	if (n <= 0)
		return NULL;
	link[n] = '\0';
	slash = strrchr(path, '/');
	if (link[0] == '/' || slash == NULL)
		return xstrdup(link);
	return xasprintf("%.*s/%s", (int)(slash - path), path, link);
}

/*
 * The mkstemp template of path: PATH.tmpXXXXXX in the same directory, or
 * DIR/.loganalyze.tmpXXXXXX when that name would be over NAME_MAX.
 */
static char *
output_template(const char *path)
{
	const char	*slash, *base;

	slash = strrchr(path, '/');
	base = slash != NULL ? slash + 1 : path;
	if (strlen(base) + sizeof ".tmpXXXXXX" - 1 <= NAME_MAX)
		return xasprintf("%s.tmpXXXXXX", path);
	return xasprintf("%.*s.loganalyze.tmpXXXXXX",
	    (int)(base - path), path);
}

static void
output_atexit(void)
{
	output_unlink_temporary();
}

/* Write all of len bytes to fd; -1 with errno set on failure. */
static int
output_write_all(int fd, const char *p, size_t len)
{
	ssize_t	n;

	while (len > 0) {
		if (fault_hit(FAULT_WRITE)) {
			errno = EIO;
			return -1;
		}
		n = write(fd, p, len);
		if (n == -1) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/*
 * Open the destination: stdout for NULL or "-".  NULL and *cause when it
 * cannot be written.
 */
struct output *
output_open(const char *path, char **cause)
{
	static int	 registered;
	struct output	*o;
	struct stat	 sb;

	o = xcalloc(1, sizeof *o);
	if (path == NULL || strcmp(path, "-") == 0) {
		o->fd = STDOUT_FILENO;
		o->name = xstrdup("<stdout>");
		return o;
	}
	o->name = xstrdup(path);
	if (stat(path, &sb) == 0 && !S_ISREG(sb.st_mode)) {
		o->fd = open(path, O_WRONLY | O_TRUNC | O_CLOEXEC);
		if (o->fd == -1)
			goto fail;
		return o;
	}
	o->path = output_link_target(path);
	if (o->path == NULL)
		o->path = xstrdup(path);
	o->tmp = output_template(o->path);
	if (!registered) {
		atexit(output_atexit);
		registered = 1;
	}
	o->fd = mkstemp(o->tmp);
	if (o->fd == -1) {
		free(o->tmp);
		o->tmp = NULL;
		goto fail;
	}
	output_temporary = o->tmp;
	return o;
fail:
	*cause = xasprintf("%s: %s", path, strerror(errno));
	output_abort(o);
	return NULL;
}

/*
 * Write b out and empty it.  -1 and *cause on failure, or when a stop
 * signal came (the report is then not put in place).
 */
int
output_write(struct output *o, struct buf *b, char **cause)
{
	if (ingest_stop) {
		*cause = xasprintf("%s: interrupted", o->name);
		return -1;
	}
	if (output_write_all(o->fd, b->data, b->len) != 0) {
		*cause = xasprintf("%s: %s", o->name, strerror(errno));
		return -1;
	}
	buf_reset(b);
	return 0;
}

/*
 * Between the pieces of a report: write b out once it holds enough (o may
 * be NULL: then b keeps everything).  -1 and *cause on failure.
 */
int
output_flush(struct output *o, struct buf *b, char **cause)
{
	if (o == NULL || b->len < OUTPUT_FLUSH_AT)
		return 0;
	return output_write(o, b, cause);
}

/*
 * Append v as json_dumps(JSON_INDENT(2)) puts it at depth levels of
 * nesting, for reports that write their outer array or object by hand;
 * releases v.
 */
void
output_json(struct buf *b, struct json_t *v, int depth)
{
	char	*text, *p, *nl;

	text = json_dumps(v, JSON_INDENT(2) | JSON_ENCODE_ANY);
	json_decref(v);
	if (text == NULL)
		fatalx("out of memory writing JSON");
	for (p = text; (nl = strchr(p, '\n')) != NULL; p = nl + 1) {
		buf_add(b, p, (size_t)(nl + 1 - p));
		buf_printf(b, "%*s", 2 * depth, "");
	}
	buf_adds(b, p);
	free(text);
}

/*
 * The report is complete: put it in place (a temporary file is synced,
 * given the mode a new file gets and renamed over the path) and free o.
 * -1 and *cause on failure, and then the path is left as it was.
 */
int
output_close(struct output *o, char **cause)
{
	mode_t	mask;

	if (ingest_stop) {
		*cause = xasprintf("%s: interrupted", o->name);
		output_abort(o);
		return -1;
	}
	if (o->tmp != NULL) {
		if (fsync(o->fd) != 0)
			goto fail;
		/* mkstemp makes the file 0600 */
		mask = umask(0);
		umask(mask);
		if (close(o->fd) != 0) {
			o->fd = -1;
			goto fail;
		}
		o->fd = -1;
		if (chmod(o->tmp, 0666 & ~mask) != 0 ||
		    rename(o->tmp, o->path) != 0)
			goto fail;
		output_temporary = NULL;
		free(o->tmp);
		o->tmp = NULL;
	} else if (o->fd != STDOUT_FILENO && close(o->fd) != 0) {
		o->fd = -1;
		goto fail;
	}
	o->fd = -1;
	output_abort(o);
	return 0;
fail:
	*cause = xasprintf("%s: %s", o->name, strerror(errno));
	output_abort(o);
	return -1;
}

/* Give up: remove the temporary file, if any, and free o. */
void
output_abort(struct output *o)
{
	if (o == NULL)
		return;
	if (o->fd != -1 && o->fd != STDOUT_FILENO)
		close(o->fd);
	if (o->tmp != NULL) {
		output_temporary = NULL;
		unlink(o->tmp);
	}
	free(o->tmp);
	free(o->path);
	free(o->name);
	free(o);
}
