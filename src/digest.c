/* SPDX-License-Identifier: MIT */
/*
 * Content digests that tell inputs apart by their bytes, not their names:
 * SipHash-2-4 with a 128-bit result (Aumasson and Bernstein) under a fixed
 * key, fed incrementally.  It is not a defence against someone forging
 * logs; it tells a file already in the database from a new one, and a file
 * that grew from the one it was.  digest_hex never changes the state, so
 * the digest of every prefix can be taken on the way through a file.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "loganalyze.h"

/* The key of the reference test vectors: bytes 00..0f. */
#define DIGEST_K0	UINT64_C(0x0706050403020100)
#define DIGEST_K1	UINT64_C(0x0f0e0d0c0b0a0908)

#define ROTL(x, b)	(uint64_t)(((x) << (b)) | ((x) >> (64 - (b))))

static void
digest_rounds(uint64_t v[4], int n)
{
	while (n-- > 0) {
		v[0] += v[1];
		v[1] = ROTL(v[1], 13);
		v[1] ^= v[0];
		v[0] = ROTL(v[0], 32);
		v[2] += v[3];
		v[3] = ROTL(v[3], 16);
		v[3] ^= v[2];
		v[0] += v[3];
		v[3] = ROTL(v[3], 21);
		v[3] ^= v[0];
		v[2] += v[1];
		v[1] = ROTL(v[1], 17);
		v[1] ^= v[2];
		v[2] = ROTL(v[2], 32);
	}
}

static uint64_t
digest_load(const unsigned char *p)
{
	return (uint64_t)p[0] | (uint64_t)p[1] << 8 | (uint64_t)p[2] << 16 |
	    (uint64_t)p[3] << 24 | (uint64_t)p[4] << 32 |
	    (uint64_t)p[5] << 40 | (uint64_t)p[6] << 48 |
	    (uint64_t)p[7] << 56;
}

static void
digest_block(struct digest *d, uint64_t m)
{
	d->v[3] ^= m;
	digest_rounds(d->v, 2);
	d->v[0] ^= m;
}

void
digest_init(struct digest *d)
{
	memset(d, 0, sizeof *d);
	d->v[0] = UINT64_C(0x736f6d6570736575) ^ DIGEST_K0;
	d->v[1] = UINT64_C(0x646f72616e646f6d) ^ DIGEST_K1 ^ 0xee;
	d->v[2] = UINT64_C(0x6c7967656e657261) ^ DIGEST_K0;
	d->v[3] = UINT64_C(0x7465646279746573) ^ DIGEST_K1;
}

/* Add len bytes at p. */
void
digest_update(struct digest *d, const void *p, size_t len)
{
	const unsigned char	*s = p;
	size_t			 take;

	d->len += len;
	if (d->ntail > 0) {
		take = 8 - d->ntail;
		if (take > len)
			take = len;
		memcpy(d->tail + d->ntail, s, take);
		d->ntail += take;
		s += take;
		len -= take;
		if (d->ntail < 8)
			return;
		digest_block(d, digest_load(d->tail));
		d->ntail = 0;
	}
	while (len >= 8) {
		digest_block(d, digest_load(s));
		s += 8;
		len -= 8;
	}
	memcpy(d->tail, s, len);
	d->ntail = len;
}

/* The digest of the bytes so far: 16 bytes into out.  d is not changed. */
void
digest_final(const struct digest *d, unsigned char out[16])
{
	uint64_t	v[4], b, h[2];
	size_t		i;
	int		k;

	memcpy(v, d->v, sizeof v);
	b = (uint64_t)d->len << 56;
	for (i = 0; i < d->ntail; i++)
		b |= (uint64_t)d->tail[i] << (8 * i);
	v[3] ^= b;
	digest_rounds(v, 2);
	v[0] ^= b;
	v[2] ^= 0xee;
	digest_rounds(v, 4);
	h[0] = v[0] ^ v[1] ^ v[2] ^ v[3];
	v[1] ^= 0xdd;
	digest_rounds(v, 4);
	h[1] = v[0] ^ v[1] ^ v[2] ^ v[3];
	for (k = 0; k < 16; k++)
		out[k] = (unsigned char)(h[k / 8] >> (8 * (k % 8)));
}

/* The digest as 32 lower-case hex digits and a NUL.  d is not changed. */
void
digest_hex(const struct digest *d, char out[DIGEST_HEX_LEN])
{
	static const char	 hex[] = "0123456789abcdef";
	unsigned char		 raw[16];
	int			 i;

	digest_final(d, raw);
	for (i = 0; i < 16; i++) {
		out[2 * i] = hex[raw[i] >> 4];
		out[2 * i + 1] = hex[raw[i] & 0xf];
	}
	out[32] = '\0';
}
