/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer target: the line reader over plain, gzip, zstd and xz files
 * (input.c).  The input is written to a memory file and read back by path,
 * as a capture or an archive would be.  A read either ends or fails with a
 * message naming the file; no line is longer than the cut; a plain file
 * (one that does not start with a compressor's magic number) comes back
 * byte for byte: its lines joined with newlines are the file.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "loganalyze.h"
#include "fuzz.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

/* Whether input.c takes the data for plain text. */
static int
is_plain(const uint8_t *data, size_t size)
{
	static const struct {
		const char	*magic;
		size_t		 len;
	} magics[] = {
		{ "\x1f\x8b", 2 },
		{ "\x28\xb5\x2f\xfd", 4 },
		{ "\xfd" "7zXZ\0", 6 },
	};
	size_t	i;

	for (i = 0; i < sizeof magics / sizeof magics[0]; i++)
		if (size >= magics[i].len &&
		    memcmp(data, magics[i].magic, magics[i].len) == 0)
			return 0;
	return 1;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct input		*in;
	enum input_status	 is;
	const char		*line;
	char			 path[64], *cause = NULL;
	size_t			 len, full, off = 0;
	uint64_t		 lines = 0;
	int			 plain, cut = 0;

	fuzz_memfile(data, size, path, sizeof path);
	in = input_open(path, &cause);
	if (in == NULL) {
		fprintf(stderr, "%s\n", cause);
		abort();
	}
	plain = is_plain(data, size);
	while ((is = input_getline(in, &line, &len, &full, &cause)) ==
	    INPUT_LINE) {
		lines++;
		FUZZ_CHECK(len <= full);
		FUZZ_CHECK(len <= 1024 * 1024);
		FUZZ_CHECK(input_lineno(in) == lines);
		if (full > len)
			cut = 1;
		if (plain && !cut) {
			FUZZ_CHECK(off + len <= size);
			FUZZ_CHECK(memcmp(data + off, line, len) == 0);
			off += len;
			if (off < size) {
				FUZZ_CHECK(data[off] == '\n');
				off++;
			}
		}
	}
	if (is == INPUT_ERROR) {
		FUZZ_CHECK(cause != NULL && strstr(cause, path) == cause);
		free(cause);
	} else if (plain) {
		FUZZ_CHECK(input_bytes(in) == size);
		if (!cut)
			FUZZ_CHECK(off == size);
	}
	input_close(in);
	return 0;
}
