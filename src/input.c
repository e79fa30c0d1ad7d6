/* SPDX-License-Identifier: MIT */
/*
 * Line reader over files, standard input and gzip archives (zlib reads plain
 * files through the same calls, and concatenated gzip members in a row).
 * A line is returned without its newline; its text stays valid until the
 * next call.  A line longer than INPUT_MAX_LINE is cut there and the rest is
 * skipped, but its full length is reported so the caller can count it.
 */
#include "config.h"

#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <zlib.h>

#include "loganalyze.h"

#define INPUT_MAX_LINE	(1024 * 1024)
#define INPUT_CHUNK	(256 * 1024)

struct input {
	gzFile		 gz;
	char		*name;
	char		*buf;
	char		*spill;		/* the kept part of an overlong line */
	size_t		 cap;
	size_t		 start;		/* first unread byte */
	size_t		 end;		/* one past the last byte read */
	int		 eof;
	uint64_t	 lineno;
	uint64_t	 bytes;
};

/*
 * Open a path, or standard input for "-".  Returns NULL and a message in
 * *cause when it cannot be read.
 */
struct input *
input_open(const char *path, char **cause)
{
	struct input	*in;
	struct stat	 st;
	int		 fd;

	if (strcmp(path, "-") == 0)
		fd = dup(STDIN_FILENO);
	else
		fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd == -1) {
		*cause = xasprintf("%s: %s", path, strerror(errno));
		return NULL;
	}
	if (fstat(fd, &st) == -1) {
		*cause = xasprintf("%s: %s", path, strerror(errno));
		close(fd);
		return NULL;
	}
	if (S_ISDIR(st.st_mode)) {
		*cause = xasprintf("%s: is a directory", path);
		close(fd);
		return NULL;
	}

	in = xcalloc(1, sizeof *in);
	in->gz = gzdopen(fd, "rb");
	if (in->gz == NULL) {
		*cause = xasprintf("%s: cannot open: out of memory", path);
		close(fd);
		free(in);
		return NULL;
	}
	gzbuffer(in->gz, INPUT_CHUNK);
	in->name = xstrdup(strcmp(path, "-") == 0 ? "<stdin>" : path);
	in->cap = INPUT_MAX_LINE + INPUT_CHUNK;
	in->buf = xmalloc(in->cap);
	return in;
}

/* zlib's message for a failed read, without the "<fd:3>: " it starts with. */
static const char *
input_gzerror(struct input *in, int *errnum)
{
	const char	*msg, *p;

	msg = gzerror(in->gz, errnum);
	if (*errnum == Z_ERRNO)
		return strerror(errno);
	p = strstr(msg, ": ");
	if (strncmp(msg, "<fd:", 4) == 0 && p != NULL)
		return p + 2;
	return msg;
}

/* Read more into the buffer after moving unread bytes to the front. */
static int
input_fill(struct input *in, char **cause)
{
	int		 n, errnum;
	const char	*msg;

	if (in->start > 0) {
		memmove(in->buf, in->buf + in->start, in->end - in->start);
		in->end -= in->start;
		in->start = 0;
	}
	if (in->end == in->cap || in->eof)
		return 0;
	n = gzread(in->gz, in->buf + in->end, (unsigned)(in->cap - in->end));
	if (n < 0) {
		msg = input_gzerror(in, &errnum);
		*cause = xasprintf("%s: after line %llu: %s", in->name,
		    (unsigned long long)in->lineno, msg);
		return -1;
	}
	if (n == 0) {
		msg = input_gzerror(in, &errnum);
		if (errnum != Z_OK && errnum != Z_STREAM_END) {
			*cause = xasprintf("%s: after line %llu: %s", in->name,
			    (unsigned long long)in->lineno, msg);
			return -1;
		}
		in->eof = 1;
	}
	in->end += (size_t)n;
	return 0;
}

/*
 * Next line in *line and *len; *full is its length before any cut.
 */
enum input_status
input_getline(struct input *in, const char **line, size_t *len, size_t *full,
    char **cause)
{
	char	*nl;
	size_t	 avail, skipped;

	for (;;) {
		avail = in->end - in->start;
		nl = memchr(in->buf + in->start, '\n', avail);
		if (nl != NULL || (in->eof && avail > 0))
			break;
		if (in->eof)
			return INPUT_EOF;
		if (avail >= INPUT_MAX_LINE)
			goto overlong;
		if (input_fill(in, cause) != 0)
			return INPUT_ERROR;
	}
	*line = in->buf + in->start;
	*len = nl != NULL ? (size_t)(nl - *line) : avail;
	*full = *len;
	in->start += *len + (nl != NULL);
	in->bytes += *len + (nl != NULL);
	in->lineno++;
	return INPUT_LINE;

overlong:
	/* Keep the first INPUT_MAX_LINE bytes aside, skip to the newline. */
	if (in->spill == NULL)
		in->spill = xmalloc(INPUT_MAX_LINE);
	memcpy(in->spill, in->buf + in->start, INPUT_MAX_LINE);
	skipped = avail;
	in->start = in->end;
	nl = NULL;
	while (nl == NULL) {
		if (input_fill(in, cause) != 0)
			return INPUT_ERROR;
		avail = in->end - in->start;
		if (avail == 0 && in->eof)
			break;
		nl = memchr(in->buf + in->start, '\n', avail);
		if (nl != NULL)
			avail = (size_t)(nl - (in->buf + in->start));
		skipped += avail;
		in->start += avail + (nl != NULL);
	}
	*line = in->spill;
	*len = INPUT_MAX_LINE;
	*full = skipped;
	in->bytes += skipped + (nl != NULL);
	in->lineno++;
	return INPUT_LINE;
}

const char *
input_name(const struct input *in)
{
	return in->name;
}

uint64_t
input_lineno(const struct input *in)
{
	return in->lineno;
}

uint64_t
input_bytes(const struct input *in)
{
	return in->bytes;
}

void
input_close(struct input *in)
{
	if (in == NULL)
		return;
	gzclose(in->gz);
	free(in->buf);
	free(in->spill);
	free(in->name);
	free(in);
}
