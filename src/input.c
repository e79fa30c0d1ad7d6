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
	uint64_t	 bytes;		/* of the lines returned */
	uint64_t	 raw;		/* bytes read (decompressed), skip too */
	uint64_t	 limit;		/* read no further than this */
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
	in->limit = UINT64_MAX;
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
	size_t		 want;
	const char	*msg;

	if (in->start > 0) {
		memmove(in->buf, in->buf + in->start, in->end - in->start);
		in->end -= in->start;
		in->start = 0;
	}
	if (in->end == in->cap || in->eof)
		return 0;
	want = in->cap - in->end;
	if (want > in->limit - in->raw)
		want = (size_t)(in->limit - in->raw);
	if (want == 0) {
		in->eof = 1;
		return 0;
	}
	n = gzread(in->gz, in->buf + in->end, (unsigned)want);
	if (n < 0 && ingest_stop) {
		/* a signal broke the read: stop here, keep what was read */
		in->eof = 1;
		return 0;
	}
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
	in->raw += (size_t)n;
	return 0;
}

/* One gzread into the buffer for input_scan and input_skip. */
static int
input_read_raw(struct input *in, size_t want, char **cause)
{
	int		 n, errnum;
	const char	*msg;

	if (want > in->cap)
		want = in->cap;
	n = gzread(in->gz, in->buf, (unsigned)want);
	if (n <= 0) {
		msg = input_gzerror(in, &errnum);
		if (n < 0 || (errnum != Z_OK && errnum != Z_STREAM_END)) {
			*cause = xasprintf("%s: after line %llu: %s", in->name,
			    (unsigned long long)in->lineno, msg);
			return -1;
		}
		return 0;
	}
	in->raw += (size_t)n;
	return n;
}

/* Count the newlines of n bytes read by input_scan, for its messages. */
static void
input_count_lines(struct input *in, size_t n)
{
	const char	*p = in->buf, *end = in->buf + n;

	while ((p = memchr(p, '\n', (size_t)(end - p))) != NULL) {
		in->lineno++;
		p++;
	}
}

/*
 * Read the input to its end and take its digest (decompressed): the whole
 * in sc->bytes and sc->hash; and for each length at[i] (ascending) up to
 * the whole, the digest of that many first bytes in sc->prefix[i] and
 * whether they end a line in sc->prefix_nl[i].  sc->n counts the lengths
 * that were reached.  Nothing is returned as lines: close the input after.
 */
int
input_scan(struct input *in, const uint64_t *at, size_t nat,
    struct input_scan *sc, char **cause)
{
	struct digest	 d;
	size_t		 off, take, i = 0;
	int		 n, last = -1;

	memset(sc, 0, sizeof *sc);
	sc->prefix = xreallocarray(NULL, nat + 1, sizeof *sc->prefix);
	sc->prefix_nl = xcalloc(nat + 1, 1);
	digest_init(&d);
	for (;;) {
		n = input_read_raw(in, INPUT_CHUNK, cause);
		if (n < 0) {
			input_scan_free(sc);
			return -1;
		}
		if (n == 0)
			break;
		off = 0;
		while (i < nat && at[i] - d.len <= (uint64_t)n - off) {
			take = (size_t)(at[i] - d.len);
			digest_update(&d, in->buf + off, take);
			off += take;
			if (take > 0)
				last = (unsigned char)in->buf[off - 1];
			digest_hex(&d, sc->prefix[i]);
			sc->prefix_nl[i] = last == '\n';
			i++;
		}
		digest_update(&d, in->buf + off, (size_t)n - off);
		last = (unsigned char)in->buf[n - 1];
		input_count_lines(in, (size_t)n);
	}
	sc->n = i;
	sc->bytes = d.len;
	digest_hex(&d, sc->hash);
	return 0;
}

void
input_scan_free(struct input_scan *sc)
{
	free(sc->prefix);
	free(sc->prefix_nl);
	sc->prefix = NULL;
	sc->prefix_nl = NULL;
}

/*
 * Pass over the first bytes bytes, read before as lines lines, so that the
 * next line read is the one after them, numbered on from lines.
 */
int
input_skip(struct input *in, uint64_t bytes, uint64_t lines, char **cause)
{
	uint64_t	left;
	int		n;

	while (in->raw < bytes) {
		left = bytes - in->raw;
		n = input_read_raw(in, left < INPUT_CHUNK ? (size_t)left :
		    INPUT_CHUNK, cause);
		if (n < 0)
			return -1;
		if (n == 0) {
			*cause = xasprintf("%s: shorter than when it was "
			    "read before (%llu bytes)", in->name,
			    (unsigned long long)bytes);
			return -1;
		}
	}
	in->lineno = lines;
	return 0;
}

/* Read no more than limit decompressed bytes (input_skip's included). */
void
input_set_limit(struct input *in, uint64_t limit)
{
	in->limit = limit;
}

/* Decompressed bytes read so far, skipped ones included. */
uint64_t
input_raw_bytes(const struct input *in)
{
	return in->raw;
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
