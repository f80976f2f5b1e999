/* SPDX-License-Identifier: MIT */
/* Helpers shared by the format tests of attest/ (keys, notes, checkpoints, proofs). */
#ifndef PDS_ATT_TESTS_UTIL_FMT_H
#define PDS_ATT_TESTS_UTIL_FMT_H

#include <stddef.h>
#include <stdint.h>

#include <pds/att_diag.h>
#include <pds/note.h>

/* Records the diagnostics a parser sends. */
struct atu_diags {
	unsigned count;
	int last_code;
	unsigned last_line, last_col;
	char last_rule[64];
	char last_text[512];
	struct pds_att_diag_sink sink;
};

void atu_diags_init(struct atu_diags *d);

/* A deterministic signer: seed = 32 bytes of seed_byte. */
struct pds_note_signer *atu_signer(const char *name, uint8_t type, uint8_t seed_byte);

/* Reads a whole file (malloc'd, NUL-terminated) or returns NULL. */
char *atu_read(const char *path, size_t *len);

/* A fresh empty folder under $TMPDIR (malloc'd path); removed by atu_rmdir. */
char *atu_tmpdir(void);
void atu_rmdir(const char *dir);

/* Every file in dir (malloc'd array of malloc'd paths, sorted); *n receives the count. */
char **atu_list(const char *dir, size_t *n);
void atu_list_free(char **paths, size_t n);

#endif
