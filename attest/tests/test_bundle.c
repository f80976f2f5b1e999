// SPDX-License-Identifier: MIT
/*
 * Bundles (attest/bundle.c, bundle_tar.c; docs/formats.md §9): reproducible
 * bytes, round trips, packager signatures, every bit flip and truncation of a
 * signed bundle, and an attack corpus of hostile archives built here (never
 * committed), each refused with its own code.  The archives are written with
 * this file's own ustar and gzip code, so the reader is not only tested
 * against its own writer.  Seeds for fuzz_bundle go to build/fuzz-seeds/.
 */
#include <dirent.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>
#include <zlib.h>

#include <pds/bundle.h>
#include <pds/note.h>

#include "attest/tests/util_fmt.h"
#include "mk/cunit.h"

/* ---------------------------------------------------------------- a test-side ustar writer */

struct hdr {
	const char *name, *prefix;
	char type;
	unsigned long long size;
	const char *linkname;
	int bad_sum;		/* store a wrong checksum */
	const char *magic;	/* default "ustar" */
	const char *size_field; /* raw text for the size field */
	int name_full;		/* 100 name bytes, no NUL */
};

struct tbuf {
	uint8_t *p;
	size_t len, cap;
};

static void tb_add(struct tbuf *b, const void *d, size_t n)
{
	if (b->len + n > b->cap) {
		b->cap = (b->len + n) * 2 + 4096;
		b->p = realloc(b->p, b->cap);
		CU_ASSERT_FATAL(b->p != NULL);
	}
	if (d)
		memcpy(b->p + b->len, d, n);
	else
		memset(b->p + b->len, 0, n);
	b->len += n;
}

/* POSIX ustar header: octal fields, checksum over the block with its field as spaces. */
static void make_header(uint8_t h[512], const struct hdr *x)
{
	unsigned sum = 0;

	memset(h, 0, 512);
	if (x->name_full)
		memset(h, 'a', 100);
	else
		strncpy((char *)h, x->name, 100);
	snprintf((char *)h + 100, 8, "%07o", 0644);
	snprintf((char *)h + 108, 8, "%07o", 0);
	snprintf((char *)h + 116, 8, "%07o", 0);
	if (x->size_field)
		memcpy(h + 124, x->size_field, strlen(x->size_field));
	else
		snprintf((char *)h + 124, 12, "%011llo", x->size);
	snprintf((char *)h + 136, 12, "%011o", 0);
	h[156] = (uint8_t)(x->type ? x->type : '0');
	if (x->linkname)
		strncpy((char *)h + 157, x->linkname, 100);
	memcpy(h + 257, x->magic ? x->magic : "ustar", 6);
	memcpy(h + 263, "00", 2);
	memcpy(h + 265, "root", 4);
	memcpy(h + 297, "root", 4);
	if (x->prefix)
		strncpy((char *)h + 345, x->prefix, 155);
	memset(h + 148, ' ', 8);
	for (int i = 0; i < 512; i++)
		sum += h[i];
	snprintf((char *)h + 148, 8, "%06o", sum + (x->bad_sum ? 1 : 0));
	h[155] = ' ';
}

/* Header, then data (NULL: zeros) padded to a block. */
static void tar_member(struct tbuf *t, const struct hdr *x, const void *data, size_t n)
{
	uint8_t h[512];

	make_header(h, x);
	tb_add(t, h, 512);
	tb_add(t, data, n);
	tb_add(t, NULL, (512 - n % 512) % 512);
}

static void tar_file(struct tbuf *t, const char *name, const char *text)
{
	struct hdr x = {.name = name, .size = strlen(text)};

	tar_member(t, &x, text, strlen(text));
}

static void tar_end(struct tbuf *t)
{
	tb_add(t, NULL, 1024);
}

static void put_le32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static const uint8_t gz_head_bytes[10] = {0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 2, 0xff};

/* RFC 1952 member with the header bundles use: raw deflate at level 9 and a trailer. */
static struct tbuf gzip_wrap(const uint8_t *in, size_t n)
{
	struct tbuf out = {0};
	z_stream zs = {0};
	uint8_t trailer[8];
	uLong bound;

	CU_ASSERT_FATAL(deflateInit2(&zs, 9, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY) == Z_OK);
	bound = deflateBound(&zs, (uLong)n);
	tb_add(&out, gz_head_bytes, 10);
	tb_add(&out, NULL, bound);
	zs.next_in = (Bytef *)in;
	zs.avail_in = (uInt)n;
	zs.next_out = out.p + 10;
	zs.avail_out = (uInt)bound;
	CU_ASSERT_FATAL(deflate(&zs, Z_FINISH) == Z_STREAM_END);
	out.len = 10 + zs.total_out;
	deflateEnd(&zs);
	put_le32(trailer, (uint32_t)crc32(0, in, (uInt)n));
	put_le32(trailer + 4, (uint32_t)n);
	tb_add(&out, trailer, 8);
	return out;
}

/* ---------------------------------------------------------------- fixtures */

static struct atu_diags diags;

static int parse(const struct tbuf *g, const struct pds_bnd_limits *lim, struct pds_bnd **out)
{
	atu_diags_init(&diags);
	return pds_bnd_parse(g->p, g->len, "t.pdsb", lim, &diags.sink, out);
}

/* Parses a tar wrapped in gzip; returns the code and checks a refusal has one diagnostic. */
static int parse_tar(struct tbuf *t, const struct pds_bnd_limits *lim)
{
	struct tbuf g = gzip_wrap(t->p, t->len);
	struct pds_bnd *b = NULL;
	int err = parse(&g, lim, &b);

	if (err) {
		CU_ASSERT_PTR_NULL(b);
		CU_ASSERT_EQUAL(diags.count, 1);
		CU_ASSERT_EQUAL(diags.last_code, err);
		CU_ASSERT_PTR_NOT_NULL(strstr(diags.last_text, "t.pdsb"));
	}
	pds_bnd_free(b);
	free(g.p);
	free(t->p);
	memset(t, 0, sizeof(*t));
	return err;
}

static const char *seed_dir(void)
{
	static char dir[4096];
	const char *b = getenv("PDS_TEST_BUILD_DIR");

	snprintf(dir, sizeof(dir), "%s/../fuzz-seeds/fuzz_bundle", b ? b : "build/release");
	return dir;
}

/* fuzz_bundle seeds: the first byte 0 means .pdsb bytes follow (attest/fuzz/fuzz_bundle.c). */
static void save_seed(const char *name, const uint8_t *p, size_t n)
{
	char path[4200];
	FILE *f;

	snprintf(path, sizeof(path), "%s/../../fuzz-seeds", seed_dir());
	mkdir(path, 0755);
	mkdir(seed_dir(), 0755);
	snprintf(path, sizeof(path), "%s/%s", seed_dir(), name);
	f = fopen(path, "wb");
	if (!f)
		return;
	fputc(0, f);
	fwrite(p, 1, n, f);
	fclose(f);
}

