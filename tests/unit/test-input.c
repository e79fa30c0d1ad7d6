/* SPDX-License-Identifier: MIT */
/*
 * Unit tests for input.c: archives told by their content, members and
 * frames in a row, damage named with the line it came after, and pipes
 * read as the bytes come: a line is handed over while the writer still
 * holds the pipe open (alarm() ends a test that would wait for ever), and
 * a stop signal ends a read that waits.
 */
#include "config.h"

#include <sys/types.h>
#include <sys/wait.h>

#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <zlib.h>
#ifdef HAVE_ZSTD
#include <zstd.h>
#endif
#ifdef HAVE_LZMA
#include <lzma.h>
#endif

#include "loganalyze.h"
#include "check.h"

#define WATCHDOG	30	/* seconds before a test that waits is killed */

/* Write n bytes to fd, all of them. */
static void
put(int fd, const void *p, size_t n)
{
	const char	*c = p;
	ssize_t		 w;

	while (n > 0) {
		w = write(fd, c, n);
		if (w <= 0)
			fatal("write");
		c += w;
		n -= (size_t)w;
	}
}

/* A temporary file holding n bytes; its path is in path (unlink it). */
static void
temp_file(char *path, size_t size, const void *p, size_t n)
{
	int	fd;

	snprintf(path, size, "/tmp/test-input.XXXXXX");
	fd = mkstemp(path);
	if (fd == -1)
		fatal("mkstemp");
	put(fd, p, n);
	close(fd);
}

/*
 * input_open on a temporary file of n bytes, its path in path (unlink it).
 * NULL, the failure checked and the file gone, when it does not open.
 */
static struct input *
open_temp_file(char *path, size_t size, const void *p, size_t n)
{
	struct input	*in;
	char		*cause = NULL;

	temp_file(path, size, p, n);
	in = input_open(path, &cause);
	CHECK(in != NULL);
	if (in == NULL) {
		fprintf(stderr, "%s\n", cause);
		free(cause);
		unlink(path);
	}
	return in;
}

/* A pipe whose read end is standard input, for input_open("-"). */
static int
pipe_stdin(void)
{
	int	p[2];

	if (pipe(p) != 0)
		fatal("pipe");
	if (dup2(p[0], STDIN_FILENO) == -1)
		fatal("dup2");
	close(p[0]);
	return p[1];
}

/* The next line is want. */
static int
line_is(struct input *in, const char *want)
{
	const char	*line;
	size_t		 len, full;
	char		*cause = NULL;

	if (input_getline(in, &line, &len, &full, &cause) != INPUT_LINE) {
		printf("    no line (%s), want \"%s\"\n",
		    cause != NULL ? cause : "end", want);
		free(cause);
		return 0;
	}
	if (len != strlen(want) || memcmp(line, want, len) != 0) {
		printf("    got \"%.*s\", want \"%s\"\n", (int)len, line, want);
		return 0;
	}
	return 1;
}

/* The input ends here, without an error. */
static int
ends(struct input *in)
{
	const char	*line;
	size_t		 len, full;
	char		*cause = NULL;
	int		 is;

	is = input_getline(in, &line, &len, &full, &cause);
	if (is == INPUT_ERROR) {
		printf("    error: %s\n", cause);
		free(cause);
	}
	return is == INPUT_EOF;
}

/* The next read fails with the message want. */
static int
fails_with(struct input *in, const char *want)
{
	const char	*line;
	size_t		 len, full;
	char		*cause = NULL;
	int		 ok;

	if (input_getline(in, &line, &len, &full, &cause) != INPUT_ERROR)
		return 0;
	ok = strcmp(cause, want) == 0;
	if (!ok)
		printf("    got \"%s\", want \"%s\"\n", cause, want);
	free(cause);
	return ok;
}

/*
 * gzip of the text in two pieces: the first flushed so that it can be
 * decompressed on its own, the second ending the member.
 */
