// SPDX-License-Identifier: MIT
/*
 * The allocator of arrays sized by the program (util.c, pds_arr_*): zeroed on
 * allocation, contents kept and the added part zeroed on growth, within and
 * across the size at which an array becomes a mapping of its own, and a size
 * that overflows refused.
 */
#include <stdint.h>
#include <string.h>

#include "mk/cunit.h"
#include "bpf/internal.h"

static int all_zero(const unsigned char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i])
			return 0;
	return 1;
}

static void fill(unsigned char *p, size_t n, unsigned seed)
{
	for (size_t i = 0; i < n; i++)
		p[i] = (unsigned char)(i * 131u + seed);
}

static int filled(const unsigned char *p, size_t n, unsigned seed)
{
	for (size_t i = 0; i < n; i++)
		if (p[i] != (unsigned char)(i * 131u + seed))
			return 0;
	return 1;
}

/* Sizes from empty to several huge pages, with odd ends. */
static const size_t sizes[] = {0,
			       1,
			       7,
			       4096,
			       65537,
			       ((size_t)512 << 10) - 1, /* the last size from malloc */
			       (size_t)512 << 10,	/* the first one mapped */
			       ((size_t)3 << 20) + 12345,
			       (size_t)9 << 20};

static void test_alloc_zeroed(void)
{
	for (size_t k = 0; k < sizeof(sizes) / sizeof(sizes[0]); k++) {
		unsigned char *p = pds_arr_alloc(sizes[k], 1);

		CU_ASSERT_PTR_NOT_NULL_FATAL(p);
		CU_ASSERT(all_zero(p, sizes[k]));
		fill(p, sizes[k], (unsigned)k); /* every byte is writable */
		CU_ASSERT(filled(p, sizes[k], (unsigned)k));
		pds_arr_free(p);
	}
	pds_arr_free(NULL);
}

static void test_realloc_keeps_and_zeroes(void)
{
	for (size_t a = 0; a < sizeof(sizes) / sizeof(sizes[0]); a++)
		for (size_t b = a; b < sizeof(sizes) / sizeof(sizes[0]); b++) {
			unsigned char *p = pds_arr_alloc(sizes[a], 1), *q;

			CU_ASSERT_PTR_NOT_NULL_FATAL(p);
			fill(p, sizes[a], (unsigned)(a + b));
			q = pds_arr_realloc(p, sizes[b], 1);
			CU_ASSERT_PTR_NOT_NULL_FATAL(q);
			CU_ASSERT(filled(q, sizes[a], (unsigned)(a + b)));
			CU_ASSERT(all_zero(q + sizes[a], sizes[b] - sizes[a]));
			pds_arr_free(q);
		}
}

static void test_realloc_never_shrinks(void)
{
	unsigned char *p = pds_arr_alloc(100, 1), *q;

	CU_ASSERT_PTR_NOT_NULL_FATAL(p);
	fill(p, 100, 3);
	q = pds_arr_realloc(p, 10, 1);
	CU_ASSERT_PTR_EQUAL(q, p);
	CU_ASSERT(filled(q, 100, 3));
	pds_arr_free(q);
}

static void test_null_is_alloc(void)
{
	uint32_t *p = pds_arr_realloc(NULL, 1000, sizeof(*p));

	CU_ASSERT_PTR_NOT_NULL_FATAL(p);
	CU_ASSERT(all_zero((const unsigned char *)p, 1000 * sizeof(*p)));
	pds_arr_free(p);
}

static void test_overflow_refused(void)
{
	unsigned char *p = pds_arr_alloc(16, 1);

	CU_ASSERT_PTR_NULL(pds_arr_alloc(SIZE_MAX / 2 + 1, 2));
	CU_ASSERT_PTR_NULL(pds_arr_alloc(SIZE_MAX - 8, 1));
	CU_ASSERT_PTR_NOT_NULL_FATAL(p);
	fill(p, 16, 9);
	/* a refused growth leaves the array as it was */
	CU_ASSERT_PTR_NULL(pds_arr_realloc(p, SIZE_MAX / 4 + 1, 8));
	CU_ASSERT(filled(p, 16, 9));
	pds_arr_free(p);
}

PDS_TEST_MAIN("program-sized arrays", PDS_TEST(test_alloc_zeroed),
	      PDS_TEST(test_realloc_keeps_and_zeroes), PDS_TEST(test_realloc_never_shrinks),
	      PDS_TEST(test_null_is_alloc), PDS_TEST(test_overflow_refused))