/* A small plugin's files as a bundle, built member by member in the given order. */
static struct pds_bnd *sample(int reverse)
{
	static const char *const files[][2] = {
		{"demo.plugin", "be.example.demo\nupdate_rtt post obj/a.o\n"},
		{"demo.plugin.pds", "pds-attestation/v1\n"},
		{"obj/a.o", "\177ELF object bytes\n"},
		{"obj/a.o.pds", "evidence\n"},
		{"inc.plugin", "schedule_frames_on_path pre b.o\n"},
		{"b.o", "\177ELF other object\n"},
	};
	struct pds_bnd *b = NULL;
	size_t n = sizeof(files) / sizeof(files[0]);

	CU_ASSERT_FATAL(pds_bnd_new(&b) == 0);
	for (size_t i = 0; i < n; i++) {
		size_t k = reverse ? n - 1 - i : i;

		CU_ASSERT_FATAL(pds_bnd_add(b, files[k][0], files[k][1], strlen(files[k][1])) == 0);
	}
	return b;
}

static struct tbuf encode(const struct pds_bnd *b)
{
	struct tbuf g = {0};

	CU_ASSERT_FATAL(pds_bnd_encode(b, &g.p, &g.len) == 0);
	return g;
}

/* ---------------------------------------------------------------- reproducibility */

static void test_reproducible(void)
{
	struct pds_bnd *a = sample(0), *b = sample(1);
	struct tbuf ga = encode(a), gb = encode(b);
	z_stream zs = {0};
	uint8_t tar[8192];

	/* members sorted by path whatever the order they were added in */
	CU_ASSERT_STRING_EQUAL(a->members[0].path, "b.o");
	CU_ASSERT_STRING_EQUAL(a->members[a->count - 1].path, "obj/a.o.pds");
	CU_ASSERT_EQUAL(ga.len, gb.len);
	CU_ASSERT(ga.len == gb.len && !memcmp(ga.p, gb.p, ga.len));
	/* RFC 1952 header: no name, mtime 0, xfl 2, os 255 */
	CU_ASSERT(!memcmp(ga.p, gz_head_bytes, 10));
	/* the tar inside: owner 0/0 "root", mode 0644, mtime 0 (POSIX ustar fields) */
	CU_ASSERT_FATAL(inflateInit2(&zs, -15) == Z_OK);
	zs.next_in = ga.p + 10;
	zs.avail_in = (uInt)(ga.len - 18);
	zs.next_out = tar;
	zs.avail_out = sizeof(tar);
	CU_ASSERT(inflate(&zs, Z_FINISH) == Z_STREAM_END);
	inflateEnd(&zs);
	CU_ASSERT_EQUAL(zs.total_out, 6 * 1024 + 1024);
	CU_ASSERT_STRING_EQUAL((char *)tar, "b.o");
	CU_ASSERT(!memcmp(tar + 100,
			  "0000644\0"
			  "0000000\0"
			  "0000000\0",
			  24));
	CU_ASSERT(!memcmp(tar + 136, "00000000000\0", 12));
	CU_ASSERT_STRING_EQUAL((char *)tar + 265, "root");
	CU_ASSERT_STRING_EQUAL((char *)tar + 297, "root");
	CU_ASSERT(!memcmp(tar + 257,
			  "ustar\0"
			  "00",
			  8));
	save_seed("golden-unsigned", ga.p, ga.len);
	free(ga.p);
	free(gb.p);
	pds_bnd_free(a);
	pds_bnd_free(b);
}

/* ---------------------------------------------------------------- round trip */

static int file_equals(const char *dir, const struct pds_bnd_member *m)
{
	char *path = NULL, *got;
	size_t n = 0;
	int same;

	CU_ASSERT_FATAL(asprintf(&path, "%s/%s", dir, m->path) > 0);
	got = atu_read(path, &n);
	same = got && n == m->size && !memcmp(got, m->data, n);
	free(got);
	free(path);
	return same;
}

/* No "<name>.tmp-…" folder is left beside an extraction. */
static int leftovers(const char *parent)
{
	DIR *d = opendir(parent);
	struct dirent *e;
	int n = 0;

	if (!d)
		return -1;
	while ((e = readdir(d)))
		n += strstr(e->d_name, ".tmp-") != NULL;
	closedir(d);
	return n;
}

static void test_round_trip(void)
{
	struct pds_bnd *b = sample(0), *back = NULL;
	struct tbuf g = encode(b);
	char *tmp = atu_tmpdir(), out[4096], bad[4096];

	CU_ASSERT_FATAL(parse(&g, NULL, &back) == 0);
	CU_ASSERT_EQUAL_FATAL(back->count, b->count);
	for (size_t i = 0; i < b->count; i++) {
		CU_ASSERT_STRING_EQUAL(back->members[i].path, b->members[i].path);
		CU_ASSERT_EQUAL(back->members[i].size, b->members[i].size);
		CU_ASSERT(!memcmp(back->members[i].sha256, b->members[i].sha256, 32));
	}
	CU_ASSERT_PTR_NOT_NULL(pds_bnd_find(back, "obj/a.o"));
	CU_ASSERT_PTR_NULL(pds_bnd_find(back, "obj"));
	snprintf(out, sizeof(out), "%s/plugin", tmp);
	CU_ASSERT_EQUAL(pds_bnd_extract(back, out, NULL), 0);
	for (size_t i = 0; i < b->count; i++)
		CU_ASSERT(file_equals(out, &b->members[i]));
	/* a second extraction never writes into an existing folder */
	atu_diags_init(&diags);
	CU_ASSERT_EQUAL(pds_bnd_extract(back, out, &diags.sink), PDS_ATT_E_EXISTS);
	CU_ASSERT_STRING_EQUAL(diags.last_rule, "sys/exists");
	/* a folder whose parent is missing: refused, and nothing left behind */
	snprintf(bad, sizeof(bad), "%s/missing/plugin", tmp);
	CU_ASSERT_EQUAL(pds_bnd_extract(back, bad, NULL), PDS_ATT_E_IO);
	CU_ASSERT_EQUAL(leftovers(tmp), 0);
	/* re-encoding what was read gives the same bytes */
	{
		struct tbuf again = encode(back);

		CU_ASSERT(again.len == g.len && !memcmp(again.p, g.p, g.len));
		free(again.p);
	}
	atu_rmdir(tmp);
	free(tmp);
	free(g.p);
	pds_bnd_free(b);
	pds_bnd_free(back);
}

