// SPDX-License-Identifier: MIT
/*
 * make bench: speed of the termination analysis on generated programs.
 *
 * Straight-line programs and programs made of many small counted loops, of 1k to
 * 1M instructions: instructions analysed per second and how the time grows with
 * the size (near-linear is the target: the ratio per 10x should stay near 10).
 * Each figure is the median of several analyses of the same program (21 up to
 * 10k instructions, 5 at 100k, 3 at 1M); from 100k on, the first analysis's
 * figure follows, which includes the first use of the process's memory.
 * Then one loop of 10 iterations against the same loop of 1,000,000 iterations:
 * the analysis cost must not depend on the trip count (the kernel's verifier
 * walks iterations one by one and gives up at a million).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <pds/analysis.h>
#include <pds/check.h>

#define INSN(c, d, s, o, i)                                                                        \
	((struct pds_insn){.code = (c), .dst = (d), .src = (s), .off = (o), .imm = (i)})

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* r0 = 0; r0 += k ...; exit */
static size_t gen_straight(struct pds_insn *v, size_t n)
{
	size_t at = 0;

	v[at++] = INSN(0xb7, 0, 0, 0, 0);
	while (at < n - 1)
		v[at++] = INSN(0x07, 0, 0, 0, (int32_t)(at & 0xff));
	v[at++] = INSN(0x95, 0, 0, 0, 0);
	return at;
}

/* blocks of: r1 = 0; L: r0 += r1; r1 += 1; if r1 < trip goto L */
static size_t gen_loops(struct pds_insn *v, size_t n, int32_t trip)
{
	size_t at = 0;

	v[at++] = INSN(0xb7, 0, 0, 0, 0);
	while (at + 5 < n) {
		v[at++] = INSN(0xb7, 1, 0, 0, 0);
		v[at++] = INSN(0x0f, 0, 1, 0, 0);
		v[at++] = INSN(0x07, 1, 0, 0, 1);
		v[at++] = INSN(0xa5, 1, 0, -3, trip);
	}
	v[at++] = INSN(0x95, 0, 0, 0, 0);
	return at;
}

/* blocks of: r1 = 0; L: 12 ALU ops on r2..r5; r0 += r1; r1 += 1; if r1 < trip goto L */
static size_t gen_loops16(struct pds_insn *v, size_t n, int32_t trip)
{
	size_t at = 0;

	v[at++] = INSN(0xb7, 0, 0, 0, 0);
	for (int r = 2; r <= 5; r++)
		v[at++] = INSN(0xb7, (uint8_t)r, 0, 0, r);
	while (at + 17 < n) {
		v[at++] = INSN(0xb7, 1, 0, 0, 0);
		for (int k = 0; k < 12; k++)
			v[at++] = k % 3 ? INSN(0x07, (uint8_t)(2 + k % 4), 0, 0, k)
					: INSN(0xaf, (uint8_t)(2 + k % 4),
					       (uint8_t)(2 + (k + 1) % 4), 0, 0);
		v[at++] = INSN(0x0f, 0, 1, 0, 0);
		v[at++] = INSN(0x07, 1, 0, 0, 1);
		v[at++] = INSN(0xa5, 1, 0, -15, trip);
	}
	v[at++] = INSN(0x95, 0, 0, 0, 0);
	return at;
}

static int analyse(const struct pds_insn *v, size_t n, double *secs, uint64_t *bound,
		   enum pds_chk_verdict *verdict)
{
	struct pds_chk_open_opts oo = {.sz = sizeof(oo), .profile = PDS_CHK_PROFILE_KERNEL};
	struct pds_chk_term_opts to = {.sz = sizeof(to)};
	struct pds_chk_term_report *r = NULL;
	struct pds_chk_obj *obj = NULL;
	double t0;
	int err;

