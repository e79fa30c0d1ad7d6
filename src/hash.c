/* SPDX-License-Identifier: MIT */
/*
 * A hash of connection ids for the tables that follow each connection
 * while storing (runs.c, connsum.c).  Every stored line hashes one, so
 * eight bytes at a time: a byte-wise hash spends more here than the
 * lookup it serves.
 */
#include "config.h"

#include <string.h>

#include "loganalyze.h"

uint32_t
hash_bytes(const char *s, size_t len)
{
	const uint64_t	k = 0x9e3779b97f4a7c15ull;
	uint64_t	h = len * k, w;

	for (; len >= 8; s += 8, len -= 8) {
		memcpy(&w, s, 8);
		h = (h ^ w) * k;
		h ^= h >> 29;
	}
	w = 0;
	memcpy(&w, s, len);
	h = (h ^ w) * k;
	return (uint32_t)(h ^ (h >> 32));
}