static void test_paths(void)
{
	static const struct {
		const char *path;
		int code;
	} cases[] = {
		{"a.o", 0},
		{"dir/sub/a.o", 0},
		{"..a", 0},
		{"", PDS_ATT_E_BND_PATH},
		{"/etc/passwd", PDS_ATT_E_BND_ABSOLUTE},
		{"../x", PDS_ATT_E_BND_TRAVERSAL},
		{"a/../../x", PDS_ATT_E_BND_TRAVERSAL},
		{"a/..", PDS_ATT_E_BND_TRAVERSAL},
		{"a//b", PDS_ATT_E_BND_PATH},
		{"a/./b", PDS_ATT_E_BND_PATH},
		{"a/", PDS_ATT_E_BND_PATH},
		{"a b", PDS_ATT_E_BND_PATH},
		{"a\\b", PDS_ATT_E_BND_PATH},
		{"a\nb", PDS_ATT_E_BND_PATH},
		{"caf\xc3\xa9", PDS_ATT_E_BND_PATH},
	};
	struct pds_bnd *b = NULL;
	char longp[400];

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int got = pds_bnd_path_check(cases[i].path);

		if (got != cases[i].code)
			fprintf(stderr, "path '%s': %d, expected %d\n", cases[i].path, got,
				cases[i].code);
		CU_ASSERT_EQUAL(got, cases[i].code);
	}
	/* 100 bytes without a '/' cannot be split into ustar prefix and name */
	memset(longp, 'x', 100);
	longp[100] = '\0';
	CU_ASSERT_EQUAL(pds_bnd_path_check(longp), PDS_ATT_E_BND_PATH);
	longp[40] = '/';
	CU_ASSERT_EQUAL(pds_bnd_path_check(longp), 0);
	memset(longp, 'y', 300);
	longp[150] = '/';
	longp[300] = '\0';
	CU_ASSERT_EQUAL(pds_bnd_path_check(longp), PDS_ATT_E_BND_PATH);
	/* a split path survives the round trip */
	CU_ASSERT_FATAL(pds_bnd_new(&b) == 0);
	memset(longp, 'p', 150);
	longp[150] = '/';
	memset(longp + 151, 'n', 90);
	longp[241] = '\0';
	CU_ASSERT_EQUAL(pds_bnd_add(b, longp, "x", 1), 0);
	CU_ASSERT_EQUAL(pds_bnd_add(b, longp, "x", 1), PDS_ATT_E_BND_DUPLICATE);
	CU_ASSERT_EQUAL(pds_bnd_add(b, "SIGNATURES", "x", 1), PDS_ATT_E_INVAL);
	CU_ASSERT_EQUAL(pds_bnd_add(b, "f", "x", 1), 0);
	CU_ASSERT_EQUAL(pds_bnd_add(b, "f/g", "x", 1), PDS_ATT_E_BND_CONFLICT);
	CU_ASSERT_EQUAL(pds_bnd_add(b, "pp", "x", 1), 0);
	{
		struct tbuf g = encode(b);
		struct pds_bnd *back = NULL;

		CU_ASSERT_EQUAL(parse(&g, NULL, &back), 0);
		CU_ASSERT(back && pds_bnd_find(back, longp));
		pds_bnd_free(back);
		free(g.p);
	}
	pds_bnd_free(b);
}

/* ---------------------------------------------------------------- signatures */

struct keys {
	struct pds_note_signer *s1, *s2, *s3;
	struct pds_note_verifier v[3];
};

static void keys_init(struct keys *k)
{
	k->s1 = atu_signer("packager.one", PDS_NOTE_ED25519, 1);
	k->s2 = atu_signer("packager.two", PDS_NOTE_ED25519, 2);
	k->s3 = atu_signer("packager.three", PDS_NOTE_ED25519, 3);
	CU_ASSERT_FATAL(k->s1 && k->s2 && k->s3);
	pds_note_signer_public(k->s1, &k->v[0]);
	pds_note_signer_public(k->s2, &k->v[1]);
	pds_note_signer_public(k->s3, &k->v[2]);
}

static void keys_free(struct keys *k)
{
	pds_note_signer_free(k->s1);
	pds_note_signer_free(k->s2);
	pds_note_signer_free(k->s3);
}

/* Encodes b, parses it back and verifies it against keys: the loader's path. */
static int verify_bytes(const struct tbuf *g, const struct pds_note_verifier *keys, size_t n)
{
	struct pds_bnd *b = NULL;
	int err = parse(g, NULL, &b);

	if (!err) {
		atu_diags_init(&diags);
		err = pds_bnd_verify_signatures(b, "t.pdsb", keys, n, &diags.sink);
		if (err) {
			CU_ASSERT_EQUAL(diags.count, 1);
			CU_ASSERT_PTR_NOT_NULL(strstr(diags.last_text, "t.pdsb:SIGNATURES"));
		}
	}
	pds_bnd_free(b);
	return err;
}

static int verify(const struct pds_bnd *b, const struct pds_note_verifier *keys, size_t n)
{
	struct tbuf g = encode(b);
	int err = verify_bytes(&g, keys, n);

	free(g.p);
	return err;
}

static void test_sign_verify(void)
{
	struct pds_bnd *b = sample(0);
	const struct pds_bnd_member *m;
	char *text = NULL;
	size_t len = 0;
	struct keys k;

	keys_init(&k);
	CU_ASSERT_EQUAL(verify(b, k.v, 1), PDS_ATT_E_BND_UNSIGNED);
	CU_ASSERT_EQUAL(pds_bnd_verify_signatures(b, "t", k.v, 0, NULL), PDS_ATT_E_INVAL);
	CU_ASSERT_EQUAL(pds_bnd_sign(b, k.s1), 0);
	m = pds_bnd_find(b, PDS_BND_SIGNATURES);
	CU_ASSERT_PTR_NOT_NULL_FATAL(m);
	/* the text: format line, then "<sha256 hex> <path>" of every other member, sorted */
	CU_ASSERT_EQUAL(pds_bnd_signatures_text(b, &text, &len), 0);
	CU_ASSERT(!strncmp(text, "pds-bundle/v1\n", 14));
	CU_ASSERT_PTR_NOT_NULL(strstr(text, " b.o\n"));
	CU_ASSERT_EQUAL(len, 14 + 6 * 65 +
				     strlen("b.odemo.plugindemo.plugin.pdsinc.pluginobj/a.o"
					    "obj/a.o.pds") +
				     6);
	CU_ASSERT(m->size > len && !memcmp(m->data, text, len));
	CU_ASSERT_EQUAL(verify(b, k.v, 1), 0);
	/* the second packager is required but has not signed yet */
	CU_ASSERT_EQUAL(verify(b, k.v, 2), PDS_ATT_E_BND_PACKAGER_MISSING);
	CU_ASSERT_PTR_NOT_NULL(strstr(diags.last_text, "packager.two"));
	CU_ASSERT_EQUAL(verify(b, k.v + 1, 1), PDS_ATT_E_BND_PACKAGER_MISSING);
	CU_ASSERT_EQUAL(pds_bnd_sign(b, k.s2), 0);
	CU_ASSERT_EQUAL(verify(b, k.v, 2), 0);
	CU_ASSERT_EQUAL(verify(b, k.v + 1, 1), 0);
	CU_ASSERT_EQUAL(verify(b, k.v, 3), PDS_ATT_E_BND_PACKAGER_MISSING);
	CU_ASSERT_PTR_NOT_NULL(strstr(diags.last_text, "packager.three"));
	/* the same text, two signature lines */
	m = pds_bnd_find(b, PDS_BND_SIGNATURES);
	CU_ASSERT(!memcmp(m->data, text, len));
	CU_ASSERT_EQUAL(pds_bnd_sign(b, k.s1), PDS_ATT_E_NOTE_DUP_SIG);
	/* members changed after the first signature: a second one is refused */
	CU_ASSERT_EQUAL(pds_bnd_add(b, "late.o", "x", 1), 0);
	CU_ASSERT_EQUAL(pds_bnd_sign(b, k.s3), PDS_ATT_E_BND_STALE);
	{
		struct tbuf g = encode(b);

		save_seed("signed-two", g.p, g.len);
		free(g.p);
	}
	free(text);
	keys_free(&k);
	pds_bnd_free(b);
}

