// SPDX-License-Identifier: MIT
/*
 * RFC 6962 / RFC 9162 Merkle tree hashing, proofs and proof checks, as pure
 * functions over stored hashes reached through a read callback.
 *
 * A stored hash is the hash of a complete subtree: 2^level entries starting at
 * entry n << level. They are numbered in the order a growing log creates them
 * (the numbering of Go's sumdb/tlog): entry n contributes its leaf hash, then the
 * hash of every subtree it completes. Any tree head or proof hash is a fold of a
 * few stored hashes, so a proof over a huge log touches only O(log n) of them.
 */
#include <string.h>

#include <openssl/evp.h>
#include <pthread.h>
#include <sodium.h>

#include <pds/digest.h>
#include <pds/tlog.h>

#include "tlog_internal.h"

/*
 * SHA-256 of a || b.  OpenSSL's libcrypto uses the SHA extensions where the CPU
 * has them (about 4x libsodium's portable code on 65-byte nodes and 8x on
 * 2-28 KB entries here, bench_tlog); its context is fetched once and reused per
 * thread.  Should libcrypto fail, libsodium computes the same digest.
 */
static EVP_MD *sha256_md;
static pthread_once_t sha256_once = PTHREAD_ONCE_INIT;
static _Thread_local EVP_MD_CTX *sha256_ctx;

static void sha256_fetch(void)
{
	sha256_md = EVP_MD_fetch(NULL, "SHA256", NULL);
}

static int sha256_fast(const void *a, size_t alen, const void *b, size_t blen, uint8_t out[32])
{
	unsigned int len = 0;

	if (pthread_once(&sha256_once, sha256_fetch) != 0 || !sha256_md)
		return -1;
	if (!sha256_ctx && !(sha256_ctx = EVP_MD_CTX_new()))
		return -1;
	if (EVP_DigestInit_ex2(sha256_ctx, sha256_md, NULL) != 1 ||
	    EVP_DigestUpdate(sha256_ctx, a, alen) != 1 ||
	    (blen && EVP_DigestUpdate(sha256_ctx, b, blen) != 1) ||
	    EVP_DigestFinal_ex(sha256_ctx, out, &len) != 1 || len != 32)
		return -1;
	return 0;
}

void tlog_sha256(const void *a, size_t alen, const void *b, size_t blen, uint8_t out[32])
{
	crypto_hash_sha256_state st;

	if (sha256_fast(a, alen, b, blen, out) == 0)
		return;
	crypto_hash_sha256_init(&st);
	crypto_hash_sha256_update(&st, a, alen);
	crypto_hash_sha256_update(&st, b, blen);
	crypto_hash_sha256_final(&st, out);
}

void pds_sha256(const void *data, size_t len, uint8_t out[32])
{
	tlog_sha256(data, len, NULL, 0, out);
}

void pds_tlog_leaf_hash(const void *entry, size_t len, struct pds_tlog_hash *out)
{
	static const uint8_t prefix = 0x00;

	/* RFC 9162 §2.1.1: MTH({d(0)}) = SHA-256(0x00 || d(0)). */
	tlog_sha256(&prefix, 1, entry, len, out->b);
}

void pds_tlog_node_hash(const struct pds_tlog_hash *left, const struct pds_tlog_hash *right,
			struct pds_tlog_hash *out)
{
	uint8_t buf[1 + 2 * PDS_TLOG_HASH_SIZE];

	/* RFC 9162 §2.1.1: MTH(D[n]) = SHA-256(0x01 || MTH(D[0:k]) || MTH(D[k:n])). */
	buf[0] = 0x01;
	memcpy(buf + 1, left->b, PDS_TLOG_HASH_SIZE);
	memcpy(buf + 1 + PDS_TLOG_HASH_SIZE, right->b, PDS_TLOG_HASH_SIZE);
	tlog_sha256(buf, sizeof(buf), NULL, 0, out->b);
}

uint64_t pds_tlog_stored_index(int level, uint64_t n)
{
	uint64_t last, i = 0;

	/*
	 * Subtree (level, n) is completed by its last entry, ((n + 1) << level) - 1,
	 * after that entry's leaf hash and the level hashes below it. Before entry m
	 * come m leaf hashes, m/2 level-1 hashes, m/4 level-2 hashes, ...
	 */
	last = ((n + 1) << level) - 1;
	for (uint64_t m = last; m > 0; m >>= 1)
		i += m;
	return i + (uint64_t)level;
}

void pds_tlog_split_stored_index(uint64_t index, int *level, uint64_t *n)
{
	/* Entry m starts at stored_index(0, m) <= 2m: search upwards from index / 2. */
	uint64_t m = index / 2, start = pds_tlog_stored_index(0, m);

	for (;;) {
		/* Entry m adds 1 + (trailing ones of m) hashes. */
		uint64_t next = start + 1 + (uint64_t)__builtin_ctzll(~m);

		if (next > index)
			break;
		m++;
		start = next;
	}
	*level = (int)(index - start);
	*n = m >> *level;
}

