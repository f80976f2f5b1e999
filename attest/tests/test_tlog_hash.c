// SPDX-License-Identifier: MIT
/*
 * Merkle tree hashing and proofs (tlog_hash.c): the RFC 6962 known answers of
 * test-vectors.md, stored-hash numbering, and for every tree up to 300 entries
 * proofs that match the RFC 9162 recursive definitions, verify, and fail on any
 * flipped bit of a proof hash, a root, a size or an index.
 */
#include <string.h>

#include <sodium.h>

#include "mk/cunit.h"
#include <pds/tlog.h>

#include "util_tlog.h"

#define MAXN 300
/* Trees are grown to twice MAXN so that a flipped size still has a real root. */
#define TREE_N (2 * MAXN + 2)
/* Every bit of every hash is flipped up to this size; one bit per byte up to the next. */
#define ALL_BITS_N 16
#define BYTE_BITS_N 32
/* Sizes and indexes: every bit flipped up to this size, sampled indexes above. */
#define EXHAUSTIVE_N 64

static const char *const ct_leaves[] = {
	"",
	"00",
	"10",
	"2021",
	"3031",
	"40414243",
	"5051525354555657",
	"606162636465666768696a6b6c6d6e6f",
};

static const char *const ct_roots[] = {
	"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
	"6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
	"fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
	"aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
	"d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
	"4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
	"76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
	"ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
	"5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
};

/* Sizes and indexes whose every bit is flipped, beyond the exhaustive range. */
static int sampled(uint64_t n, uint64_t i)
{
	return i % 31 == 0 || i == n - 1;
}

static struct ut_tree tree; /* TREE_N entries "entry <i>" */

static void ct_tree(struct ut_tree *t)
{
	for (size_t i = 0; i < 8; i++) {
		uint8_t buf[16];
		size_t len = strlen(ct_leaves[i]) / 2;

		sodium_hex2bin(buf, sizeof(buf), ct_leaves[i], 2 * len, NULL, NULL, NULL);
		ut_tree_add(t, buf, len);
	}
}

static void grow_tree(void)
{
	if (tree.n)
		return;
	for (unsigned i = 0; i < TREE_N; i++) {
		char e[32];

		snprintf(e, sizeof(e), "entry %u", i);
		ut_tree_add(&tree, e, strlen(e));
	}
}

static struct pds_tlog_hash root_of(uint64_t n)
{
	struct pds_tlog_hash h;

	CU_ASSERT_FATAL(pds_tlog_tree_hash(n, ut_tree_read, &tree, &h) == 0);
	return h;
}

static void test_known_tree_heads(void)
{
	struct ut_tree t = {0};

	ct_tree(&t);
	for (uint64_t n = 0; n <= 8; n++) {
		struct pds_tlog_hash want, got;

		ut_hex32(ct_roots[n], &want);
		CU_ASSERT_EQUAL(pds_tlog_tree_hash(n, ut_tree_read, &t, &got), 0);
		CU_ASSERT_EQUAL(memcmp(got.b, want.b, 32), 0);
		if (n > 0) {
			ut_mth(t.leaf, 0, n, &got);
			CU_ASSERT_EQUAL(memcmp(got.b, want.b, 32), 0);
		}
	}
	ut_tree_free(&t);
}

static void check_proof(const struct pds_tlog_hash *got, size_t len, const char *const *want,
			size_t n)
{
	CU_ASSERT_EQUAL_FATAL(len, n);
	for (size_t i = 0; i < n; i++) {
		struct pds_tlog_hash h;

		ut_hex32(want[i], &h);
		CU_ASSERT_EQUAL(memcmp(got[i].b, h.b, 32), 0);
	}
}