static size_t
gzip_two(const char *a, const char *b, unsigned char *out, size_t size,
    size_t *first)
{
	z_stream	zs;

	memset(&zs, 0, sizeof zs);
	if (deflateInit2(&zs, 6, Z_DEFLATED, 15 + 16, 8,
	    Z_DEFAULT_STRATEGY) != Z_OK)
		fatalx("deflateInit2");
	zs.next_out = out;
	zs.avail_out = (uInt)size;
	zs.next_in = (unsigned char *)(uintptr_t)a;
	zs.avail_in = (uInt)strlen(a);
	deflate(&zs, Z_SYNC_FLUSH);
	*first = size - zs.avail_out;
	zs.next_in = (unsigned char *)(uintptr_t)b;
	zs.avail_in = (uInt)strlen(b);
	if (deflate(&zs, Z_FINISH) != Z_STREAM_END)
		fatalx("deflate");
	deflateEnd(&zs);
	return size - zs.avail_out;
}

static void
test_plain_file(void)
{
	static const char	 text[] = "one\ntwo\n\nlast";
	struct input		*in;
	char			 path[64];

	in = open_temp_file(path, sizeof path, text, sizeof text - 1);
	if (in == NULL)
		return;
	CHECK(line_is(in, "one"));
	CHECK(line_is(in, "two"));
	CHECK(line_is(in, ""));
	CHECK(line_is(in, "last"));
	CHECK(ends(in));
	CHECK(input_lineno(in) == 4);
	CHECK(input_bytes(in) == sizeof text - 1);
	input_close(in);
	unlink(path);
}

static void
test_gzip_members_then_garbage(void)
{
	unsigned char	 gz[4096];
	size_t		 n, first;
	struct input	*in;
	char		 path[64];

	n = gzip_two("one\n", "two\n", gz, sizeof gz, &first);
	n += gzip_two("three\n", "four\n", gz + n, sizeof gz - n, &first);
	/* bytes after the last member that do not start one: ignored */
	memcpy(gz + n, "tape padding", 12);
	n += 12;
	if ((in = open_temp_file(path, sizeof path, gz, n)) == NULL)
		return;
	CHECK(line_is(in, "one"));
	CHECK(line_is(in, "two"));
	CHECK(line_is(in, "three"));
	CHECK(line_is(in, "four"));
	CHECK(ends(in));
	input_close(in);
	unlink(path);
}

static void
test_gzip_truncated(void)
{
	unsigned char	 gz[4096];
	size_t		 first;
	struct input	*in;
	char		 path[64], want[128];

	/* the end of the second piece and the trailer are missing */
	gzip_two("one\ntwo\nthr", "ee\n", gz, sizeof gz, &first);
	if ((in = open_temp_file(path, sizeof path, gz, first)) == NULL)
		return;
	CHECK(line_is(in, "one"));
	CHECK(line_is(in, "two"));
	snprintf(want, sizeof want, "%s: after line 2: unexpected end of file",
	    path);
	CHECK(fails_with(in, want));
	input_close(in);
	unlink(path);
}

/*
 * Write first to a pipe, see the lines it completes come while the pipe is
 * still open, then write rest and close it.
 */
static void
stream_in_two(const void *first, size_t nfirst, const void *rest,
    size_t nrest)
{
	struct input	*in;
	char		*cause = NULL;
	int		 w;

	w = pipe_stdin();
	put(w, first, nfirst);
	in = input_open("-", &cause);
	CHECK(in != NULL);
	if (in == NULL) {
		close(w);
		return;
	}
	alarm(WATCHDOG);
	CHECK(line_is(in, "one"));
	CHECK(line_is(in, "two"));
	put(w, rest, nrest);
	close(w);
	CHECK(line_is(in, "three"));
	CHECK(ends(in));
	alarm(0);
	input_close(in);
}

static void
test_pipe_plain_as_it_comes(void)
{
	stream_in_two("one\ntwo\nthr", 11, "ee\n", 3);
}

static void
test_pipe_gzip_as_it_comes(void)
{
	unsigned char	gz[4096];
	size_t		n, first;

	n = gzip_two("one\ntwo\nthr", "ee\n", gz, sizeof gz, &first);
	stream_in_two(gz, first, gz + first, n - first);
}

