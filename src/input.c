/* SPDX-License-Identifier: MIT */
/*
 * Line reader over files, standard input and compressed archives: gzip
 * through zlib, and zstd and xz when built with their libraries, told by
 * their first bytes, concatenated members or frames read in a row.  Bytes
 * come in through read(2) into our own buffer and are decompressed as they
 * come, so a line on a pipe is handed over as soon as its newline is there,
 * and a stop signal loses nothing that was read.  A line is returned
 * without its newline; its text stays valid until the next call.  A line
 * longer than INPUT_MAX_LINE is cut there and the rest is skipped, but its
 * full length is reported so the caller can count it.  Memory is the two
 * buffers and a decompressor's window, however long the input.
 */
#include "config.h"

#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <zlib.h>
#ifdef HAVE_ZSTD
#include <zstd.h>
#include <zstd_errors.h>
#endif
#ifdef HAVE_LZMA
#include <lzma.h>
#endif

#include "loganalyze.h"

#define INPUT_MAX_LINE	(1024 * 1024)
#define INPUT_CHUNK	(256 * 1024)
/* xz -9 needs 65 MiB; a header asking for more is not a log's */
#define INPUT_XZ_MEMLIMIT	(256 * 1024 * 1024)

enum input_codec {
	INPUT_UNKNOWN,		/* the first bytes are not read yet */
	INPUT_PLAIN,
	INPUT_GZIP,
	INPUT_ZSTD,
	INPUT_XZ
};

#ifdef HAVE_ZSTD
#define INPUT_HAVE_ZSTD	1
#else
#define INPUT_HAVE_ZSTD	0
#endif
#ifdef HAVE_LZMA
#define INPUT_HAVE_LZMA	1
#else
#define INPUT_HAVE_LZMA	0
#endif

/*
 * Compressed formats by their first bytes (the file name does not count).
 * The first byte is compared under mask0: a zstd file may open with a
 * skippable frame, magic 0x184D2A50 to 0x184D2A5F little-endian (pzstd
 * always writes one), which libzstd skips.
 */
static const struct {
	enum input_codec	 codec;
	const char		*name;
	const char		*magic;
	size_t			 len;
	unsigned char		 mask0;
	int			 built;
} input_magics[] = {
	{ INPUT_GZIP, "gzip", "\x1f\x8b", 2, 0xff, 1 },
	{ INPUT_ZSTD, "zstd", "\x28\xb5\x2f\xfd", 4, 0xff, INPUT_HAVE_ZSTD },
	{ INPUT_ZSTD, "zstd", "\x50\x2a\x4d\x18", 4, 0xf0, INPUT_HAVE_ZSTD },
	{ INPUT_XZ, "xz", "\xfd" "7zXZ\0", 6, 0xff, INPUT_HAVE_LZMA },
};

/* Whether the n bytes at p are the start of magic number i. */
static int
input_magic_is(size_t i, const unsigned char *p, size_t n)
{
	const char	*m = input_magics[i].magic;

	if (n == 0)
		return 1;
	if ((p[0] & input_magics[i].mask0) !=
	    ((unsigned char)m[0] & input_magics[i].mask0))
		return 0;
	return memcmp(p + 1, m + 1, n - 1) == 0;
}