static void test_known_proofs(void)
{
	static const char *const incl_5_8[] = {
		"bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
		"ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
		"d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
	};
	static const char *const cons_6_8[] = {
		"0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
		"ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
		"d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
	};
	static const char *const cons_4_8[] = {
		"6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
	};
	struct pds_tlog_hash p[PDS_TLOG_MAX_PROOF], r8, r6, r4;
	struct ut_tree t = {0};
	size_t len;

	ct_tree(&t);
	ut_hex32(ct_roots[8], &r8);
	ut_hex32(ct_roots[6], &r6);
	ut_hex32(ct_roots[4], &r4);

	CU_ASSERT_EQUAL(pds_tlog_prove_inclusion(8, 5, ut_tree_read, &t, p, &len), 0);
	check_proof(p, len, incl_5_8, 3);
	CU_ASSERT_EQUAL(pds_tlog_verify_inclusion(8, 5, &t.leaf[5], p, len, &r8), 0);
	CU_ASSERT_EQUAL(pds_tlog_verify_inclusion(8, 4, &t.leaf[5], p, len, &r8),
			PDS_ATT_E_TLOG_INCLUSION);

	CU_ASSERT_EQUAL(pds_tlog_prove_consistency(8, 6, ut_tree_read, &t, p, &len), 0);
	check_proof(p, len, cons_6_8, 3);
	CU_ASSERT_EQUAL(pds_tlog_verify_consistency(8, 6, p, len, &r8, &r6), 0);

	CU_ASSERT_EQUAL(pds_tlog_prove_consistency(8, 4, ut_tree_read, &t, p, &len), 0);
	check_proof(p, len, cons_4_8, 1);
	CU_ASSERT_EQUAL(pds_tlog_verify_consistency(8, 4, p, len, &r8, &r4), 0);
	CU_ASSERT_EQUAL(pds_tlog_verify_consistency(8, 4, p, len, &r8, &r6),
			PDS_ATT_E_TLOG_CONSISTENCY);
	ut_tree_free(&t);
}

static void test_stored_index(void)
{
	/* Creation order: leaf 0, leaf 1, (1,0), leaf 2, leaf 3, (1,1), (2,0), leaf 4. */
	static const struct {
		int level;
		uint64_t n, index;
	} known[] = {
		{0, 0, 0}, {0, 1, 1}, {1, 0, 2}, {0, 2, 3}, {0, 3, 4},
		{1, 1, 5}, {2, 0, 6}, {0, 4, 7}, {0, 5, 8}, {1, 2, 9},
	};
	struct ut_tree t = {0};

	for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++) {
		int level;
		uint64_t n;

		CU_ASSERT_EQUAL(pds_tlog_stored_index(known[i].level, known[i].n), known[i].index);
		pds_tlog_split_stored_index(known[i].index, &level, &n);
		CU_ASSERT_EQUAL(level, known[i].level);
		CU_ASSERT_EQUAL(n, known[i].n);
	}
	/* Round trip, and the count of hashes a growing tree actually stores. */
	for (uint64_t i = 0; i < 5000; i++) {
		int level;
		uint64_t n;

		pds_tlog_split_stored_index(i, &level, &n);
		CU_ASSERT_EQUAL(pds_tlog_stored_index(level, n), i);
	}
	for (unsigned i = 0; i < 700; i++) {
		CU_ASSERT_EQUAL(pds_tlog_stored_count(t.n), t.nstored);
		ut_tree_add(&t, &i, sizeof(i));
	}
	/* Large indexes round-trip too. */
	for (int level = 0; level < 40; level++) {
		uint64_t n = (1ull << (62 - level)) - 3, got;
		int l;

		pds_tlog_split_stored_index(pds_tlog_stored_index(level, n), &l, &got);
		CU_ASSERT_EQUAL(l, level);
		CU_ASSERT_EQUAL(got, n);
	}
	ut_tree_free(&t);
}

/* Flip bit b (of 256) in hash h and return the copy. */
static struct pds_tlog_hash flipped(const struct pds_tlog_hash *h, unsigned b)
{
	struct pds_tlog_hash f = *h;

	f.b[b / 8] ^= (uint8_t)(1u << (b % 8));
	return f;
}

/*
 * Which bits of a 256-bit hash to flip for the pair (n, i): every bit for small
 * trees, one bit per byte up to BYTE_BITS_N, else one bit per hash, moving with
 * i so that over all indexes every bit position is hit. The numbers of flips keep the suite fast under
 * the sanitizers while every proof of every tree gets some.
 */
