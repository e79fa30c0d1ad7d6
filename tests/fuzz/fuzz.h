/* SPDX-License-Identifier: MIT */
/*
 * Shared helpers of the libFuzzer targets: a memory file that input_open
 * can read by path, and the checks every target applies to text that may
 * reach a report (no control characters, valid UTF-8).  A failed check
 * aborts, which libFuzzer reports as a crash with the input that caused it.
 */
#ifndef FUZZ_H
#define FUZZ_H

#include <sys/mman.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define FUZZ_CHECK(cond) do {						\
	if (!(cond)) {							\
		fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__,	\
		    __LINE__, #cond);					\
		abort();						\
	}								\
} while (0)

/*
 * Put data into a memory file and return a path that opens it afresh
 * (offset 0) in *path; the descriptor stays open for the next call.
 */
static inline void
fuzz_memfile(const uint8_t *data, size_t size, char *path, size_t pathsize)
{
	static int	 fd = -1;
	size_t		 off = 0;
	ssize_t		 n;

	if (fd == -1) {
		fd = memfd_create("fuzz-input", MFD_CLOEXEC);
		if (fd == -1) {
			perror("memfd_create");
			abort();
		}
	}
	if (ftruncate(fd, 0) != 0 || lseek(fd, 0, SEEK_SET) != 0)
		abort();
	while (off < size) {
		n = write(fd, data + off, size - off);
		if (n <= 0)
			abort();
		off += (size_t)n;
	}
	snprintf(path, pathsize, "/proc/self/fd/%d", fd);
}

/* Length of the UTF-8 sequence at s (strict: no overlongs, surrogates). */
static inline size_t
fuzz_utf8_len(const unsigned char *s, size_t len)
{
	size_t		n, i;
	uint32_t	cp;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		n = 2;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		n = 3;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		n = 4;
	else
		return 0;
	if (len < n)
		return 0;
	cp = s[0] & (0x7f >> n);
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3f);
	}
	if ((n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) ||
	    (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
		return 0;
	return n;
}

/*
 * Text that may reach a terminal or a report: valid UTF-8, and no control
 * character (C0, DEL, C1, bidirectional overrides) but the ones in allowed.
 */
static inline void
fuzz_check_clean(const char *text, size_t len, const char *allowed)
{
	const unsigned char	*s = (const unsigned char *)text;
	size_t			 i = 0, n;

	while (i < len) {
		n = fuzz_utf8_len(s + i, len - i);
		FUZZ_CHECK(n > 0);
		if (n == 1 && (s[i] < 0x20 || s[i] == 0x7f))
			FUZZ_CHECK(s[i] != '\0' &&
			    strchr(allowed, s[i]) != NULL);
		if (n == 2 && s[i] == 0xc2)
			FUZZ_CHECK(s[i + 1] > 0x9f);	/* C1 controls */
		if (n == 3 && s[i] == 0xe2 && s[i + 1] == 0x80)	/* bidi */
			FUZZ_CHECK(s[i + 2] < 0xa8 || s[i + 2] > 0xae);
		i += n;
	}
}

#endif
