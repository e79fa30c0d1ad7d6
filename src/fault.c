/* SPDX-License-Identifier: MIT */
/*
 * Fault injection for the tests (configure --enable-fault-injection):
 * with LOGANALYZE_FAULT=KIND:N in the environment, the N-th operation of
 * KIND fails as it would when the system refuses it: alloc (xmalloc.c
 * returns NULL), sqlite (SQLite's allocator returns NULL), read (input.c's
 * read(2) gives EIO), write (output.c's write(2) gives EIO).  When the
 * fault fires, the file named by LOGANALYZE_FAULT_HIT is created, so that
 * a sweep over N (tests/fault-sweep.sh) knows when N is past the last
 * operation.  Without the switch this file is empty and fault_hit is 0.
 */
#include "config.h"

#ifdef FAULT_INJECTION

#include <fcntl.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sqlite3.h>

#include "loganalyze.h"

static const char	*fault_names[] = { "alloc", "sqlite", "read", "write" };
static int		 fault_kind = -1;
static unsigned long	 fault_at;
static atomic_ulong	 fault_count;
static sqlite3_mem_methods fault_sqlite_mem;

/* Whether this operation of kind is the one to fail; async-safe enough. */
int
fault_hit(int kind)
{
	const char	*hit;
	int		 fd;

	if (kind != fault_kind)
		return 0;
	if (atomic_fetch_add(&fault_count, 1) + 1 != fault_at)
		return 0;
	hit = getenv("LOGANALYZE_FAULT_HIT");
	if (hit != NULL) {
		fd = open(hit, O_WRONLY | O_CREAT | O_CLOEXEC, 0666);
		if (fd != -1)
			close(fd);
	}
	return 1;
}

static void *
fault_sqlite_malloc(int n)
{
	if (fault_hit(FAULT_SQLITE))
		return NULL;
	return fault_sqlite_mem.xMalloc(n);
}

static void *
fault_sqlite_realloc(void *p, int n)
{
	if (fault_hit(FAULT_SQLITE))
		return NULL;
	return fault_sqlite_mem.xRealloc(p, n);
}

/*
 * Read LOGANALYZE_FAULT and put the SQLite allocator in place: call it
 * first in main, before SQLite is used and before any thread starts.
 */
void
fault_init(void)
{
	sqlite3_mem_methods	 m;
	const char		*v, *colon;
	char			*end;
	size_t			 i;

	v = getenv("LOGANALYZE_FAULT");
	if (v == NULL || (colon = strchr(v, ':')) == NULL)
		return;
	for (i = 0; i < sizeof fault_names / sizeof fault_names[0]; i++)
		if (strlen(fault_names[i]) == (size_t)(colon - v) &&
		    strncmp(v, fault_names[i], (size_t)(colon - v)) == 0)
			break;
	if (i == sizeof fault_names / sizeof fault_names[0])
		return;
	fault_at = strtoul(colon + 1, &end, 10);
	if (*end != '\0' || fault_at == 0)
		return;
	fault_kind = (int)i;
	if (fault_kind == FAULT_SQLITE &&
	    sqlite3_config(SQLITE_CONFIG_GETMALLOC, &fault_sqlite_mem) ==
	    SQLITE_OK) {
		m = fault_sqlite_mem;
		m.xMalloc = fault_sqlite_malloc;
		m.xRealloc = fault_sqlite_realloc;
		sqlite3_config(SQLITE_CONFIG_MALLOC, &m);
	}
}

#else

/* ISO C wants something in a translation unit. */
typedef int fault_unused;

#endif