static unsigned bit_step(uint64_t n, uint64_t i)
{
	(void)i;
	if (n <= ALL_BITS_N)
		return 1;
	return n <= BYTE_BITS_N ? 8 : 256;
}

static unsigned bit_at(unsigned b, uint64_t n, uint64_t i)
{
	if (n <= ALL_BITS_N)
		return b;
	return (b + (unsigned)(i * 7 + b / 8)) % 256;
}

/* The real root of a size a flipped bit gives, or r when the tree is not that big. */
static struct pds_tlog_hash root_or(uint64_t n, const struct pds_tlog_hash *r)
{
	return n <= tree.n ? root_of(n) : *r;
}

static void inclusion_flips(uint64_t n, uint64_t i, struct pds_tlog_hash *p, size_t len,
			    const struct pds_tlog_hash *root)
{
	const struct pds_tlog_hash *leaf = &tree.leaf[i];
	int bad = 0;

	for (size_t j = 0; j < len; j++) {
		struct pds_tlog_hash keep = p[j];

		for (unsigned b = 0; b < 256; b += bit_step(n, i)) {
			p[j] = flipped(&keep, bit_at(b, n, i));
			bad += pds_tlog_verify_inclusion(n, i, leaf, p, len, root) !=
			       PDS_ATT_E_TLOG_INCLUSION;
		}
		p[j] = keep;
	}
	for (unsigned b = 0; b < 256; b += bit_step(n, i)) {
		struct pds_tlog_hash r = flipped(root, bit_at(b, n, i)),
				     l = flipped(leaf, bit_at(b, n, i));

		bad += pds_tlog_verify_inclusion(n, i, leaf, p, len, &r) !=
		       PDS_ATT_E_TLOG_INCLUSION;
		bad += pds_tlog_verify_inclusion(n, i, &l, p, len, root) !=
		       PDS_ATT_E_TLOG_INCLUSION;
	}
	if (n <= EXHAUSTIVE_N || sampled(n, i)) {
		for (int b = 0; b < 64; b++) {
			uint64_t fn = n ^ (1ull << b), fi = i ^ (1ull << b);
			struct pds_tlog_hash fr = root_or(fn, root);

			bad += pds_tlog_verify_inclusion(fn, i, leaf, p, len, &fr) !=
			       PDS_ATT_E_TLOG_INCLUSION;
			bad += pds_tlog_verify_inclusion(n, fi, leaf, p, len, root) !=
			       PDS_ATT_E_TLOG_INCLUSION;
		}
	}
	/* Truncated and extended proofs. */
	if (len > 0)
		bad += pds_tlog_verify_inclusion(n, i, leaf, p, len - 1, root) !=
		       PDS_ATT_E_TLOG_INCLUSION;
	p[len] = *root;
	bad += pds_tlog_verify_inclusion(n, i, leaf, p, len + 1, root) != PDS_ATT_E_TLOG_INCLUSION;
	CU_ASSERT_EQUAL(bad, 0);
	if (bad)
		fprintf(stderr, "inclusion %llu in %llu: %d flips accepted\n",
			(unsigned long long)i, (unsigned long long)n, bad);
}

