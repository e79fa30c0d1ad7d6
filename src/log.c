/* SPDX-License-Identifier: MIT */
/*
 * Messages to standard error.  Every message starts with the program name
 * and is printed once; fatal ends the process with exit status 3 (an I/O or
 * internal failure), since usage errors are handled in main.c.  A message
 * holds file names, database text and option values, so it goes through
 * text_sanitize: nothing in it can drive the terminal.
 */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "loganalyze.h"

/* Bytes of a message sanitised at a time (log_put_sanitized). */
#define LOG_PIECE	256

int log_verbose;
static const char *log_progname = "loganalyze";

void
log_set_progname(const char *name)
{
	log_progname = name;
}

/*
 * Write s sanitised, in pieces whose escapes fit a buffer on the stack (a
 * byte becomes at most 4): nothing is allocated, since fatal may be
 * reporting that memory ran out.  A piece never ends inside a UTF-8
 * sequence.
 */
static void
log_put_sanitized(const char *s, size_t len)
{
	char		 space[LOG_PIECE * 4 + 16];
	struct buf	 b;
	size_t		 n, k;

	while (len > 0) {
		n = len < LOG_PIECE ? len : LOG_PIECE;
		for (k = 0; n < len && k < 3 &&
		    ((unsigned char)s[n] & 0xc0) == 0x80; k++)
			n--;
		b.data = space;
		b.cap = sizeof space;
		b.len = 0;
		text_sanitize(&b, s, n);
		fwrite(b.data, 1, b.len, stderr);
		s += n;
		len -= n;
	}
}

static void __attribute__((format(printf, 2, 0)))
log_vprint(const char *prefix, const char *fmt, va_list ap, const char *tail)
{
	char		 msg[1024], *big = NULL;
	const char	*text = msg;
	va_list		 copy;
	int		 n;

	va_copy(copy, ap);
	n = vsnprintf(msg, sizeof msg, fmt, copy);
	va_end(copy);
	if (n < 0)
		text = fmt;
	else if ((size_t)n >= sizeof msg) {
		big = malloc((size_t)n + 1);
		if (big != NULL) {
			vsnprintf(big, (size_t)n + 1, fmt, ap);
			text = big;
		}
	}
	fprintf(stderr, "%s: %s", log_progname, prefix);
	log_put_sanitized(text, strlen(text));
	if (tail != NULL)
		fprintf(stderr, ": %s", tail);
	fputc('\n', stderr);
	free(big);
}

void
fatal(const char *fmt, ...)
{
	va_list	 ap;
	char	*tail = strerror(errno);

	va_start(ap, fmt);
	log_vprint("fatal: ", fmt, ap, tail);
	va_end(ap);
	exit(3);
}

void
fatalx(const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	log_vprint("fatal: ", fmt, ap, NULL);
	va_end(ap);
	exit(3);
}

void
log_warnx(const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	log_vprint("", fmt, ap, NULL);
	va_end(ap);
}

void
log_debug(const char *fmt, ...)
{
	va_list	ap;

	if (!log_verbose)
		return;
	va_start(ap, fmt);
	log_vprint("debug: ", fmt, ap, NULL);
	va_end(ap);
}