#ifdef HAVE_ZSTD
static void
test_pipe_zstd_as_it_comes(void)
{
	unsigned char	 z[4096];
	ZSTD_CCtx	*cc;
	ZSTD_inBuffer	 ib;
	ZSTD_outBuffer	 ob = { z, sizeof z, 0 };
	size_t		 first;

	cc = ZSTD_createCCtx();
	ib.src = "one\ntwo\nthr";
	ib.size = 11;
	ib.pos = 0;
	while (ZSTD_compressStream2(cc, &ob, &ib, ZSTD_e_flush) != 0)
		;
	first = ob.pos;
	ib.src = "ee\n";
	ib.size = 3;
	ib.pos = 0;
	while (ZSTD_compressStream2(cc, &ob, &ib, ZSTD_e_end) != 0)
		;
	ZSTD_freeCCtx(cc);
	stream_in_two(z, first, z + first, ob.pos - first);
}
#endif

#ifdef HAVE_LZMA
static void
test_pipe_xz_as_it_comes(void)
{
	unsigned char	 x[4096];
	lzma_stream	 lz = LZMA_STREAM_INIT;
	size_t		 first;

	if (lzma_easy_encoder(&lz, 6, LZMA_CHECK_CRC64) != LZMA_OK)
		fatalx("lzma_easy_encoder");
	lz.next_out = x;
	lz.avail_out = sizeof x;
	lz.next_in = (const uint8_t *)"one\ntwo\nthr";
	lz.avail_in = 11;
	while (lzma_code(&lz, LZMA_SYNC_FLUSH) == LZMA_OK)
		;
	first = sizeof x - lz.avail_out;
	lz.next_in = (const uint8_t *)"ee\n";
	lz.avail_in = 3;
	while (lzma_code(&lz, LZMA_FINISH) == LZMA_OK)
		;
	lzma_end(&lz);
	stream_in_two(x, first, x + first, sizeof x - lz.avail_out - first);
}
#endif

static void
on_stop(int sig)
{
	(void)sig;
	ingest_stop = 1;
}

/*
 * A pipe holding the first piece, open for ever: a SIGTERM from a child
 * ends the read that waits for more, and the input ends without an error
 * (inside a gzip member, too).
 */
static void
stop_while_waiting(const void *first, size_t nfirst)
{
	struct sigaction	 sa, old;
	struct input		*in;
	char			*cause = NULL;
	pid_t			 pid;
	int			 w;

	memset(&sa, 0, sizeof sa);
	sigemptyset(&sa.sa_mask);
	sa.sa_handler = on_stop;
	sigaction(SIGTERM, &sa, &old);
	ingest_stop = 0;
	w = pipe_stdin();
	put(w, first, nfirst);
	in = input_open("-", &cause);
	CHECK(in != NULL);
	if (in == NULL)
		goto out;
	alarm(WATCHDOG);
	/* a child must not write out what this process has buffered */
	fflush(stdout);
	fflush(stderr);
	pid = fork();
	if (pid == 0) {
		usleep(200 * 1000);
		kill(getppid(), SIGTERM);
		_exit(0);
	}
	CHECK(line_is(in, "one"));
	CHECK(line_is(in, "two"));
	/* "thr", the start of a line still being written, is not one */
	CHECK(ends(in));
	CHECK(ingest_stop);
	alarm(0);
	waitpid(pid, NULL, 0);
	input_close(in);
out:
	close(w);
	ingest_stop = 0;
	sigaction(SIGTERM, &old, NULL);
}

static void
test_stop_while_waiting_plain(void)
{
	stop_while_waiting("one\ntwo\nthr", 11);
}

static void
test_stop_while_waiting_gzip(void)
{
	unsigned char	gz[4096];
	size_t		first;

	gzip_two("one\ntwo\nthr", "ee\n", gz, sizeof gz, &first);
	stop_while_waiting(gz, first);
}

