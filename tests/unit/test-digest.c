/* SPDX-License-Identifier: MIT */
/* Unit tests for digest.c: reference vectors and incremental feeding. */
#include "config.h"

#include <string.h>

#include "loganalyze.h"
#include "check.h"

static void
test_vectors(void)
{
	/* SipHash-2-4-128 reference vectors, key 00..0f, message 00..len-1 */
	static const unsigned char	 want0[16] = {
		0xa3, 0x81, 0x7f, 0x04, 0xba, 0x25, 0xa8, 0xe6,
		0x6d, 0xf6, 0x72, 0x14, 0xc7, 0x55, 0x02, 0x93
	};
	static const unsigned char	 want1[16] = {
		0xda, 0x87, 0xc1, 0xd8, 0x6b, 0x99, 0xaf, 0x44,
		0x34, 0x76, 0x59, 0x11, 0x9b, 0x22, 0xfc, 0x45
	};
	struct digest			 d;
	unsigned char			 out[16], zero = 0;

	digest_init(&d);
	digest_final(&d, out);
	CHECK(memcmp(out, want0, 16) == 0);
	digest_update(&d, &zero, 1);
	digest_final(&d, out);
	CHECK(memcmp(out, want1, 16) == 0);
}

static void
test_incremental(void)
{
	unsigned char	msg[100];
	struct digest	whole, parts;
	char		a[DIGEST_HEX_LEN], b[DIGEST_HEX_LEN];
	size_t		i, cut;

	for (i = 0; i < sizeof msg; i++)
		msg[i] = (unsigned char)(i * 7 + 3);
	digest_init(&whole);
	digest_update(&whole, msg, sizeof msg);
	digest_hex(&whole, a);
	CHECK(strlen(a) == 32);
	for (cut = 0; cut <= sizeof msg; cut += 3) {
		digest_init(&parts);
		digest_update(&parts, msg, cut);
		/* taking a prefix's digest leaves the state as it was */
		digest_hex(&parts, b);
		digest_update(&parts, msg + cut, sizeof msg - cut);
		digest_hex(&parts, b);
		CHECK(strcmp(a, b) == 0);
	}
	digest_init(&parts);
	for (i = 0; i < sizeof msg; i++)
		digest_update(&parts, msg + i, 1);
	digest_hex(&parts, b);
	CHECK(strcmp(a, b) == 0);
	/* same bytes but one: a different digest */
	msg[50] ^= 1;
	digest_init(&parts);
	digest_update(&parts, msg, sizeof msg);
	digest_hex(&parts, b);
	CHECK(strcmp(a, b) != 0);
}

int
main(void)
{
	TEST(test_vectors);
	TEST(test_incremental);
	return check_total_failed != 0;
}