	err = pds_chk_obj_from_insns(v, n, NULL, "bench", &oo, &obj);
	if (err)
		return err;
	t0 = now();
	err = pds_chk_termination(pds_chk_obj_prog(obj, 0), &to, &r);
	*secs = now() - t0;
	if (!err) {
		*bound = r->bound;
		*verdict = r->verdict;
	}
	pds_chk_term_report_free(r);
	pds_chk_obj_free(obj);
	return err;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/*
 * The median time of reps analyses of the same program (this machine is
 * noisy), and the first one's: it alone pays for memory the process has not
 * used before (on a virtual machine, the host may back it only then).
 */
static int median_of(const struct pds_insn *v, size_t n, int reps, double *secs, double *first,
		     uint64_t *bound, enum pds_chk_verdict *verdict)
{
	double t[21];
	int err = 0;

	for (int r = 0; !err && r < reps; r++)
		err = analyse(v, n, &t[r], bound, verdict);
	*first = t[0];
	qsort(t, (size_t)reps, sizeof(t[0]), cmp_double);
	*secs = t[reps / 2];
	return err;
}

static int series(const char *kind, size_t (*gen)(struct pds_insn *, size_t, int32_t))
{
	static const size_t sizes[] = {1000, 10000, 100000, 1000000};
	double prev = 0;

	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		struct pds_insn *v = calloc(sizes[i], sizeof(*v));
		enum pds_chk_verdict verdict = PDS_VERDICT_UNKNOWN;
		uint64_t bound = 0;
		double secs = 0, first = 0;
		size_t n;
		int err;

		if (!v)
			return 1;
		n = gen(v, sizes[i], 10);
		err = median_of(v, n,
				sizes[i] >= 1000000  ? 3
				: sizes[i] >= 100000 ? 5
						     : 21,
				&secs, &first, &bound, &verdict);
		free(v);
		if (err || verdict != PDS_VERDICT_PROVEN) {
			printf("%s %zu: analysis failed (%d, %s)\n", kind, n, err,
			       pds_chk_verdict_name(verdict));
			return 1;
		}
		printf("  %-14s %8zu insns  %9.3f ms  %10.0f insns/s  bound %llu", kind, n,
		       secs * 1e3, (double)n / secs, (unsigned long long)bound);
		if (prev > 0)
			printf("  x%.1f time for x10 size", secs / prev);
		if (sizes[i] >= 100000)
			printf("  (first: %.0f insns/s)", (double)n / first);
		printf("\n");
		prev = secs;
	}
	return 0;
}

static size_t gen_straight3(struct pds_insn *v, size_t n, int32_t trip)
{
	(void)trip;
	return gen_straight(v, n);
}

static int trip_counts(void)
{
	struct pds_insn v[8];
	double t10 = 0, t1m = 0, s;
	uint64_t b10 = 0, b1m = 0;
	enum pds_chk_verdict verdict;
	size_t n;
	int rounds = 2000;

	for (int k = 0; k < rounds; k++) {
		n = gen_loops(v, 7, 10);
		if (analyse(v, n, &s, &b10, &verdict) || verdict != PDS_VERDICT_PROVEN)
			return 1;
		t10 += s;
		n = gen_loops(v, 7, 1000000);
		if (analyse(v, n, &s, &b1m, &verdict) || verdict != PDS_VERDICT_PROVEN)
			return 1;
		t1m += s;
	}
	printf("  loop of 10 iterations:        %7.2f us per analysis, bound %llu\n",
	       t10 / rounds * 1e6, (unsigned long long)b10);
	printf("  loop of 1,000,000 iterations: %7.2f us per analysis, bound %llu  (ratio %.2f)\n",
	       t1m / rounds * 1e6, (unsigned long long)b1m, t1m / t10);
	return 0;
}

int main(void)
{
	setvbuf(stdout, NULL, _IONBF, 0);
	printf("termination analysis (target: >= 1,000,000 insns/s, near-linear growth)\n");
	if (series("straight", gen_straight3) || series("4-insn-loops", gen_loops) ||
	    series("16-insn-loops", gen_loops16))
		return 1;
	return trip_counts();
}