/* Replaces member path's data (and hash) in place. */
static void set_member(struct pds_bnd *b, const char *path, const char *data)
{
	struct pds_bnd_member *m = (struct pds_bnd_member *)pds_bnd_find(b, path);

	CU_ASSERT_PTR_NOT_NULL_FATAL(m);
	free(m->data);
	m->data = (uint8_t *)strdup(data);
	m->size = strlen(data);
	crypto_hash_sha256(m->sha256, m->data, m->size);
}

static void drop_member(struct pds_bnd *b, const char *path)
{
	struct pds_bnd_member *m = (struct pds_bnd_member *)pds_bnd_find(b, path);
	size_t i;

	CU_ASSERT_PTR_NOT_NULL_FATAL(m);
	i = (size_t)(m - b->members);
	free(m->path);
	free(m->data);
	memmove(m, m + 1, (b->count - i - 1) * sizeof(*m));
	b->count--;
}

static struct pds_bnd *signed_sample(struct keys *k)
{
	struct pds_bnd *b = sample(0);

	CU_ASSERT_FATAL(pds_bnd_sign(b, k->s1) == 0);
	CU_ASSERT_FATAL(pds_bnd_sign(b, k->s2) == 0);
	return b;
}

/* Attacks on a signed bundle whose archive is well formed. */
static void test_signature_attacks(void)
{
	struct pds_bnd *b;
	struct pds_note_verifier forged;
	struct keys k;
	char *sig;

	keys_init(&k);
	/* an object swapped after signing */
	b = signed_sample(&k);
	set_member(b, "obj/a.o", "\177ELF evil object\n");
	CU_ASSERT_EQUAL(verify(b, k.v, 2), PDS_ATT_E_BND_HASH);
	CU_ASSERT_PTR_NOT_NULL(strstr(diags.last_text, "obj/a.o"));
	pds_bnd_free(b);
	/* a member added after signing */
	b = signed_sample(&k);
	CU_ASSERT_EQUAL(pds_bnd_add(b, "extra.o", "x", 1), 0);
	CU_ASSERT_EQUAL(verify(b, k.v, 2), PDS_ATT_E_BND_MEMBER_UNLISTED);
	CU_ASSERT_PTR_NOT_NULL(strstr(diags.last_text, "extra.o"));
	pds_bnd_free(b);
	/* a member added that sorts after every listed one */
	b = signed_sample(&k);
	CU_ASSERT_EQUAL(pds_bnd_add(b, "zz.o", "x", 1), 0);
	CU_ASSERT_EQUAL(verify(b, k.v, 2), PDS_ATT_E_BND_MEMBER_UNLISTED);
	pds_bnd_free(b);
	/* a listed member removed */
	b = signed_sample(&k);
	drop_member(b, "inc.plugin");
	CU_ASSERT_EQUAL(verify(b, k.v, 2), PDS_ATT_E_BND_MEMBER_MISSING);
	CU_ASSERT_PTR_NOT_NULL(strstr(diags.last_text, "inc.plugin"));
	drop_member(b, "obj/a.o.pds");
	CU_ASSERT_EQUAL(verify(b, k.v, 2), PDS_ATT_E_BND_MEMBER_MISSING);
	pds_bnd_free(b);
	/* SIGNATURES text edited, signature lines kept */
	b = signed_sample(&k);
	sig = strndup((char *)pds_bnd_find(b, PDS_BND_SIGNATURES)->data,
		      pds_bnd_find(b, PDS_BND_SIGNATURES)->size);
	sig[strlen("pds-bundle/v1\n")] ^= 1; /* first hex digit of b.o's hash */
	set_member(b, PDS_BND_SIGNATURES, sig);
	CU_ASSERT_EQUAL(verify(b, k.v, 2), PDS_ATT_E_BND_PACKAGER_BAD);
	free(sig);
	pds_bnd_free(b);
	/* a key with the right name and id but another public key: forged signature */
	b = signed_sample(&k);
	forged = k.v[0];
	forged.pub[0] ^= 1;
	CU_ASSERT_EQUAL(verify(b, &forged, 1), PDS_ATT_E_BND_PACKAGER_BAD);
	pds_bnd_free(b);
	/* SIGNATURES that is not a note at all */
	b = signed_sample(&k);
	set_member(b, PDS_BND_SIGNATURES, "pds-bundle/v1\n");
	CU_ASSERT_EQUAL(verify(b, k.v, 1), PDS_ATT_E_NOTE_NO_SIGS);
	pds_bnd_free(b);
	keys_free(&k);
}

/* A note signed by k over text, as SIGNATURES of b (text checks come after signatures). */
static int verify_text(const char *text, struct keys *k)
{
	struct pds_bnd *b = sample(0);
	struct pds_note *n = NULL;
	char *enc = NULL;
	size_t len = 0;
	int err;

	CU_ASSERT_FATAL(pds_note_new(text, strlen(text), &n) == 0);
	CU_ASSERT_FATAL(pds_note_sign(n, k->s1) == 0);
	CU_ASSERT_FATAL(pds_note_encode(n, &enc, &len) == 0);
	CU_ASSERT_FATAL(pds_bnd_sign(b, k->s1) == 0);
	set_member(b, PDS_BND_SIGNATURES, enc);
	err = verify(b, k->v, 1);
	free(enc);
	pds_note_free(n);
	pds_bnd_free(b);
	return err;
}

static void test_signatures_text(void)
{
	struct pds_bnd *b = sample(0);
	char *good = NULL, *t;
	size_t len = 0;
	struct keys k;

	keys_init(&k);
	CU_ASSERT_FATAL(pds_bnd_signatures_text(b, &good, &len) == 0);
	CU_ASSERT_EQUAL(verify_text(good, &k), 0);
	CU_ASSERT_EQUAL(verify_text("pds-bundle/v2\n", &k), PDS_ATT_E_BND_SIG_TEXT);
	CU_ASSERT_EQUAL(diags.last_line, 1);
	/* lines swapped: not sorted */
	t = strdup(good);
	memcpy(t + 14, good + 14 + 65 + 4, 65 + 12);
	memcpy(t + 14 + 65 + 12, good + 14, 65 + 4);
	CU_ASSERT_EQUAL(verify_text(t, &k), PDS_ATT_E_BND_SIG_TEXT);
	CU_ASSERT_EQUAL(diags.last_line, 3);
	/* upper-case hex */
	strcpy(t, good);
	t[14] = 'A';
	CU_ASSERT_EQUAL(verify_text(t, &k), PDS_ATT_E_BND_SIG_TEXT);
	CU_ASSERT_EQUAL(diags.last_line, 2);
	/* a path escaping the folder */
	free(t);
	CU_ASSERT(asprintf(&t, "pds-bundle/v1\n%064d ../b.o\n", 0) > 0);
	CU_ASSERT_EQUAL(verify_text(t, &k), PDS_ATT_E_BND_SIG_TEXT);
	free(t);
	free(good);
	keys_free(&k);
	pds_bnd_free(b);
}