static void test_inclusion_all_sizes(void)
{
	struct pds_tlog_hash p[PDS_TLOG_MAX_PROOF + 1], want[PDS_TLOG_MAX_PROOF];
	unsigned checked = 0;

	grow_tree();
	for (uint64_t n = 1; n <= MAXN; n++) {
		struct pds_tlog_hash root = root_of(n), ref;

		ut_mth(tree.leaf, 0, n, &ref);
		CU_ASSERT_EQUAL_FATAL(memcmp(ref.b, root.b, 32), 0);
		for (uint64_t i = 0; i < n; i++) {
			size_t len, wlen;

			CU_ASSERT_EQUAL_FATAL(
				pds_tlog_prove_inclusion(n, i, ut_tree_read, &tree, p, &len), 0);
			/* The recursive reference costs O(n) hashes: all small trees, then samples. */
			if (n <= EXHAUSTIVE_N || sampled(n, i)) {
				wlen = ut_path(tree.leaf, i, 0, n, want);
				CU_ASSERT_EQUAL_FATAL(len, wlen);
				CU_ASSERT_EQUAL(memcmp(p, want, len * sizeof(p[0])), 0);
			}
			CU_ASSERT_EQUAL_FATAL(
				pds_tlog_verify_inclusion(n, i, &tree.leaf[i], p, len, &root), 0);
			inclusion_flips(n, i, p, len, &root);
			checked++;
		}
		/* Out of range. */
		CU_ASSERT_EQUAL(
			pds_tlog_prove_inclusion(n, n, ut_tree_read, &tree, p, &(size_t){0}),
			PDS_ATT_E_TLOG_RANGE);
	}
	CU_ASSERT_EQUAL(checked, MAXN * (MAXN + 1) / 2);
}

static void consistency_flips(uint64_t n, uint64_t m, struct pds_tlog_hash *p, size_t len,
			      const struct pds_tlog_hash *rn, const struct pds_tlog_hash *rm)
{
	int bad = 0;

	for (size_t j = 0; j < len; j++) {
		struct pds_tlog_hash keep = p[j];

		for (unsigned b = 0; b < 256; b += bit_step(n, m)) {
			p[j] = flipped(&keep, bit_at(b, n, m));
			bad += pds_tlog_verify_consistency(n, m, p, len, rn, rm) !=
			       PDS_ATT_E_TLOG_CONSISTENCY;
		}
		p[j] = keep;
	}
	for (unsigned b = 0; b < 256; b += bit_step(n, m)) {
		struct pds_tlog_hash fn = flipped(rn, bit_at(b, n, m)),
				     fm = flipped(rm, bit_at(b, n, m));

		bad += pds_tlog_verify_consistency(n, m, p, len, &fn, rm) !=
		       PDS_ATT_E_TLOG_CONSISTENCY;
		bad += pds_tlog_verify_consistency(n, m, p, len, rn, &fm) !=
		       PDS_ATT_E_TLOG_CONSISTENCY;
	}
	if (n <= EXHAUSTIVE_N || sampled(n, m)) {
		for (int b = 0; b < 64; b++) {
			uint64_t fn = n ^ (1ull << b), fm = m ^ (1ull << b);
			struct pds_tlog_hash frn = root_or(fn, rn), frm = root_or(fm, rm);

			bad += pds_tlog_verify_consistency(fn, m, p, len, &frn, rm) !=
			       PDS_ATT_E_TLOG_CONSISTENCY;
			if (fm != 0)
				bad += pds_tlog_verify_consistency(n, fm, p, len, rn, &frm) !=
				       PDS_ATT_E_TLOG_CONSISTENCY;
		}
	}
	if (len > 0)
		bad += pds_tlog_verify_consistency(n, m, p, len - 1, rn, rm) !=
		       PDS_ATT_E_TLOG_CONSISTENCY;
	p[len] = *rn;
	bad += pds_tlog_verify_consistency(n, m, p, len + 1, rn, rm) != PDS_ATT_E_TLOG_CONSISTENCY;
	CU_ASSERT_EQUAL(bad, 0);
	if (bad)
		fprintf(stderr, "consistency %llu -> %llu: %d flips accepted\n",
			(unsigned long long)m, (unsigned long long)n, bad);
}