/* A line of 3 MiB from a pipe: cut at 1 MiB, its whole length counted. */
static void
test_pipe_overlong_line(void)
{
	struct input	*in;
	const char	*line;
	char		*cause = NULL, *big;
	size_t		 len, full, n = 3 * 1024 * 1024;
	pid_t		 pid;
	int		 w;

	w = pipe_stdin();
	alarm(WATCHDOG);
	/* a child must not write out what this process has buffered */
	fflush(stdout);
	fflush(stderr);
	pid = fork();
	if (pid == 0) {
		big = malloc(n);
		if (big == NULL)
			_exit(1);
		memset(big, 'x', n);
		put(w, big, n);
		put(w, "\nshort\n", 7);
		_exit(0);
	}
	close(w);
	in = input_open("-", &cause);
	CHECK(in != NULL);
	if (in != NULL) {
		CHECK(input_getline(in, &line, &len, &full, &cause) ==
		    INPUT_LINE);
		CHECK(len == 1024 * 1024);
		CHECK(full == n);
		CHECK(line_is(in, "short"));
		CHECK(ends(in));
		CHECK(input_lineno(in) == 2);
		input_close(in);
	}
	alarm(0);
	waitpid(pid, NULL, 0);
}

#if !defined(HAVE_ZSTD) || !defined(HAVE_LZMA)
static void
test_not_built_in(void)
{
#ifndef HAVE_ZSTD
	static const char	 data[] = "\x28\xb5\x2f\xfd rest";
	const char		*name = "zstd";
#else
	static const char	 data[] = "\xfd" "7zXZ\0 rest";
	const char		*name = "xz";
#endif
	struct input		*in;
	char			 path[64], want[200];

	in = open_temp_file(path, sizeof path, data, sizeof data - 1);
	if (in == NULL)
		return;
	snprintf(want, sizeof want, "%s: %s-compressed, but this loganalyze "
	    "was built without %s support", path, name, name);
	CHECK(fails_with(in, want));
	input_close(in);
	unlink(path);
}
#endif

/*
 * The digest of what was read is that of the file's content, and differs
 * when the file is rewritten in place (same size) while it is read: past
 * the first buffer's worth, so the change is read after it was made.
 */
static void
test_digest_of_what_was_read(void)
{
	struct digest	 d;
	struct input	*in;
	char		 path[64], want[DIGEST_HEX_LEN], got[DIGEST_HEX_LEN];
	char		*text, *cause = NULL;
	const char	*line;
	size_t		 n = 4 * 1024 * 1024, len, full, i;
	int		 fd, changed;

	text = xmalloc(n);
	for (i = 0; i < n; i++)
		text[i] = i % 64 == 63 ? '\n' : 'a' + (char)(i % 26);
	digest_init(&d);
	digest_update(&d, text, n);
	digest_hex(&d, want);
	for (changed = 0; changed <= 1; changed++) {
		in = open_temp_file(path, sizeof path, text, n);
		if (in == NULL)
			break;
		input_digest_start(in);
		CHECK(input_getline(in, &line, &len, &full, &cause) ==
		    INPUT_LINE);
		if (changed) {
			fd = open(path, O_WRONLY);
			CHECK(fd != -1);
			CHECK(pwrite(fd, "ZZ", 2, (off_t)(n - 100)) == 2);
			close(fd);
		}
		while (input_getline(in, &line, &len, &full, &cause) ==
		    INPUT_LINE)
			;
		CHECK(cause == NULL);
		CHECK(input_raw_bytes(in) == n);
		input_digest_hex(in, got);
		if (changed)
			CHECK(strcmp(got, want) != 0);
		else
			CHECK(strcmp(got, want) == 0);
		input_close(in);
		unlink(path);
	}
	free(text);
}

int
main(void)
{
	TEST(test_digest_of_what_was_read);
	TEST(test_plain_file);
	TEST(test_gzip_members_then_garbage);
	TEST(test_gzip_truncated);
	TEST(test_pipe_plain_as_it_comes);
	TEST(test_pipe_gzip_as_it_comes);
#ifdef HAVE_ZSTD
	TEST(test_pipe_zstd_as_it_comes);
#endif
#ifdef HAVE_LZMA
	TEST(test_pipe_xz_as_it_comes);
#endif
	TEST(test_stop_while_waiting_plain);
	TEST(test_stop_while_waiting_gzip);
	TEST(test_pipe_overlong_line);
#if !defined(HAVE_ZSTD) || !defined(HAVE_LZMA)
	TEST(test_not_built_in);
#endif
	return check_total_failed != 0;
}
