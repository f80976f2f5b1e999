/* SPDX-License-Identifier: MIT */
/*
 * The one main() every CUnit test binary shares: a suite per test file, run in
 * verbose basic mode so that CUnit's summary lines appear in `make check`'s output.
 * A binary whose suite runs no test, or any failing assertion, exits non-zero.
 */
#ifndef PDS_MK_CUNIT_H
#define PDS_MK_CUNIT_H

#include <CUnit/Basic.h>
#include <stdio.h>

struct pds_test {
	const char *name;
	void (*fn)(void);
};

static inline int pds_test_run(const char *suite_name, const struct pds_test *t, size_t n)
{
	CU_pSuite suite;
	unsigned failed, run;

	if (CU_initialize_registry() != CUE_SUCCESS)
		return 2;
	suite = CU_add_suite(suite_name, NULL, NULL);
	if (!suite)
		goto fail;
	for (size_t i = 0; i < n; i++)
		if (!CU_add_test(suite, t[i].name, t[i].fn))
			goto fail;
	CU_basic_set_mode(CU_BRM_VERBOSE);
	if (CU_basic_run_tests() != CUE_SUCCESS)
		goto fail;
	failed = CU_get_number_of_failures();
	run = CU_get_number_of_tests_run();
	CU_cleanup_registry();
	if (run == 0) {
		fprintf(stderr, "%s: no test ran\n", suite_name);
		return 1;
	}
	return failed ? 1 : 0;
fail:
	fprintf(stderr, "%s: CUnit error: %s\n", suite_name, CU_get_error_msg());
	CU_cleanup_registry();
	return 2;
}

#define PDS_TEST(fn)                                                                               \
	{                                                                                          \
#fn, fn                                                                            \
	}

#define PDS_TEST_MAIN(suite_name, ...)                                                             \
	int main(void)                                                                             \
	{                                                                                          \
		static const struct pds_test tests_[] = {__VA_ARGS__};                             \
		return pds_test_run(suite_name, tests_, sizeof(tests_) / sizeof(tests_[0]));       \
	}

#endif
