// SPDX-License-Identifier: MIT
/*
 * tlog-tiles paths, tile and entry-bundle parsing, and the checkpoint body
 * (tlog_tiles.c): the spec's examples, round trips, and a corpus of malformed
 * inputs, each refused with its code and a diagnostic naming the file and place.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mk/cunit.h"
#include <pds/tlog.h>

#include "util_tlog.h"

static void test_paths(void)
{
	static const struct {
		int level;
		uint64_t n;
		unsigned width;
		const char *path;
	} known[] = {
		/* tlog-tiles: "x001/x234/067" for 1234067; partial tiles end in .p/<W>. */
		{0, 1234067, 256, "tile/0/x001/x234/067"},
		{0, 0, 256, "tile/0/000"},
		{0, 5, 17, "tile/0/005.p/17"},
		{2, 1000, 256, "tile/2/x001/000"},
		{1, 999, 255, "tile/1/999.p/255"},
		{PDS_TLOG_ENTRIES_LEVEL, 48, 1, "tile/entries/048.p/1"},
		{PDS_TLOG_ENTRIES_LEVEL, 1000000, 256, "tile/entries/x001/x000/000"},
		{7, UINT64_MAX, 256, "tile/7/x018/x446/x744/x073/x709/x551/615"},
	};
	char buf[PDS_TLOG_PATH_MAX];

	for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++) {
		struct pds_tlog_tile t = {known[i].level, known[i].n, known[i].width}, back;

		CU_ASSERT_EQUAL(pds_tlog_tile_path(&t, buf, sizeof(buf)), 0);
		CU_ASSERT_STRING_EQUAL(buf, known[i].path);
		CU_ASSERT_EQUAL(pds_tlog_tile_parse_path(known[i].path, &back), 0);
		CU_ASSERT_EQUAL(back.level, t.level);
		CU_ASSERT_EQUAL(back.n, t.n);
		CU_ASSERT_EQUAL(back.width, t.width);
	}
	/* Round trip over many indexes. */
	for (uint64_t n = 0; n < 3000000; n += 997) {
		struct pds_tlog_tile t = {(int)(n % 9) - 1, n, 1 + (unsigned)(n % 256)}, back;

		CU_ASSERT_EQUAL_FATAL(pds_tlog_tile_path(&t, buf, sizeof(buf)), 0);
		CU_ASSERT_EQUAL_FATAL(pds_tlog_tile_parse_path(buf, &back), 0);
		CU_ASSERT(back.level == t.level && back.n == t.n && back.width == t.width);
	}
	CU_ASSERT_EQUAL(pds_tlog_tile_path(&(struct pds_tlog_tile){0, 1, 0}, buf, sizeof(buf)),
			PDS_ATT_E_INVAL);
	CU_ASSERT_EQUAL(pds_tlog_tile_path(&(struct pds_tlog_tile){8, 1, 1}, buf, sizeof(buf)),
			PDS_ATT_E_INVAL);
	CU_ASSERT_EQUAL(pds_tlog_tile_path(&(struct pds_tlog_tile){0, 1234567, 9}, buf, 12),
			PDS_ATT_E_INVAL);
}

static void test_bad_paths(void)
{
	static const char *const bad[] = {
		"tile/0/5",
		"tile/0/0005",
		"tile/0/x000/005",
		"tile/0/x1234/067",
		"tile/0/x001/x234",
		"tile/0/001/002",
		"tile/8/000",
		"tile/00/000",
		"tile/-1/000",
		"tile/0/000.p/0",
		"tile/0/000.p/256",
		"tile/0/000.p/007",
		"tile/0/000.p/",
		"tile/0/000.p/5/",
		"tile/0/000x",
		"tiles/0/000",
		"tile/entry/000",
		"tile/0/000.q/5",
		"",
		"tile/0/",
		"tile/0/x018/x446/x744/x073/x709/x551/616",
		"tile/0/x999/x999/x999/x999/x999/x999/x999/999",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct pds_tlog_tile t;
		int err = pds_tlog_tile_parse_path(bad[i], &t);

		CU_ASSERT_EQUAL(err, PDS_ATT_E_TLOG_PATH);
		if (err != PDS_ATT_E_TLOG_PATH)
			fprintf(stderr, "accepted path '%s'\n", bad[i]);
	}
}