struct input {
	int		 fd;
	int		 stream;	/* not a regular file: read(2) may wait */
	enum input_codec codec;
	char		*name;
	char		*buf;		/* decompressed bytes, cut into lines */
	char		*spill;		/* the kept part of an overlong line */
	size_t		 cap;
	size_t		 start;		/* first unread byte */
	size_t		 end;		/* one past the last byte read */
	int		 eof;
	unsigned char	*zbuf;		/* bytes as read(2) gave them */
	size_t		 zstart;
	size_t		 zend;
	int		 zeof;		/* read(2) returned 0 */
	int		 stopped;	/* a stop signal ended the reading */
	int		 done;		/* nothing more comes out */
	int		 member;	/* inside a gzip member or zstd frame */
	const char	*error;		/* decompression failed after zbuf */
	z_stream	 zs;
	int		 zs_live;
#ifdef HAVE_ZSTD
	ZSTD_DStream	*zd;
#endif
#ifdef HAVE_LZMA
	lzma_stream	 lz;
	int		 lz_live;
#endif
	uint64_t	 lineno;
	uint64_t	 bytes;		/* of the lines returned */
	uint64_t	 raw;		/* bytes read (decompressed), skip too */
	uint64_t	 limit;		/* read no further than this */
	int		 digesting;	/* input_digest_start was called */
	struct digest	 digest;	/* of the raw bytes since */
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
	in->fd = fd;
	in->stream = !S_ISREG(st.st_mode);
	in->name = xstrdup(strcmp(path, "-") == 0 ? "<stdin>" : path);
	in->cap = INPUT_MAX_LINE + INPUT_CHUNK;
	in->buf = xmalloc(in->cap);
	in->zbuf = xmalloc(INPUT_CHUNK);
	in->limit = UINT64_MAX;
	return in;
}

/*
 * Wait until a pipe or terminal has something to read.  SIGINT and
 * SIGTERM are let through only while ppoll sleeps, so one that comes just
 * before cannot leave it waiting for bytes that may never come.  Returns 1
 * when read(2) will not wait, 0 after a stop signal, -1 on an error.
 */
static int
input_wait(struct input *in)
{
#ifdef HAVE_PPOLL
	struct pollfd	pfd;
	sigset_t	stop, old;
	int		rc = 0, saved = 0;

	sigemptyset(&stop);
	sigaddset(&stop, SIGINT);
	sigaddset(&stop, SIGTERM);
	sigprocmask(SIG_BLOCK, &stop, &old);
	pfd.fd = in->fd;
	pfd.events = POLLIN;
	while (!ingest_stop) {
		rc = ppoll(&pfd, 1, NULL, &old);
		if (rc != -1 || errno != EINTR)
			break;
	}
	saved = errno;
	sigprocmask(SIG_SETMASK, &old, NULL);
	if (ingest_stop)
		return 0;
	if (rc == -1) {
		errno = saved;
		return -1;
	}
	return 1;
#else
	/* a signal just before read(2) waits for the next bytes */
	(void)in;
	return !ingest_stop;
#endif
}

/*
 * One read(2).  On a pipe or terminal a stop signal ends the input: 0 is
 * returned and in->stopped set.  A regular file never waits, so it is read
 * to its end whatever comes (input_scan must see the whole of it).
 */
static ssize_t
input_sysread(struct input *in, void *dst, size_t len)
{
	ssize_t	n;
	int	rc;

	for (;;) {
		if (in->stream) {
			rc = input_wait(in);
			if (rc == -1)
				return -1;
			if (rc == 0) {
				in->stopped = 1;
				return 0;
			}
		}
		if (fault_hit(FAULT_READ)) {
			errno = EIO;
			return -1;
		}
		n = read(in->fd, dst, len);
		if (n != -1 || errno != EINTR)
			return n;
	}
}

/* The message of a failed read: the file, how far it was read, why. */
static char *
input_error(struct input *in, const char *why)
{
	return xasprintf("%s: after line %llu: %s", in->name,
	    (unsigned long long)in->lineno, why);
}

/*
 * Read more compressed bytes after the ones not yet decompressed.
 * Returns -1 on an error; otherwise in->zeof or in->stopped says whether
 * it was the end.
 */
static int
input_refill(struct input *in, char **cause)
{
	ssize_t	n;

	if (in->zstart > 0) {
		memmove(in->zbuf, in->zbuf + in->zstart, in->zend - in->zstart);
		in->zend -= in->zstart;
		in->zstart = 0;
	}
	if (in->zend == INPUT_CHUNK)
		fatalx("%s: input buffer full", __func__);
	n = input_sysread(in, in->zbuf + in->zend, INPUT_CHUNK - in->zend);
	if (n == -1) {
		*cause = input_error(in, strerror(errno));
		return -1;
	}
	if (n == 0 && !in->stopped)
		in->zeof = 1;
	in->zend += (size_t)n;
	return 0;
}

