/* SPDX-License-Identifier: MIT */
/*
 * Messages to standard error.  Every message starts with the program name
 * and is printed once; fatal ends the process with exit status 3 (an I/O or
 * internal failure), since usage errors are handled in main.c.
 */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "loganalyze.h"

int log_verbose;
static const char *log_progname = "loganalyze";

void
log_set_progname(const char *name)
{
	log_progname = name;
}

static void __attribute__((format(printf, 2, 0)))
log_vprint(const char *prefix, const char *fmt, va_list ap, const char *tail)
{
	fprintf(stderr, "%s: %s", log_progname, prefix);
	vfprintf(stderr, fmt, ap);
	if (tail != NULL)
		fprintf(stderr, ": %s", tail);
	fputc('\n', stderr);
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