static void test_tile_width(void)
{
	/* Size 70000: level 0 has 273 full tiles and 112 hashes in tile 273. */
	CU_ASSERT_EQUAL(pds_tlog_tile_width(0, 0, 70000), 256);
	CU_ASSERT_EQUAL(pds_tlog_tile_width(0, 273, 70000), 112);
	CU_ASSERT_EQUAL(pds_tlog_tile_width(0, 274, 70000), 0);
	CU_ASSERT_EQUAL(pds_tlog_tile_width(1, 0, 70000), 256);
	CU_ASSERT_EQUAL(pds_tlog_tile_width(1, 1, 70000), 17);
	CU_ASSERT_EQUAL(pds_tlog_tile_width(2, 0, 70000), 1);
	CU_ASSERT_EQUAL(pds_tlog_tile_width(3, 0, 70000), 0);
	CU_ASSERT_EQUAL(pds_tlog_tile_width(PDS_TLOG_ENTRIES_LEVEL, 273, 70000), 112);
	CU_ASSERT_EQUAL(pds_tlog_tile_width(0, 0, 0), 0);
	CU_ASSERT_EQUAL(pds_tlog_tile_width(0, UINT64_MAX, UINT64_MAX), 0);
	CU_ASSERT_EQUAL(pds_tlog_tile_width(7, 0, UINT64_MAX), 255);
}

static void test_tile_parse(void)
{
	static uint8_t data[PDS_TLOG_TILE_WIDTH * 32 + 1];
	struct ut_diags d = {0};
	struct pds_att_diag_sink sink = {ut_diag_sink, &d};

	CU_ASSERT_EQUAL(pds_tlog_tile_parse("tile/0/000", data, 256 * 32, 256, &sink), 0);
	CU_ASSERT_EQUAL(pds_tlog_tile_parse("tile/0/000.p/3", data, 96, 3, &sink), 0);
	CU_ASSERT_EQUAL(d.count, 0);
	CU_ASSERT_EQUAL(pds_tlog_tile_parse("tile/0/000.p/3", data, 95, 3, &sink),
			PDS_ATT_E_TLOG_TILE);
	CU_ASSERT_PTR_NOT_NULL(strstr(d.last, "tile/0/000.p/3"));
	CU_ASSERT_PTR_NOT_NULL(strstr(d.last, "at byte 95"));
	CU_ASSERT_PTR_NOT_NULL(strstr(d.last, "[tlog/bad-tile]"));
	CU_ASSERT_EQUAL(pds_tlog_tile_parse("t", data, 97, 3, &sink), PDS_ATT_E_TLOG_TILE);
	CU_ASSERT_EQUAL(pds_tlog_tile_parse("t", data, 0, 0, &sink), PDS_ATT_E_TLOG_TILE);
	CU_ASSERT_EQUAL(pds_tlog_tile_parse("t", data, sizeof(data), 257, NULL),
			PDS_ATT_E_TLOG_TILE);
}

static void test_bundle_parse(void)
{
	static const uint8_t good[] = {0, 3, 'a', 'b', 'c', 0, 0, 0, 1, 'z'};
	static const uint8_t huge[] = {0xff, 0xff, 1};
	static const struct {
		const uint8_t *data;
		size_t len;
		unsigned count;
		const char *place;
	} bad[] = {
		{good, 10, 2, "at byte 7: 3 bytes after entry 1"},
		{good, 10, 4, "at byte 10: entry 3: length prefix cut short"},
		{good, 9, 3, "at byte 7: entry 2: 1 bytes declared, 0 left"},
		{good, 4, 1, "at byte 0: entry 0: 3 bytes declared, 2 left"},
		{good, 1, 1, "at byte 0: entry 0: length prefix cut short"},
		{good, 0, 1, "at byte 0: entry 0: length prefix cut short"},
		{good, 10, 0, "entry count 0"},
		{good, 10, 257, "entry count 257"},
		{huge, 3, 1, "65535 bytes declared"},
	};
	size_t off[PDS_TLOG_TILE_WIDTH + 1];
	struct ut_diags d = {0};
	struct pds_att_diag_sink sink = {ut_diag_sink, &d};

	CU_ASSERT_EQUAL(pds_tlog_bundle_parse("tile/entries/000.p/3", good, 10, 3, off, &sink), 0);
	CU_ASSERT_EQUAL(off[0], 2);
	CU_ASSERT_EQUAL(off[1], 7);
	CU_ASSERT_EQUAL(off[2], 9);
	CU_ASSERT_EQUAL(off[3], 10);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		CU_ASSERT_EQUAL(pds_tlog_bundle_parse("tile/entries/001", bad[i].data, bad[i].len,
						      bad[i].count, off, &sink),
				PDS_ATT_E_TLOG_BUNDLE);
		CU_ASSERT_PTR_NOT_NULL(strstr(d.last, "tile/entries/001"));
		CU_ASSERT_PTR_NOT_NULL(strstr(d.last, bad[i].place));
		CU_ASSERT_PTR_NOT_NULL(strstr(d.last, "[tlog/bad-entry-bundle]"));
		if (!strstr(d.last, bad[i].place))
			fprintf(stderr, "case %zu: %s\n", i, d.last);
	}
}