uint64_t pds_tlog_stored_count(uint64_t n)
{
	if (n == 0)
		return 0;
	/* Entry n - 1 adds its leaf hash and one hash per trailing one bit. */
	return pds_tlog_stored_index(0, n - 1) + 1 + (uint64_t)__builtin_ctzll(~(n - 1));
}

int pds_tlog_stored_hashes(uint64_t n, const struct pds_tlog_hash *leaf, pds_tlog_read_fn read,
			   void *ctx, struct pds_tlog_hash *out, size_t *count)
{
	uint64_t idx[64];
	struct pds_tlog_hash sib[64];
	int ones = __builtin_ctzll(~n), err;

	/* Entry n completes subtrees (l, n >> l) for each trailing one bit l of n. */
	for (int l = 0; l < ones; l++)
		idx[l] = pds_tlog_stored_index(l, (n >> l) - 1);
	if (ones > 0) {
		err = read(ctx, idx, (size_t)ones, sib);
		if (err)
			return err;
	}
	out[0] = *leaf;
	for (int l = 0; l < ones; l++)
		pds_tlog_node_hash(&sib[l], &out[l], &out[l + 1]);
	*count = (size_t)ones + 1;
	return 0;
}

/* Largest power of two strictly below x (x >= 2); RFC 9162 §2.1.1 split point. */
static uint64_t split_point(uint64_t x)
{
	return 1ull << (63 - __builtin_clzll(x - 1));
}

/* Add the stored hashes whose fold is MTH(D[lo:hi]) to a plan, as one element. */
static int plan_range(struct tlog_plan *p, uint64_t lo, uint64_t hi)
{
	struct tlog_plan_elem *e;

	if (p->nelem >= PDS_TLOG_MAX_PROOF + 1)
		return PDS_ATT_E_TLOG_RANGE;
	e = &p->elem[p->nelem++];
	e->start = p->nidx;
	while (lo < hi) {
		int level = lo ? __builtin_ctzll(lo) : 63;

		while (level > 0 && (hi - lo) < (1ull << level))
			level--;
		if (p->nidx >= TLOG_PLAN_MAX)
			return PDS_ATT_E_TLOG_RANGE;
		p->idx[p->nidx++] = pds_tlog_stored_index(level, lo >> level);
		lo += 1ull << level;
	}
	e->count = p->nidx - e->start;
	return 0;
}

/* Read every hash of a plan in one call, then fold each element right to left. */
static int plan_run(struct tlog_plan *p, pds_tlog_read_fn read, void *ctx,
		    struct pds_tlog_hash *out)
{
	int err;

	if (p->nidx) {
		err = read(ctx, p->idx, p->nidx, p->hash);
		if (err)
			return err;
	}
	for (size_t i = 0; i < p->nelem; i++) {
		const struct tlog_plan_elem *e = &p->elem[i];
		struct pds_tlog_hash h = p->hash[e->start + e->count - 1];

		for (size_t j = e->count - 1; j-- > 0;)
			pds_tlog_node_hash(&p->hash[e->start + j], &h, &h);
		out[i] = h;
	}
	return 0;
}

int pds_tlog_tree_hash(uint64_t n, pds_tlog_read_fn read, void *ctx, struct pds_tlog_hash *out)
{
	struct tlog_plan p = {0};
	int err;

	if (n == 0) {
		crypto_hash_sha256(out->b, NULL, 0);
		return 0;
	}
	err = plan_range(&p, 0, n);
	return err ? err : plan_run(&p, read, ctx, out);
}

/* Plan elements were added root side first; proofs list them leaf side first. */
static void reverse(struct pds_tlog_hash *h, size_t n)
{
	for (size_t i = 0; i < n / 2; i++) {
		struct pds_tlog_hash t = h[i];

		h[i] = h[n - 1 - i];
		h[n - 1 - i] = t;
	}
}

int pds_tlog_prove_inclusion(uint64_t n, uint64_t index, pds_tlog_read_fn read, void *ctx,
			     struct pds_tlog_hash *proof, size_t *len)
{
	struct tlog_plan p = {0};
	uint64_t lo = 0, hi = n;
	int err = 0;

	if (index >= n)
		return PDS_ATT_E_TLOG_RANGE;
	/* RFC 9162 §2.1.3.1 PATH(m, D[lo:hi]), unrolled: one sibling per split. */
	while (!err && hi - lo > 1) {
		uint64_t k = split_point(hi - lo);

		if (index < lo + k) {
			err = plan_range(&p, lo + k, hi);
			hi = lo + k;
		} else {
			err = plan_range(&p, lo, lo + k);
			lo += k;
		}
	}
	if (!err)
		err = plan_run(&p, read, ctx, proof);
	if (err)
		return err;
	*len = p.nelem;
	reverse(proof, *len);
	return 0;
}