/*
 * Tell the format by the first bytes: read until they match a magic
 * number, or cannot be the start of one (a plain file's first line goes
 * through at once), or the input ends.
 */
static int
input_sniff(struct input *in, char **cause)
{
	size_t	i, have, n;
	int	maybe;

	for (;;) {
		have = in->zend - in->zstart;
		maybe = 0;
		for (i = 0; i < sizeof input_magics / sizeof input_magics[0];
		    i++) {
			n = input_magics[i].len;
			if (have >= n && input_magic_is(i,
			    in->zbuf + in->zstart, n))
				goto found;
			if (have < n && input_magic_is(i,
			    in->zbuf + in->zstart, have))
				maybe = 1;
		}
		if (!maybe || in->zeof || in->stopped) {
			in->codec = INPUT_PLAIN;
			return 0;
		}
		if (input_refill(in, cause) != 0)
			return -1;
	}

found:
	if (!input_magics[i].built) {
		*cause = xasprintf("%s: %s-compressed, but this loganalyze was "
		    "built without %s support", in->name, input_magics[i].name,
		    input_magics[i].name);
		in->done = 1;
		return -1;
	}
	in->codec = input_magics[i].codec;
	return 0;
}

/*
 * One inflate call over what is in zbuf.  Returns 1 when it needs more
 * input, 0 otherwise (with in->done or in->error set at the end).
 */
static int
input_step_gzip(struct input *in, char *dst, size_t len, size_t *made)
{
	z_stream	*zs = &in->zs;
	size_t		 avail = in->zend - in->zstart;
	int		 rc;

	if (!in->member) {
		/*
		 * Between members: another one, or the end.  Bytes after the
		 * last member that do not start one are ignored, as gzip(1)
		 * and zlib's gzread do (tape padding).
		 */
		if (avail < 2 && !in->zeof)
			return 1;
		if (avail < 2 || memcmp(in->zbuf + in->zstart, "\x1f\x8b",
		    2) != 0) {
			in->done = 1;
			return 0;
		}
		if (!in->zs_live) {
			/* 15 + 16: the largest window, gzip header only */
			if (inflateInit2(zs, 15 + 16) != Z_OK)
				fatalx("inflateInit2: out of memory");
			in->zs_live = 1;
		} else
			inflateReset(zs);
		in->member = 1;
	}
	zs->next_in = in->zbuf + in->zstart;
	zs->avail_in = (uInt)avail;
	zs->next_out = (unsigned char *)dst + *made;
	zs->avail_out = (uInt)(len - *made);
	/* no input is fine: output it held back for want of room comes */
	rc = inflate(zs, Z_NO_FLUSH);
	in->zstart = in->zend - zs->avail_in;
	*made = len - zs->avail_out;
	switch (rc) {
	case Z_OK:
		return 0;
	case Z_STREAM_END:
		in->member = 0;
		return 0;
	case Z_BUF_ERROR:
		if (zs->avail_in == 0 && !in->zeof)
			return 1;
		if (zs->avail_in == 0) {
			in->error = "unexpected end of file";
			return 0;
		}
		break;
	case Z_MEM_ERROR:
		fatalx("inflate: out of memory");
	}
	in->error = zs->msg != NULL ? zs->msg : "compressed data error";
	return 0;
}

#ifdef HAVE_ZSTD
/* libzstd's error in the words of the gzip and xz ones. */
static const char *
input_zstd_error(size_t rc)
{
	switch (ZSTD_getErrorCode(rc)) {
	case ZSTD_error_prefix_unknown:
		return "unknown frame descriptor";
	case ZSTD_error_corruption_detected:
		return "compressed data is corrupt";
	case ZSTD_error_checksum_wrong:
		return "incorrect data check";
	case ZSTD_error_frameParameter_windowTooLarge:
		return "needs more than 128 MiB of memory to decompress";
	default:
		return ZSTD_getErrorName(rc);
	}
}

