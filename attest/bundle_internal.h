/* SPDX-License-Identifier: MIT */
/* Private helpers of the bundle code: the ustar layer (bundle_tar.c) and member lists. */
#ifndef PDS_BUNDLE_INTERNAL_H
#define PDS_BUNDLE_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include <pds/bundle.h>

#include "attest/att_fmt.h"

#define BND_BLOCK 512u

/* Appends the ustar archive of b's members (headers, data, two zero blocks) to out. */
void bnd_tar_encode(const struct pds_bnd *b, struct att_buf *out);

/*
 * Reads the inflated archive tar[0..len) into b (empty on entry), checking every
 * header, path, type, size and the order of the members; src names the bundle in
 * diagnostics (no buffer: positions are archive offsets in the message).
 */
int bnd_tar_decode(const uint8_t *tar, size_t len, const struct att_src *src,
		   const struct pds_bnd_limits *lim, struct pds_bnd *b);

/* Index of the first member whose path is not below path (strcmp order). */
size_t bnd_lower_bound(const struct pds_bnd *b, const char *path);
/* PDS_ATT_E_BND_CONFLICT when path is a member's folder or a member is a folder of path. */
int bnd_conflict(const struct pds_bnd *b, const char *path);
/* Inserts a member at index at, taking ownership of path and data; hashes data. */
int bnd_insert(struct pds_bnd *b, size_t at, char *path, uint8_t *data, size_t size);

#endif