int pds_tlog_prove_consistency(uint64_t n, uint64_t m, pds_tlog_read_fn read, void *ctx,
			       struct pds_tlog_hash *proof, size_t *len)
{
	struct tlog_plan p = {0};
	uint64_t lo = 0, hi = n;
	int whole = 1, err = 0;

	if (m > n)
		return PDS_ATT_E_TLOG_RANGE;
	*len = 0;
	if (m == 0 || m == n)
		return 0;
	/* RFC 9162 §2.1.4.1 SUBPROOF(m, D[lo:hi], b), unrolled; m is relative to lo. */
	while (!err) {
		uint64_t k;

		if (m == hi - lo) {
			if (!whole)
				err = plan_range(&p, lo, hi);
			break;
		}
		k = split_point(hi - lo);
		if (m <= k) {
			err = plan_range(&p, lo + k, hi);
			hi = lo + k;
		} else {
			err = plan_range(&p, lo, lo + k);
			m -= k;
			lo += k;
			whole = 0;
		}
	}
	if (!err)
		err = plan_run(&p, read, ctx, proof);
	if (err)
		return err;
	*len = p.nelem;
	reverse(proof, *len);
	return 0;
}

static int hash_eq(const struct pds_tlog_hash *a, const struct pds_tlog_hash *b)
{
	return sodium_memcmp(a->b, b->b, PDS_TLOG_HASH_SIZE) == 0;
}

int pds_tlog_verify_inclusion(uint64_t n, uint64_t index, const struct pds_tlog_hash *leaf,
			      const struct pds_tlog_hash *proof, size_t len,
			      const struct pds_tlog_hash *root)
{
	uint64_t fn = index, sn;
	struct pds_tlog_hash r;

	/* RFC 9162 §2.1.3.2, steps 1-4. */
	if (index >= n || len > PDS_TLOG_MAX_PROOF)
		return PDS_ATT_E_TLOG_INCLUSION;
	sn = n - 1;
	r = *leaf;
	for (size_t i = 0; i < len; i++) {
		if (sn == 0)
			return PDS_ATT_E_TLOG_INCLUSION;
		if ((fn & 1) || fn == sn) {
			pds_tlog_node_hash(&proof[i], &r, &r);
			while (!(fn & 1) && fn != 0) {
				fn >>= 1;
				sn >>= 1;
			}
		} else {
			pds_tlog_node_hash(&r, &proof[i], &r);
		}
		fn >>= 1;
		sn >>= 1;
	}
	if (sn != 0 || !hash_eq(&r, root))
		return PDS_ATT_E_TLOG_INCLUSION;
	return 0;
}

int pds_tlog_verify_consistency(uint64_t n, uint64_t m, const struct pds_tlog_hash *proof,
				size_t len, const struct pds_tlog_hash *root_n,
				const struct pds_tlog_hash *root_m)
{
	struct pds_tlog_hash fr, sr, empty;
	uint64_t fn, sn;
	size_t i = 0;

	if (m > n || len > PDS_TLOG_MAX_PROOF)
		return PDS_ATT_E_TLOG_CONSISTENCY;
	if (m == 0) {
		crypto_hash_sha256(empty.b, NULL, 0);
		return len == 0 && hash_eq(root_m, &empty) ? 0 : PDS_ATT_E_TLOG_CONSISTENCY;
	}
	if (m == n)
		return len == 0 && hash_eq(root_m, root_n) ? 0 : PDS_ATT_E_TLOG_CONSISTENCY;
	if (len == 0)
		return PDS_ATT_E_TLOG_CONSISTENCY;
	/* RFC 9162 §2.1.4.2: when m is a power of two, first_hash heads the proof. */
	if ((m & (m - 1)) == 0) {
		fr = sr = *root_m;
	} else {
		fr = sr = proof[0];
		i = 1;
	}
	fn = m - 1;
	sn = n - 1;
	while (fn & 1) {
		fn >>= 1;
		sn >>= 1;
	}
	for (; i < len; i++) {
		if (sn == 0)
			return PDS_ATT_E_TLOG_CONSISTENCY;
		if ((fn & 1) || fn == sn) {
			pds_tlog_node_hash(&proof[i], &fr, &fr);
			pds_tlog_node_hash(&proof[i], &sr, &sr);
			while (!(fn & 1) && fn != 0) {
				fn >>= 1;
				sn >>= 1;
			}
		} else {
			pds_tlog_node_hash(&sr, &proof[i], &sr);
		}
		fn >>= 1;
		sn >>= 1;
	}
	if (sn != 0 || !hash_eq(&fr, root_m) || !hash_eq(&sr, root_n))
		return PDS_ATT_E_TLOG_CONSISTENCY;
	return 0;
}