/* One ZSTD_decompressStream call, as input_step_gzip. */
static int
input_step_zstd(struct input *in, char *dst, size_t len, size_t *made)
{
	ZSTD_inBuffer	 ib;
	ZSTD_outBuffer	 ob;
	size_t		 rc;

	if (in->zd == NULL) {
		in->zd = ZSTD_createDStream();
		if (in->zd == NULL)
			fatalx("ZSTD_createDStream: out of memory");
		ZSTD_initDStream(in->zd);
	}
	ib.src = in->zbuf + in->zstart;
	ib.size = in->zend - in->zstart;
	ib.pos = 0;
	ob.dst = dst;
	ob.size = len;
	ob.pos = *made;
	rc = ZSTD_decompressStream(in->zd, &ob, &ib);
	in->zstart += ib.pos;
	if (ZSTD_isError(rc)) {
		*made = ob.pos;
		in->error = input_zstd_error(rc);
		return 0;
	}
	if (ib.pos > 0 || ob.pos > *made) {
		/* 0: the frame is complete and all of it is out */
		in->member = rc != 0;
		*made = ob.pos;
		return 0;
	}
	/* nothing left to do with what it was given */
	if (!in->zeof)
		return 1;
	if (in->member)
		in->error = "unexpected end of file";
	else
		in->done = 1;
	return 0;
}
#endif

#ifdef HAVE_LZMA
/* One lzma_code call, as input_step_gzip; the .xz streams in a row. */
static int
input_step_xz(struct input *in, char *dst, size_t len, size_t *made)
{
	lzma_stream	*lz = &in->lz;
	lzma_ret	 rc;
	size_t		 before = *made, avail = in->zend - in->zstart;

	if (!in->lz_live) {
		rc = lzma_stream_decoder(lz, INPUT_XZ_MEMLIMIT,
		    LZMA_CONCATENATED);
		if (rc != LZMA_OK)
			fatalx("lzma_stream_decoder: out of memory");
		in->lz_live = 1;
	}
	lz->next_in = in->zbuf + in->zstart;
	lz->avail_in = avail;
	lz->next_out = (uint8_t *)dst + *made;
	lz->avail_out = len - *made;
	/* the last stream is known complete only when told there is no more */
	rc = lzma_code(lz, in->zeof ? LZMA_FINISH : LZMA_RUN);
	in->zstart = in->zend - lz->avail_in;
	*made = len - lz->avail_out;
	switch (rc) {
	case LZMA_OK:
		if (!in->zeof && *made == before && lz->avail_in == avail)
			return 1;
		return 0;
	case LZMA_STREAM_END:
		in->done = 1;
		return 0;
	case LZMA_BUF_ERROR:
		/* no progress, the second call in a row */
		if (!in->zeof)
			return 1;
		in->error = "unexpected end of file";
		return 0;
	case LZMA_MEM_ERROR:
		fatalx("lzma_code: out of memory");
	case LZMA_MEMLIMIT_ERROR:
		in->error = "needs more than 256 MiB of memory to decompress";
		return 0;
	case LZMA_FORMAT_ERROR:
		in->error = "file format not recognized";
		return 0;
	case LZMA_OPTIONS_ERROR:
		in->error = "unsupported compression options";
		return 0;
	case LZMA_DATA_ERROR:
		in->error = "compressed data is corrupt";
		return 0;
	default:
		in->error = "compressed data error";
		return 0;
	}
}
#endif

/*
 * Decompress into dst, up to len bytes.  What the bytes read so far give
 * is handed over before waiting for more, and before an error in the bytes
 * after it is reported (on the next call).
 */
