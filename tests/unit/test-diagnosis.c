/* SPDX-License-Identifier: MIT */
/*
 * Unit tests for report_diagnosis.c's Fisher exact test, against values
 * worked out by hand from the hypergeometric distribution (and R's
 * fisher.test for the larger tables).
 */
#include "config.h"

#include <math.h>

#include "loganalyze.h"
#include "check.h"

#define NEAR(x, want)	(fabs((x) - (want)) < 1e-4 * ((want) + 1e-12))

static void
test_fisher(void)
{
	/* Fisher's tea: 3 of 4 against 1 of 4 */
	CHECK(NEAR(diagnosis_fisher(3, 4, 1, 4), 0.4857143));
	/* 1 of 1 failed against 0 of 4 healthy: 1/5 */
	CHECK(NEAR(diagnosis_fisher(1, 1, 0, 4), 0.2));
	/* 6 of 6 against 0 of 48: 1 / C(54, 6) */
	CHECK(NEAR(diagnosis_fisher(6, 6, 0, 48), 3.871710e-08));
	/* the same in both groups */
	CHECK(NEAR(diagnosis_fisher(2, 4, 4, 8), 1.0));
	CHECK(NEAR(diagnosis_fisher(0, 3, 0, 5), 1.0));
	/* the other way round is as far from chance */
	CHECK(NEAR(diagnosis_fisher(0, 6, 48, 48), 3.871710e-08));
	/* nothing to compare with */
	CHECK(diagnosis_fisher(1, 1, 0, 0) == 1);
	CHECK(diagnosis_fisher(0, 0, 3, 5) == 1);
	/* large counts stay finite and in [0, 1] */
	CHECK(diagnosis_fisher(92, 92, 0, 425) < 1e-50);
	CHECK(diagnosis_fisher(500, 1000, 500, 1000) <= 1);
	CHECK(diagnosis_fisher(500, 1000, 500, 1000) > 0.9);
}

int
main(void)
{
	TEST(test_fisher);
	return check_total_failed != 0;
}
