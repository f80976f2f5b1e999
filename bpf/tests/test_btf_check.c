// SPDX-License-Identifier: MIT
/*
 * The .BTF structure check that runs before libbpf opens a kernel object: every
 * type id a record refers to must exist, every record must fit, every name must
 * lie in the string section.  Damaged copies of a compiled kernel object must be
 * refused with E_BTF_TYPES (libbpf would otherwise read through a missing type),
 * and every single-byte change of the type section must be refused or read
 * cleanly — never crash.
 */
#include <stdlib.h>
#include <string.h>

#include <pds/check.h>

#include "bpf/tests/util.h"
#include "mk/cunit.h"

struct sink_rec {
	int first;
	unsigned errors;
};

static void on_diag(void *ctx, const struct pds_chk_diag *d)
{
	struct sink_rec *r = ctx;

	if (d->level == PDS_CHK_ERROR && !r->errors++)
		r->first = d->code;
}

static int open_kernel(const uint8_t *img, size_t len, struct sink_rec *rec)
{
	struct pds_chk_open_opts o = {
		.sz = sizeof(o), .profile = PDS_CHK_PROFILE_KERNEL, .diag = {on_diag, rec}};
	struct pds_chk_obj *obj = NULL;
	int err;

	memset(rec, 0, sizeof(*rec));
	err = pds_chk_obj_open_mem(img, len, "btf-test.o", &o, &obj);
	pds_chk_obj_free(obj);
	return err;
}

static int load(const char *name, uint8_t **img, size_t *len, uint8_t **types, uint32_t *tlen)
{
	char *path = pds_t_prog_path(name);
	Elf64_Shdr *sh;
	uint8_t *btf;
	uint32_t hdr, toff;

	if (!path || pds_t_read_file(path, img, len) != 0) {
		free(path);
		return -1;
	}
	free(path);
	sh = pds_t_shdr_by_name(*img, *len, ".BTF", NULL);
	btf = sh ? pds_t_sec_data(*img, *len, sh) : NULL;
	if (!btf)
		return -1;
	memcpy(&hdr, btf + 4, 4);
	memcpy(&toff, btf + 8, 4);
	memcpy(tlen, btf + 12, 4);
	*types = btf + hdr + toff;
	return 0;
}

/* The first type that refers to another (PTR, TYPEDEF, FUNC, …) pointed past the end. */
static void test_type_id_out_of_range(void)
{
	uint8_t *img = NULL, *types;
	uint32_t tlen, off = 0;
	size_t len;
	struct sink_rec rec;
	int changed = 0;

	CU_ASSERT_FATAL(load("kernel/multi_prog", &img, &len, &types, &tlen) == 0);
	CU_ASSERT_EQUAL(open_kernel(img, len, &rec), 0);
	while (off + 12 <= tlen && !changed) {
		uint32_t info, kind;

		memcpy(&info, types + off + 4, 4);
		kind = (info >> 24) & 0x1f;
		if (kind == 2 || kind == 8 || kind == 12) { /* PTR, TYPEDEF, FUNC */
			uint32_t bad = 0x00ffffff;

			memcpy(types + off + 8, &bad, 4);
			changed = 1;
		}
		off += 12; /* the first such record comes before any with a trailer here */
		if (kind == 1)
			off += 4;
		else if (kind == 4 || kind == 5)
			off += 12 * (info & 0xffff);
		else if (kind == 3)
			off += 12;
		else if (kind == 13 || kind == 6)
			off += 8 * (info & 0xffff);
	}
	CU_ASSERT_FATAL(changed);
	CU_ASSERT_EQUAL(open_kernel(img, len, &rec), PDS_CHK_E_BTF_TYPES);
	CU_ASSERT_EQUAL(rec.first, PDS_CHK_E_BTF_TYPES);
	free(img);
}

static void test_unknown_kind_and_truncation(void)
{
	uint8_t *img = NULL, *types;
	uint32_t tlen, info;
	size_t len;
	struct sink_rec rec;

	CU_ASSERT_FATAL(load("kernel/xdp_counter", &img, &len, &types, &tlen) == 0);
	memcpy(&info, types + 4, 4);
	info = (info & ~(0x1fu << 24)) | (31u << 24); /* kind 31 does not exist */
	memcpy(types + 4, &info, 4);
	CU_ASSERT_EQUAL(open_kernel(img, len, &rec), PDS_CHK_E_BTF_TYPES);
	free(img);
	CU_ASSERT_FATAL(load("kernel/xdp_counter", &img, &len, &types, &tlen) == 0);
	/* a type section that ends in the middle of a record */
	tlen -= 2;
	{
		Elf64_Shdr *sh = pds_t_shdr_by_name(img, len, ".BTF", NULL);
		uint8_t *btf = pds_t_sec_data(img, len, sh);

		memcpy(btf + 12, &tlen, 4);
	}
	CU_ASSERT_EQUAL(open_kernel(img, len, &rec), PDS_CHK_E_BTF_TYPES);
	free(img);
}

/* Every byte of the type section set to a few values: refused or read, never a crash. */
static void test_every_byte(void)
{
	static const uint8_t values[] = {0x00, 0x47, 0xff};
	uint8_t *img = NULL, *types;
	uint32_t tlen;
	size_t len, refused = 0, total = 0;
	struct sink_rec rec;

	CU_ASSERT_FATAL(load("kernel/multi_prog", &img, &len, &types, &tlen) == 0);
	for (uint32_t i = 0; i < tlen; i++) {
		uint8_t keep = types[i];

		for (size_t v = 0; v < sizeof(values); v++) {
			int err;

			if (values[v] == keep)
				continue;
			types[i] = values[v];
			err = open_kernel(img, len, &rec);
			total++;
			refused += err != 0;
			CU_ASSERT(err == 0 || rec.errors > 0);
		}
		types[i] = keep;
	}
	CU_ASSERT(refused > 0);
	printf("\n  %zu changed bytes of .BTF types: %zu refused, none crashed\n", total, refused);
	free(img);
}

PDS_TEST_MAIN("btf check", PDS_TEST(test_type_id_out_of_range),
	      PDS_TEST(test_unknown_kind_and_truncation), PDS_TEST(test_every_byte))