static void test_consistency_all_pairs(void)
{
	static struct pds_tlog_hash roots[MAXN + 1];
	struct pds_tlog_hash p[PDS_TLOG_MAX_PROOF + 1], want[PDS_TLOG_MAX_PROOF];
	unsigned checked = 0;

	grow_tree();
	for (uint64_t n = 0; n <= MAXN; n++)
		roots[n] = root_of(n);
	for (uint64_t n = 1; n <= MAXN; n++) {
		for (uint64_t m = 1; m < n; m++) {
			size_t len, wlen;

			CU_ASSERT_EQUAL_FATAL(
				pds_tlog_prove_consistency(n, m, ut_tree_read, &tree, p, &len), 0);
			if (n <= EXHAUSTIVE_N || sampled(n, m)) {
				wlen = ut_subproof(tree.leaf, m, 0, n, 1, want);
				CU_ASSERT_EQUAL_FATAL(len, wlen);
				CU_ASSERT_EQUAL(memcmp(p, want, len * sizeof(p[0])), 0);
			}
			CU_ASSERT_EQUAL_FATAL(
				pds_tlog_verify_consistency(n, m, p, len, &roots[n], &roots[m]), 0);
			consistency_flips(n, m, p, len, &roots[n], &roots[m]);
			checked++;
		}
		/* m = n: empty proof, equal heads; m = 0: empty proof, empty tree. */
		CU_ASSERT_EQUAL(pds_tlog_verify_consistency(n, n, p, 0, &roots[n], &roots[n]), 0);
		CU_ASSERT_EQUAL(pds_tlog_verify_consistency(n, n, p, 1, &roots[n], &roots[n]),
				PDS_ATT_E_TLOG_CONSISTENCY);
		CU_ASSERT_EQUAL(pds_tlog_verify_consistency(n, 0, p, 0, &roots[n], &roots[0]), 0);
		CU_ASSERT_EQUAL(pds_tlog_verify_consistency(n, 0, p, 0, &roots[n], &roots[n]),
				PDS_ATT_E_TLOG_CONSISTENCY);
		CU_ASSERT_EQUAL(pds_tlog_verify_consistency(n - 1, n, p, 0, &roots[n], &roots[n]),
				PDS_ATT_E_TLOG_CONSISTENCY);
	}
	CU_ASSERT_EQUAL(checked, MAXN * (MAXN - 1) / 2);
}

/* A read callback error is passed on unchanged. */
static int failing_read(void *ctx, const uint64_t *indexes, size_t count, struct pds_tlog_hash *out)
{
	(void)ctx;
	(void)indexes;
	(void)count;
	(void)out;
	return PDS_ATT_E_IO;
}

static void test_read_errors(void)
{
	struct pds_tlog_hash p[PDS_TLOG_MAX_PROOF], h;
	size_t len;

	CU_ASSERT_EQUAL(pds_tlog_tree_hash(5, failing_read, NULL, &h), PDS_ATT_E_IO);
	CU_ASSERT_EQUAL(pds_tlog_prove_inclusion(5, 1, failing_read, NULL, p, &len), PDS_ATT_E_IO);
	CU_ASSERT_EQUAL(pds_tlog_prove_consistency(5, 3, failing_read, NULL, p, &len),
			PDS_ATT_E_IO);
	CU_ASSERT_EQUAL(pds_tlog_prove_consistency(3, 5, failing_read, NULL, p, &len),
			PDS_ATT_E_TLOG_RANGE);
	/* Huge trees plan proofs without overflow. */
	CU_ASSERT_EQUAL(pds_tlog_prove_inclusion(UINT64_MAX >> 1, (UINT64_MAX >> 1) - 1,
						 failing_read, NULL, p, &len),
			PDS_ATT_E_IO);
	CU_ASSERT_EQUAL(pds_tlog_prove_consistency(UINT64_MAX >> 1, 12345678901ull, failing_read,
						   NULL, p, &len),
			PDS_ATT_E_IO);
	CU_ASSERT_EQUAL(pds_tlog_verify_inclusion(0, 0, &h, p, 0, &h), PDS_ATT_E_TLOG_INCLUSION);
	CU_ASSERT_EQUAL(pds_tlog_verify_inclusion(1, 0, &h, p, PDS_TLOG_MAX_PROOF + 1, &h),
			PDS_ATT_E_TLOG_INCLUSION);
	ut_tree_free(&tree);
}

PDS_TEST_MAIN("tlog_hash", PDS_TEST(test_known_tree_heads), PDS_TEST(test_known_proofs),
	      PDS_TEST(test_stored_index), PDS_TEST(test_inclusion_all_sizes),
	      PDS_TEST(test_consistency_all_pairs), PDS_TEST(test_read_errors))
