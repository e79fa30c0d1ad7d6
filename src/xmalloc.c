/* SPDX-License-Identifier: MIT */
/*
 * Checked allocation.  Running out of memory is not something loganalyze can
 * recover from in a useful way, so these never return NULL: they print a
 * clear message and exit.
 */
#include "config.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "loganalyze.h"

void *
xmalloc(size_t size)
{
	void	*p;

	if (size == 0)
		size = 1;
	p = fault_hit(FAULT_ALLOC) ? NULL : malloc(size);
	if (p == NULL)
		fatalx("out of memory allocating %zu bytes", size);
	return p;
}

void *
xcalloc(size_t n, size_t size)
{
	void	*p;

	if (n == 0 || size == 0)
		n = size = 1;
	p = fault_hit(FAULT_ALLOC) ? NULL : calloc(n, size);
	if (p == NULL)
		fatalx("out of memory allocating %zu * %zu bytes", n, size);
	return p;
}

void *
xrealloc(void *old, size_t size)
{
	void	*p;

	if (size == 0)
		size = 1;
	p = fault_hit(FAULT_ALLOC) ? NULL : realloc(old, size);
	if (p == NULL)
		fatalx("out of memory allocating %zu bytes", size);
	return p;
}

void *
xreallocarray(void *old, size_t n, size_t size)
{
	if (size != 0 && n > SIZE_MAX / size)
		fatalx("allocation overflow: %zu * %zu bytes", n, size);
	return xrealloc(old, n * size);
}

char *
xstrndup(const char *s, size_t len)
{
	char	*p;

	p = xmalloc(len + 1);
	memcpy(p, s, len);
	p[len] = '\0';
	return p;
}

char *
xstrdup(const char *s)
{
	return xstrndup(s, strlen(s));
}

char *
xvasprintf(const char *fmt, va_list ap)
{
	va_list	 aq;
	int	 n;
	char	*p;

	va_copy(aq, ap);
	n = vsnprintf(NULL, 0, fmt, aq);
	va_end(aq);
	if (n < 0)
		fatalx("bad format string: %s", fmt);
	p = xmalloc((size_t)n + 1);
	vsnprintf(p, (size_t)n + 1, fmt, ap);
	return p;
}

char *
xasprintf(const char *fmt, ...)
{
	va_list	 ap;
	char	*p;

	va_start(ap, fmt);
	p = xvasprintf(fmt, ap);
	va_end(ap);
	return p;
}

/*
 * Put "what: " in front of the message in *msg (an error cause, say), what
 * being formatted from fmt.
 */
void
xprefix(char **msg, const char *fmt, ...)
{
	va_list	 ap;
	char	*what, *old = *msg;

	va_start(ap, fmt);
	what = xvasprintf(fmt, ap);
	va_end(ap);
	*msg = xasprintf("%s: %s", what, old);
	free(what);
	free(old);
}