/* ---------------------------------------------------------------- bit flips and truncations */

static int is_gzip_layer(int err)
{
	return err == PDS_ATT_E_BND_GZIP || err == PDS_ATT_E_BND_TRUNCATED ||
	       err == PDS_ATT_E_BND_TRAILING || err == PDS_ATT_E_BND_ENCODING;
}

/*
 * Every single-bit flip of a signed bundle is refused.  The gzip layer (fixed
 * header, CRC-32, size, zero padding bits) catches them all: a flip in the
 * header or the trailer is bad-gzip; one in the deflate data is bad-gzip, or
 * ends the stream early or late (truncated, trailing-data), or inflates to the
 * same archive by another encoding (not-canonical: a match moved to another
 * run of zeros).
 */
static void test_bit_flips(void)
{
	struct keys k;
	struct pds_bnd *b;
	struct tbuf g;
	size_t refused = 0;

	keys_init(&k);
	b = signed_sample(&k);
	g = encode(b);
	CU_ASSERT_EQUAL_FATAL(verify_bytes(&g, k.v, 2), 0);
	for (size_t i = 0; i < g.len; i++) {
		for (int bit = 0; bit < 8; bit++) {
			int err;

			g.p[i] ^= (uint8_t)(1u << bit);
			err = verify_bytes(&g, k.v, 2);
			g.p[i] ^= (uint8_t)(1u << bit);
			if (i < 10 || i >= g.len - 8) {
				CU_ASSERT_EQUAL(err, PDS_ATT_E_BND_GZIP);
			} else {
				CU_ASSERT(is_gzip_layer(err));
			}
			if (!is_gzip_layer(err))
				fprintf(stderr, "flip of bit %d of byte %zu/%zu: %d\n", bit, i,
					g.len, err);
			refused += err != 0;
		}
	}
	CU_ASSERT_EQUAL(refused, g.len * 8);
	/* every truncation, down to nothing */
	for (size_t n = 0; n < g.len; n++) {
		struct tbuf cut = {g.p, n, n};

		CU_ASSERT_EQUAL(verify_bytes(&cut, k.v, 2), PDS_ATT_E_BND_TRUNCATED);
	}
	/* one byte more */
	tb_add(&g, "\0", 1);
	CU_ASSERT_EQUAL(verify_bytes(&g, k.v, 2), PDS_ATT_E_BND_TRAILING);
	free(g.p);
	pds_bnd_free(b);
	keys_free(&k);
}

/* Inflated tar of a bundle (the archive bytes under the gzip layer). */
static struct tbuf tar_of(const struct pds_bnd *b)
{
	struct tbuf g = encode(b), t = {0};
	z_stream zs = {0};

	tb_add(&t, NULL, 1 << 16);
	CU_ASSERT_FATAL(inflateInit2(&zs, -15) == Z_OK);
	zs.next_in = g.p + 10;
	zs.avail_in = (uInt)(g.len - 18);
	zs.next_out = t.p;
	zs.avail_out = (uInt)t.len;
	CU_ASSERT_FATAL(inflate(&zs, Z_FINISH) == Z_STREAM_END);
	t.len = zs.total_out;
	inflateEnd(&zs);
	free(g.p);
	return t;
}

/*
 * The same flips made by someone who re-compresses the archive (a valid gzip
 * layer): each is refused by the ustar reader or by the signatures, with the
 * code of the place flipped.  Sampled: every 3rd byte, each time another bit.
 */
static void test_tar_flips(void)
{
	struct keys k;
	struct pds_bnd *b;
	struct tbuf t;
	size_t sig_start, sig_end, end_start;

	keys_init(&k);
	b = signed_sample(&k);
	t = tar_of(b);
	/* SIGNATURES sorts first ('S' < lower case): header at 0, data after it */
	CU_ASSERT_STRING_EQUAL_FATAL((char *)t.p, "SIGNATURES");
	sig_start = 512;
	sig_end = 512 + pds_bnd_find(b, PDS_BND_SIGNATURES)->size;
	end_start = t.len - 1024;
	for (size_t i = 0; i < t.len; i += 3) {
		size_t block = i / 512 * 512, hdr = 0;
		struct tbuf copy = {0}, g;
		int err, want = -1;

		tb_add(&copy, t.p, t.len);
		copy.p[i] ^= (uint8_t)(1u << (i % 8));
		g = gzip_wrap(copy.p, copy.len);
		err = verify_bytes(&g, k.v, 2);
		/* find whether block is a header: walk the members */
		for (size_t off = 0; off < end_start;) {
			unsigned long long size = strtoull((char *)t.p + off + 124, NULL, 8);

			if (off == block)
				hdr = 1;
			if (!hdr && i >= off + 512 && i < off + 512 + size && off != 0)
				want = PDS_ATT_E_BND_HASH;
			if (!hdr && i >= off + 512 + size &&
			    i < off + 512 + (size + 511) / 512 * 512)
				want = PDS_ATT_E_BND_HEADER; /* padding */
			off += 512 + (size + 511) / 512 * 512;
		}
		if (hdr || (i >= end_start && i < end_start + 512))
			want = PDS_ATT_E_BND_CHECKSUM;
		else if (i >= end_start + 512)
			want = PDS_ATT_E_BND_TRAILING;
		if (want >= 0) {
			CU_ASSERT_EQUAL(err, want);
		} else if (i >= sig_start && i < sig_end) {
			CU_ASSERT(err != 0); /* a signed note's many codes */
		}
		if (want >= 0 && err != want)
			fprintf(stderr, "tar flip at %zu: %d, expected %d\n", i, err, want);
		free(g.p);
		free(copy.p);
	}
	free(t.p);
	pds_bnd_free(b);
	keys_free(&k);
}

/* ---------------------------------------------------------------- attack corpus */

struct attack {
	const char *name;
	int code;
};

static int attack_member(const struct hdr *x, const char *data)
{
	struct tbuf t = {0};
	size_t n = data ? strlen(data) : 0;

	tar_file(&t, "a.plugin", "x\n");
	tar_member(&t, x, data, n);
	tar_end(&t);
	return parse_tar(&t, NULL);
}