#define ROOT_WITH_SPACE "XcnaeacGWamtVZy3Ad7Zoqudgjqt L0lgz+Nw7/RgQyg"

static void test_checkpoint_parse(void)
{
	static const char good[] = "example.com/log\n8\n"
				   "XcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg=\n"
				   "ext line\n\n\xe2\x80\x94 example.com/log AAAA\n";
	static const struct {
		const char *text;
		unsigned line;
	} bad[] = {
		{"", 1},
		{"example.com/log", 1},
		{"\n8\nXcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg=\n", 1},
		{"a\tb\n8\nXcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg=\n", 1},
		{"o\n08\nXcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg=\n", 2},
		{"o\n-8\nXcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg=\n", 2},
		{"o\n8 \nXcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg=\n", 2},
		{"o\n99999999999999999999\nXcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg=\n", 2},
		{"o\n\nXcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg=\n", 2},
		{"o\n8\nXcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg\n", 3},
		{"o\n8\nXcnaeacGWamtVZy3Ad7Zoqudgjqt/0lgz+Nw7/RgQyh=\n", 3},
		{"o\n8\nXcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz-Nw7_RgQyg=\n", 3},
		{"o\n8\n" ROOT_WITH_SPACE "\n", 3},
		{"o\n8\nXcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg=", 3},
		{"o\n8\nXcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg=\next", 4},
		{"o\n8\nXcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg=\nx\x01y\n", 4},
	};
	struct pds_tlog_hash root, want;
	struct ut_diags d = {0};
	struct pds_att_diag_sink sink = {ut_diag_sink, &d};
	char *origin = NULL, *body;
	uint64_t size;
	size_t len;

	ut_hex32("5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328", &want);
	CU_ASSERT_EQUAL_FATAL(pds_tlog_checkpoint_parse("checkpoint", good, strlen(good), &origin,
							&size, &root, &sink),
			      0);
	CU_ASSERT_STRING_EQUAL(origin, "example.com/log");
	CU_ASSERT_EQUAL(size, 8);
	CU_ASSERT_EQUAL(memcmp(root.b, want.b, 32), 0);
	free(origin);
	CU_ASSERT_EQUAL(pds_tlog_checkpoint_body("example.com/log", 8, &want, &body, &len), 0);
	CU_ASSERT_EQUAL(len, 63);
	CU_ASSERT_EQUAL(memcmp(body, good, len), 0);
	free(body);
	CU_ASSERT_EQUAL(pds_tlog_checkpoint_body("", 8, &want, &body, &len), PDS_ATT_E_INVAL);
	CU_ASSERT_EQUAL(pds_tlog_checkpoint_body("a\nb", 8, &want, &body, &len), PDS_ATT_E_INVAL);

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char where[64];

		origin = NULL;
		CU_ASSERT_EQUAL(pds_tlog_checkpoint_parse("cp", bad[i].text, strlen(bad[i].text),
							  &origin, &size, &root, &sink),
				PDS_ATT_E_TLOG_CHECKPOINT);
		CU_ASSERT_PTR_NULL(origin);
		snprintf(where, sizeof(where), "cp:%u:1:", bad[i].line);
		CU_ASSERT_PTR_NOT_NULL(strstr(d.last, where));
		if (!strstr(d.last, where))
			fprintf(stderr, "case %zu: %s\n", i, d.last);
	}
}

PDS_TEST_MAIN("tlog_tiles", PDS_TEST(test_paths), PDS_TEST(test_bad_paths),
	      PDS_TEST(test_tile_width), PDS_TEST(test_tile_parse), PDS_TEST(test_bundle_parse),
	      PDS_TEST(test_checkpoint_parse))
