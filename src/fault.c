/* SPDX-License-Identifier: MIT */
/*
 * Fault injection for the tests (configure --enable-fault-injection):
 * with LOGANALYZE_FAULT=KIND:N in the environment, the N-th operation of
 * KIND fails as it would when the system refuses it: alloc (xmalloc.c
 * returns NULL), sqlite (SQLite's allocator returns NULL), read (input.c's
 * read(2) gives EIO), write (output.c's write(2) gives EIO), sqlite-write
 * (a write, truncate or sync of any SQLite file gives an I/O error, through
 * a VFS over the default one).  When the
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

static const char	*fault_names[] = {
	"alloc", "sqlite", "read", "write", "sqlite-write"
};
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
 * A VFS over the default one whose files fail the N-th write, truncate or
 * sync (sqlite-write): every method but those is the real file's.
 */
struct fault_file {
	sqlite3_file	 base;
	sqlite3_file	*real;		/* allocated after this struct */
};
static sqlite3_vfs		*fault_real_vfs;
static sqlite3_vfs		 fault_vfs;
static sqlite3_io_methods	 fault_io;

#define FAULT_REAL(f)	(((struct fault_file *)(f))->real)

static int
fault_close(sqlite3_file *f)
{
	return FAULT_REAL(f)->pMethods->xClose(FAULT_REAL(f));
}

static int
fault_read(sqlite3_file *f, void *p, int n, sqlite3_int64 off)
{
	return FAULT_REAL(f)->pMethods->xRead(FAULT_REAL(f), p, n, off);
}

static int
fault_write(sqlite3_file *f, const void *p, int n, sqlite3_int64 off)
{
	if (fault_hit(FAULT_SQLITE_WRITE))
		return SQLITE_IOERR_WRITE;
	return FAULT_REAL(f)->pMethods->xWrite(FAULT_REAL(f), p, n, off);
}

static int
fault_truncate(sqlite3_file *f, sqlite3_int64 size)
{
	if (fault_hit(FAULT_SQLITE_WRITE))
		return SQLITE_IOERR_TRUNCATE;
	return FAULT_REAL(f)->pMethods->xTruncate(FAULT_REAL(f), size);
}

static int
fault_sync(sqlite3_file *f, int flags)
{
	if (fault_hit(FAULT_SQLITE_WRITE))
		return SQLITE_IOERR_FSYNC;
	return FAULT_REAL(f)->pMethods->xSync(FAULT_REAL(f), flags);
}

static int
fault_size(sqlite3_file *f, sqlite3_int64 *size)
{
	return FAULT_REAL(f)->pMethods->xFileSize(FAULT_REAL(f), size);
}

static int
fault_lock(sqlite3_file *f, int lock)
{
	return FAULT_REAL(f)->pMethods->xLock(FAULT_REAL(f), lock);
}

static int
fault_unlock(sqlite3_file *f, int lock)
{
	return FAULT_REAL(f)->pMethods->xUnlock(FAULT_REAL(f), lock);
}

static int
fault_check_lock(sqlite3_file *f, int *out)
{
	return FAULT_REAL(f)->pMethods->xCheckReservedLock(FAULT_REAL(f), out);
}

static int
fault_control(sqlite3_file *f, int op, void *arg)
{
	return FAULT_REAL(f)->pMethods->xFileControl(FAULT_REAL(f), op, arg);
}

static int
fault_sector(sqlite3_file *f)
{
	return FAULT_REAL(f)->pMethods->xSectorSize(FAULT_REAL(f));
}

static int
fault_caps(sqlite3_file *f)
{
	return FAULT_REAL(f)->pMethods->xDeviceCharacteristics(FAULT_REAL(f));
}

static int
fault_shm_map(sqlite3_file *f, int i, int size, int extend,
    void volatile **p)
{
	return FAULT_REAL(f)->pMethods->xShmMap(FAULT_REAL(f), i, size,
	    extend, p);
}

static int
fault_shm_lock(sqlite3_file *f, int off, int n, int flags)
{
	return FAULT_REAL(f)->pMethods->xShmLock(FAULT_REAL(f), off, n,
	    flags);
}

static void
fault_shm_barrier(sqlite3_file *f)
{
	FAULT_REAL(f)->pMethods->xShmBarrier(FAULT_REAL(f));
}

static int
fault_shm_unmap(sqlite3_file *f, int delete)
{
	return FAULT_REAL(f)->pMethods->xShmUnmap(FAULT_REAL(f), delete);
}

static int
fault_fetch(sqlite3_file *f, sqlite3_int64 off, int n, void **p)
{
	return FAULT_REAL(f)->pMethods->xFetch(FAULT_REAL(f), off, n, p);
}

static int
fault_unfetch(sqlite3_file *f, sqlite3_int64 off, void *p)
{
	return FAULT_REAL(f)->pMethods->xUnfetch(FAULT_REAL(f), off, p);
}

static int
fault_open(sqlite3_vfs *vfs, const char *name, sqlite3_file *f, int flags,
    int *out)
{
	struct fault_file	*ff = (struct fault_file *)f;
	int			 rc;

	(void)vfs;
	ff->real = (sqlite3_file *)(ff + 1);
	rc = fault_real_vfs->xOpen(fault_real_vfs, name, ff->real, flags,
	    out);
	/* the real file's methods, or none when it did not open */
	if (ff->real->pMethods == NULL) {
		f->pMethods = NULL;
		return rc;
	}
	if (fault_io.iVersion == 0) {
		fault_io = *ff->real->pMethods;
		fault_io.xClose = fault_close;
		fault_io.xRead = fault_read;
		fault_io.xWrite = fault_write;
		fault_io.xTruncate = fault_truncate;
		fault_io.xSync = fault_sync;
		fault_io.xFileSize = fault_size;
		fault_io.xLock = fault_lock;
		fault_io.xUnlock = fault_unlock;
		fault_io.xCheckReservedLock = fault_check_lock;
		fault_io.xFileControl = fault_control;
		fault_io.xSectorSize = fault_sector;
		fault_io.xDeviceCharacteristics = fault_caps;
		if (fault_io.iVersion >= 2) {
			fault_io.xShmMap = fault_shm_map;
			fault_io.xShmLock = fault_shm_lock;
			fault_io.xShmBarrier = fault_shm_barrier;
			fault_io.xShmUnmap = fault_shm_unmap;
		}
		if (fault_io.iVersion >= 3) {
			fault_io.xFetch = fault_fetch;
			fault_io.xUnfetch = fault_unfetch;
		}
	}
	f->pMethods = &fault_io;
	return rc;
}

/* The fault VFS as the default, over the real default one. */
static void
fault_vfs_install(void)
{
	fault_real_vfs = sqlite3_vfs_find(NULL);
	if (fault_real_vfs == NULL)
		return;
	fault_vfs = *fault_real_vfs;
	fault_vfs.zName = "fault";
	fault_vfs.szOsFile = (int)sizeof(struct fault_file) +
	    fault_real_vfs->szOsFile;
	fault_vfs.xOpen = fault_open;
	sqlite3_vfs_register(&fault_vfs, 1);
}

/*
 * Read LOGANALYZE_FAULT and put the SQLite allocator or VFS in place:
 * call it first in main, before SQLite is used and before any thread
 * starts.
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
	if (fault_kind == FAULT_SQLITE_WRITE)
		fault_vfs_install();
}

#else

/* ISO C wants something in a translation unit. */
typedef int fault_unused;

#endif