static void test_attack_headers(void)
{
	const struct {
		struct hdr h;
		int code;
	} cases[] = {
		{{.name = "../evil.o", .size = 1}, PDS_ATT_E_BND_TRAVERSAL},
		{{.name = "b/../../evil.o", .size = 1}, PDS_ATT_E_BND_TRAVERSAL},
		{{.name = "evil.o", .prefix = "..", .size = 1}, PDS_ATT_E_BND_TRAVERSAL},
		{{.name = "/etc/cron.d/evil", .size = 1}, PDS_ATT_E_BND_ABSOLUTE},
		{{.name = "etc/x", .prefix = "/", .size = 1}, PDS_ATT_E_BND_ABSOLUTE},
		{{.name = "link.o", .type = '2', .linkname = "/etc/passwd"}, PDS_ATT_E_BND_LINK},
		{{.name = "hard.o", .type = '1', .linkname = "a.plugin"}, PDS_ATT_E_BND_LINK},
		{{.name = "tty.o", .type = '3'}, PDS_ATT_E_BND_DEVICE},
		{{.name = "sda.o", .type = '4'}, PDS_ATT_E_BND_DEVICE},
		{{.name = "fifo.o", .type = '6'}, PDS_ATT_E_BND_DEVICE},
		{{.name = "../outside/", .type = '5'}, PDS_ATT_E_BND_TRAVERSAL},
		{{.name = "dir", .type = '5'}, PDS_ATT_E_BND_TYPE},
		{{.name = "pax.o", .type = 'x', .size = 1}, PDS_ATT_E_BND_TYPE},
		{{.name = "long.o", .type = 'L', .size = 1}, PDS_ATT_E_BND_TYPE},
		{{.name = "b.o", .size = 1, .bad_sum = 1}, PDS_ATT_E_BND_CHECKSUM},
		{{.name = "b.o", .size_field = "0000000001x"}, PDS_ATT_E_BND_HEADER},
		{{.name = "b.o", .size_field = " 0000000001"}, PDS_ATT_E_BND_HEADER},
		{{.name = "b.o", .size_field = "\x80\0\0\0\0\0\0\0\0\0\0\1"}, PDS_ATT_E_BND_HEADER},
		{{.name_full = 1, .size = 1}, PDS_ATT_E_BND_HEADER},
		{{.name = "b.o", .size = 1, .magic = "ustar "}, PDS_ATT_E_BND_HEADER},
		{{.name = "b.o", .size = 1, .linkname = "x"}, PDS_ATT_E_BND_HEADER},
		{{.name = "b.o", .size = 2u << 20}, PDS_ATT_E_BND_MEMBER_SIZE},
		{{.name = "b.o", .size = 4096}, PDS_ATT_E_BND_TRUNCATED},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int err = attack_member(&cases[i].h, cases[i].h.size == 1 ? "y" : NULL);

		if (err != cases[i].code)
			fprintf(stderr, "attack %zu (%s): %d, expected %d\n", i,
				cases[i].h.name ? cases[i].h.name : "-", err, cases[i].code);
		CU_ASSERT_EQUAL(err, cases[i].code);
	}
}

/* Archives whose headers are fine but whose members or framing are not. */
static void test_attack_archives(void)
{
	struct pds_bnd_limits lim;
	struct tbuf t = {0}, g;
	struct pds_bnd *b = NULL;

	/* duplicate member: extraction would keep one and the signatures hash the other */
	tar_file(&t, "a.o", "one\n");
	tar_file(&t, "a.o", "two\n");
	tar_end(&t);
	CU_ASSERT_EQUAL(parse_tar(&t, NULL), PDS_ATT_E_BND_DUPLICATE);
	tar_file(&t, "a.o", "one\n");
	tar_file(&t, "b.o", "two\n");
	tar_file(&t, "a.o", "three\n");
	tar_end(&t);
	CU_ASSERT_EQUAL(parse_tar(&t, NULL), PDS_ATT_E_BND_DUPLICATE);
	/* out of order, and a file that is another member's folder */
	tar_file(&t, "b.o", "one\n");
	tar_file(&t, "a.o", "two\n");
	tar_end(&t);
	CU_ASSERT_EQUAL(parse_tar(&t, NULL), PDS_ATT_E_BND_ORDER);
	tar_file(&t, "a", "one\n");
	tar_file(&t, "a/b.o", "two\n");
	tar_end(&t);
	CU_ASSERT_EQUAL(parse_tar(&t, NULL), PDS_ATT_E_BND_CONFLICT);
	/* too many members */
	pds_bnd_limits_default(&lim);
	lim.members_max = 2;
	tar_file(&t, "a.o", "1");
	tar_file(&t, "b.o", "2");
	tar_file(&t, "c.o", "3");
	tar_end(&t);
	CU_ASSERT_EQUAL(parse_tar(&t, &lim), PDS_ATT_E_BND_COUNT);
	/* a member limit lowered by the caller */
	lim.members_max = 8;
	lim.member_max = 3;
	tar_file(&t, "a.o", "four");
	tar_end(&t);
	CU_ASSERT_EQUAL(parse_tar(&t, &lim), PDS_ATT_E_BND_MEMBER_SIZE);
	/* framing: missing end blocks, one end block, garbage after them, odd length */
	tar_file(&t, "a.o", "1");
	CU_ASSERT_EQUAL(parse_tar(&t, NULL), PDS_ATT_E_BND_TRUNCATED);
	tar_file(&t, "a.o", "1");
	tb_add(&t, NULL, 512);
	CU_ASSERT_EQUAL(parse_tar(&t, NULL), PDS_ATT_E_BND_TRUNCATED);
	tar_file(&t, "a.o", "1");
	tar_end(&t);
	tb_add(&t, "garbage", 7);
	CU_ASSERT_EQUAL(parse_tar(&t, NULL), PDS_ATT_E_BND_TRAILING);
	tar_file(&t, "a.o", "1");
	tar_end(&t);
	tb_add(&t, NULL, 100);
	CU_ASSERT_EQUAL(parse_tar(&t, NULL), PDS_ATT_E_BND_TRAILING);
	/* member data padded with something else than zeros */
	tar_file(&t, "a.o", "1");
	t.p[t.len - 1] = 'x';
	tar_end(&t);
	CU_ASSERT_EQUAL(parse_tar(&t, NULL), PDS_ATT_E_BND_HEADER);
	/* an empty archive is valid (and empty) */
	tar_end(&t);
	CU_ASSERT_EQUAL(parse_tar(&t, NULL), 0);
	/* gzip framing: another header, a second gzip member, garbage after the stream */
	tar_file(&t, "a.o", "1");
	tar_end(&t);
	g = gzip_wrap(t.p, t.len);
	g.p[4] = 1; /* mtime */
	CU_ASSERT_EQUAL(parse(&g, NULL, &b), PDS_ATT_E_BND_GZIP);
	g.p[4] = 0;
	g.p[3] = 8; /* FNAME */
	CU_ASSERT_EQUAL(parse(&g, NULL, &b), PDS_ATT_E_BND_GZIP);
	g.p[3] = 0;
	CU_ASSERT_EQUAL(parse(&g, NULL, &b), 0);
	pds_bnd_free(b);
	b = NULL;
	{
		size_t n = g.len;

		tb_add(&g, g.p, n); /* gzip allows members in a row; bundles do not */
		CU_ASSERT_EQUAL(parse(&g, NULL, &b), PDS_ATT_E_BND_TRAILING);
		CU_ASSERT_PTR_NULL(b);
	}
	free(g.p);
	/* the same archive compressed at another level: one encoding only, unless lenient */
	{
		struct tbuf l1 = {0};
		struct pds_bnd_limits lim2;
		uLongf n = compressBound((uLong)t.len) + 32; /* t: the archive above */
		z_stream zs = {0};

		CU_ASSERT_FATAL(deflateInit2(&zs, 1, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY) ==
				Z_OK);
		tb_add(&l1, gz_head_bytes, 10);
		tb_add(&l1, NULL, n);
		zs.next_in = t.p;
		zs.avail_in = (uInt)t.len;
		zs.next_out = l1.p + 10;
		zs.avail_out = (uInt)n;
		CU_ASSERT_FATAL(deflate(&zs, Z_FINISH) == Z_STREAM_END);
		l1.len = 10 + zs.total_out;
		deflateEnd(&zs);
		{
			uint8_t tr[8];

			put_le32(tr, (uint32_t)crc32(0, t.p, (uInt)t.len));
			put_le32(tr + 4, (uint32_t)t.len);
			tb_add(&l1, tr, 8);
		}
		CU_ASSERT_EQUAL(parse(&l1, NULL, &b), PDS_ATT_E_BND_ENCODING);
		pds_bnd_limits_default(&lim2);
		lim2.lenient = 1;
		CU_ASSERT_EQUAL(parse(&l1, &lim2, &b), 0);
		pds_bnd_free(b);
		free(l1.p);
	}
	free(t.p);
}