static ssize_t
input_decode(struct input *in, char *dst, size_t len, char **cause)
{
	size_t	made = 0;
	int	more = 0;

	for (;;) {
		if (in->error != NULL) {
			if (made > 0)
				break;
			*cause = input_error(in, in->error);
			in->error = NULL;
			in->done = 1;
			return -1;
		}
		if (made == len || in->done)
			break;
		switch (in->codec) {
		case INPUT_GZIP:
			more = input_step_gzip(in, dst, len, &made);
			break;
#ifdef HAVE_ZSTD
		case INPUT_ZSTD:
			more = input_step_zstd(in, dst, len, &made);
			break;
#endif
#ifdef HAVE_LZMA
		case INPUT_XZ:
			more = input_step_xz(in, dst, len, &made);
			break;
#endif
		default:
			fatalx("%s: codec %d", __func__, (int)in->codec);
		}
		if (!more)
			continue;
		if (made > 0)
			break;
		if (input_refill(in, cause) != 0)
			return -1;
		if (in->stopped)
			in->done = 1;
	}
	return (ssize_t)made;
}

/*
 * Up to len decompressed bytes into dst.  Returns how many, at least one
 * unless the input has ended (or a stop signal ended it, or it failed
 * before); -1 and a message in *cause on an error.
 */
static ssize_t
input_read(struct input *in, char *dst, size_t len, char **cause)
{
	ssize_t	n;
	size_t	have;

	if (in->done)
		return 0;
	if (in->codec == INPUT_UNKNOWN && input_sniff(in, cause) != 0)
		return -1;
	if (in->codec != INPUT_PLAIN)
		n = input_decode(in, dst, len, cause);
	else if (in->zstart < in->zend) {
		/* the first bytes, read to tell the format */
		have = in->zend - in->zstart;
		n = (ssize_t)(have < len ? have : len);
		memcpy(dst, in->zbuf + in->zstart, (size_t)n);
		in->zstart += (size_t)n;
	} else if (in->zeof || in->stopped)
		n = 0;
	else {
		n = input_sysread(in, dst, len);
		if (n == -1) {
			*cause = input_error(in, strerror(errno));
			in->done = 1;
		}
	}
	if (n > 0) {
		in->raw += (uint64_t)n;
		if (in->digesting)
			digest_update(&in->digest, dst, (size_t)n);
	}
	return n;
}

/* Read more into the buffer after moving unread bytes to the front. */
static int
input_fill(struct input *in, char **cause)
{
	ssize_t	n;
	size_t	want;

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
	n = input_read(in, in->buf + in->end, want, cause);
	if (n == -1)
		return -1;
	if (n == 0)
		in->eof = 1;
	in->end += (size_t)n;
	return 0;
}

/* One read into the buffer for input_scan and input_skip. */
static int
input_read_raw(struct input *in, size_t want, char **cause)
{
	if (want > in->cap)
		want = in->cap;
	return (int)input_read(in, in->buf, want, cause);
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

/*
 * From the first byte (call it before reading), digest what is read,
 * skipped bytes included, as input_scan does: a file read twice can be
 * told to have changed between the two.
 */
void
input_digest_start(struct input *in)
{
	digest_init(&in->digest);
	in->digesting = 1;
}

/* The digest of what was read since input_digest_start, as hex. */
void
input_digest_hex(const struct input *in, char hex[DIGEST_HEX_LEN])
{
	digest_hex(&in->digest, hex);
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
 * Next line in *line and *len; *full is its length before any cut.  After
 * a stop signal, the lines complete when it came are still returned, but
 * not the start of one still being written.
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
		if (nl != NULL || (in->eof && avail > 0 && !in->stopped))
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

/*
 * Whether the input is a pipe, FIFO, terminal or socket: after a stop
 * signal it hands over the lines it holds, then ends by itself.
 */
int
input_is_stream(const struct input *in)
{
	return in->stream;
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
	if (in->zs_live)
		inflateEnd(&in->zs);
#ifdef HAVE_ZSTD
	ZSTD_freeDStream(in->zd);
#endif
#ifdef HAVE_LZMA
	if (in->lz_live)
		lzma_end(&in->lz);
#endif
	close(in->fd);
	free(in->zbuf);
	free(in->buf);
	free(in->spill);
	free(in->name);
	free(in);
}