/*
 * A gzip bomb: one member claiming 1 GiB of zeros, compressed as 1 MiB blocks
 * of zeros each cut by a full flush, so the same compressed block repeats; the
 * archive is about 1 MiB and built without ever holding 1 GiB.
 */
static struct tbuf make_bomb(unsigned mib)
{
	static uint8_t zeros[1 << 20];
	struct tbuf out = {0}, chunk = {0}, head = {0};
	struct hdr x = {.name = "bomb.o", .size = (unsigned long long)mib << 20};
	uint8_t h[512], trailer[8], buf[1 << 16];
	z_stream zs = {0};
	uLong crc, zcrc, total = 512 + ((uLong)mib << 20) + 1024;

	make_header(h, &x);
	CU_ASSERT_FATAL(deflateInit2(&zs, 9, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY) == Z_OK);
	/* the header block, flushed so that what follows starts on a byte */
	zs.next_in = h;
	zs.avail_in = 512;
	zs.next_out = buf;
	zs.avail_out = sizeof(buf);
	CU_ASSERT_FATAL(deflate(&zs, Z_FULL_FLUSH) == Z_OK);
	tb_add(&head, buf, sizeof(buf) - zs.avail_out);
	/* one MiB of zeros, independent of what came before (full flush) */
	zs.next_in = zeros;
	zs.avail_in = sizeof(zeros);
	zs.next_out = buf;
	zs.avail_out = sizeof(buf);
	CU_ASSERT_FATAL(deflate(&zs, Z_FULL_FLUSH) == Z_OK);
	CU_ASSERT_FATAL(zs.avail_in == 0 && zs.avail_out > 0);
	tb_add(&chunk, buf, sizeof(buf) - zs.avail_out);
	tb_add(&out, gz_head_bytes, 10);
	tb_add(&out, head.p, head.len);
	for (unsigned i = 0; i < mib; i++)
		tb_add(&out, chunk.p, chunk.len);
	/* the end-of-archive blocks and the final block */
	zs.next_in = zeros;
	zs.avail_in = 1024;
	zs.next_out = buf;
	zs.avail_out = sizeof(buf);
	CU_ASSERT_FATAL(deflate(&zs, Z_FINISH) == Z_STREAM_END);
	tb_add(&out, buf, sizeof(buf) - zs.avail_out);
	deflateEnd(&zs);
	crc = crc32(0, h, 512);
	zcrc = crc32(0, zeros, sizeof(zeros));
	for (unsigned i = 0; i < mib; i++)
		crc = crc32_combine(crc, zcrc, sizeof(zeros));
	crc = crc32_combine(crc, crc32(0, zeros, 1024), 1024);
	put_le32(trailer, (uint32_t)crc);
	put_le32(trailer + 4, (uint32_t)total);
	tb_add(&out, trailer, 8);
	free(chunk.p);
	free(head.p);
	return out;
}

static void test_gzip_bomb(void)
{
	struct pds_bnd_limits lim;
	struct pds_bnd *b = NULL;
	struct tbuf bomb = make_bomb(1024), small = make_bomb(8), fine = make_bomb(2);
	char *tmp = atu_tmpdir(), path[4096];

	/* 1 GiB claimed in about a MiB: refused once 16 MiB came out */
	CU_ASSERT(bomb.len < (2u << 20));
	CU_ASSERT_EQUAL(parse(&bomb, NULL, &b), PDS_ATT_E_BND_TOTAL_SIZE);
	CU_ASSERT_STRING_EQUAL(diags.last_rule, "bundle/too-large");
	/* 8 MiB from a few KiB: under the total limit, over the ratio */
	CU_ASSERT_EQUAL(parse(&small, NULL, &b), PDS_ATT_E_BND_RATIO);
	/* with limits raised, the same construction is a valid archive (the bomb is honest) */
	pds_bnd_limits_default(&lim);
	lim.ratio_max = 1u << 20;
	lim.member_max = 8u << 20;
	CU_ASSERT_EQUAL(parse(&fine, &lim, &b), PDS_ATT_E_BND_ENCODING); /* full flushes */
	lim.lenient = 1;
	CU_ASSERT_EQUAL(parse(&fine, &lim, &b), 0);
	CU_ASSERT(b && b->count == 1 && b->members[0].size == (2u << 20));
	pds_bnd_free(b);
	b = NULL;
	/* and with the ratio raised, the member limit stops it */
	lim.member_max = 1u << 20;
	CU_ASSERT_EQUAL(parse(&fine, &lim, &b), PDS_ATT_E_BND_MEMBER_SIZE);
	/* from a file: refused, and no folder appears */
	snprintf(path, sizeof(path), "%s/bomb.pdsb", tmp);
	{
		FILE *f = fopen(path, "wb");

		CU_ASSERT_FATAL(f != NULL);
		fwrite(bomb.p, 1, bomb.len, f);
		fclose(f);
	}
	atu_diags_init(&diags);
	CU_ASSERT_EQUAL(pds_bnd_load(path, NULL, &diags.sink, &b), PDS_ATT_E_BND_TOTAL_SIZE);
	CU_ASSERT_PTR_NOT_NULL(strstr(diags.last_text, "bomb.pdsb"));
	save_seed("bomb-8mib", small.p, small.len);
	atu_rmdir(tmp);
	free(tmp);
	free(bomb.p);
	free(small.p);
	free(fine.p);
}

/* ---------------------------------------------------------------- the tool */

static int run(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int run(const char *fmt, ...)
{
	const char *b = getenv("PDS_TEST_BUILD_DIR");
	char args[8192], cmd[9000];
	va_list ap;
	int st;

	va_start(ap, fmt);
	vsnprintf(args, sizeof(args), fmt, ap);
	va_end(ap);
	snprintf(cmd, sizeof(cmd), "%s/bin/pds-bundle %s >/dev/null 2>&1", b ? b : "build/release",
		 args);
	st = system(cmd);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static void write_text(const char *dir, const char *name, const char *text)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	CU_ASSERT_FATAL(f != NULL);
	fputs(text, f);
	fclose(f);
}

static void test_tool(void)
{
	char *tmp = atu_tmpdir(), p[4096], sub[4096];
	struct keys k;
	char *a, *b;
	size_t alen = 0, blen = 0;

	keys_init(&k);
	snprintf(p, sizeof(p), "%s/p", tmp);
	snprintf(sub, sizeof(sub), "%s/p/obj", tmp);
	CU_ASSERT_FATAL(mkdir(p, 0755) == 0 && mkdir(sub, 0755) == 0);
	write_text(p, "t.plugin", "be.example.t\nupdate_rtt post obj/a.o\ninc.plugin include\n");
	write_text(p, "inc.plugin", "schedule_frames_on_path pre b.o\nupdate_rtt pre obj/a.o\n");
	write_text(p, "obj/a.o", "\177ELF a\n");
	write_text(p, "obj/a.o.pds", "evidence of a\n");
	write_text(p, "b.o", "\177ELF b\n");
	write_text(p, "unrelated.o", "not named by the manifest\n");
	CU_ASSERT_EQUAL_FATAL(run("create %s/t.plugin -o %s/one.pdsb", p, tmp), 0);
	/* file times and creation order do not matter: the same bytes */
	sleep(1);
	write_text(p, "b.o", "\177ELF b\n");
	CU_ASSERT_EQUAL(run("create %s/t.plugin -o %s/two.pdsb", p, tmp), 0);
	snprintf(sub, sizeof(sub), "%s/one.pdsb", tmp);
	a = atu_read(sub, &alen);
	snprintf(sub, sizeof(sub), "%s/two.pdsb", tmp);
	b = atu_read(sub, &blen);
	CU_ASSERT_FATAL(a && b);
	CU_ASSERT(alen == blen && !memcmp(a, b, alen));
	{
		struct pds_bnd *bd = NULL;
		static const char *const want[] = {"b.o", "inc.plugin", "obj/a.o", "obj/a.o.pds",
						   "t.plugin"};

		CU_ASSERT_FATAL(pds_bnd_load(sub, NULL, NULL, &bd) == 0);
		CU_ASSERT_EQUAL_FATAL(bd->count, 5);
		for (size_t i = 0; i < 5; i++)
			CU_ASSERT_STRING_EQUAL(bd->members[i].path, want[i]);
		pds_bnd_free(bd);
	}
	/* keys on disk, two packagers */
	snprintf(sub, sizeof(sub), "%s/k1.key", tmp);
	CU_ASSERT_FATAL(pds_note_signer_write(k.s1, sub) == 0);
	snprintf(sub, sizeof(sub), "%s/k2.key", tmp);
	CU_ASSERT_FATAL(pds_note_signer_write(k.s2, sub) == 0);
	snprintf(sub, sizeof(sub), "%s/k1.pub", tmp);
	CU_ASSERT_FATAL(pds_note_verifier_write(&k.v[0], sub) == 0);
	snprintf(sub, sizeof(sub), "%s/k2.pub", tmp);
	CU_ASSERT_FATAL(pds_note_verifier_write(&k.v[1], sub) == 0);
	CU_ASSERT_EQUAL(run("check-signatures -p %s/k1.pub %s/one.pdsb", tmp, tmp), 1);
	CU_ASSERT_EQUAL(run("sign --key %s/k1.key %s/one.pdsb", tmp, tmp), 0);
	CU_ASSERT_EQUAL(run("check-signatures -p %s/k1.pub %s/one.pdsb", tmp, tmp), 0);
	CU_ASSERT_EQUAL(
		run("check-signatures -p %s/k1.pub -p %s/k2.pub %s/one.pdsb", tmp, tmp, tmp), 1);
	CU_ASSERT_EQUAL(run("sign --key %s/k2.key %s/one.pdsb", tmp, tmp), 0);
	CU_ASSERT_EQUAL(
		run("check-signatures -p %s/k1.pub -p %s/k2.pub %s/one.pdsb", tmp, tmp, tmp), 0);
	CU_ASSERT_EQUAL(run("list --json %s/one.pdsb", tmp), 0);
	CU_ASSERT_EQUAL(run("extract --into %s/out -p %s/k1.pub %s/one.pdsb", tmp, tmp, tmp), 0);
	snprintf(sub, sizeof(sub), "%s/out/obj/a.o.pds", tmp);
	free(a);
	a = atu_read(sub, &alen);
	CU_ASSERT(a && alen == 14 && !memcmp(a, "evidence of a\n", 14));
	CU_ASSERT_EQUAL(run("extract --into %s/out %s/one.pdsb", tmp, tmp), 3);
	/* a bundle signed by another packager is not extracted */
	CU_ASSERT_EQUAL(run("extract --into %s/out2 -p %s/k1.pub %s/two.pdsb", tmp, tmp, tmp), 1);
	snprintf(sub, sizeof(sub), "%s/out2", tmp);
	CU_ASSERT_EQUAL(access(sub, F_OK), -1);
	CU_ASSERT_EQUAL(leftovers(tmp), 0);
	/* usage errors */
	CU_ASSERT_EQUAL(run("sign %s/one.pdsb", tmp), 2);
	CU_ASSERT_EQUAL(run("frobnicate %s/one.pdsb", tmp), 2);
	CU_ASSERT_EQUAL(run("list --key x %s/one.pdsb", tmp), 2);
	free(a);
	free(b);
	keys_free(&k);
	atu_rmdir(tmp);
	free(tmp);
}

PDS_TEST_MAIN("bundle", PDS_TEST(test_reproducible), PDS_TEST(test_round_trip),
	      PDS_TEST(test_paths), PDS_TEST(test_sign_verify), PDS_TEST(test_signature_attacks),
	      PDS_TEST(test_signatures_text), PDS_TEST(test_bit_flips), PDS_TEST(test_tar_flips),
	      PDS_TEST(test_attack_headers), PDS_TEST(test_attack_archives),
	      PDS_TEST(test_gzip_bomb), PDS_TEST(test_tool))
