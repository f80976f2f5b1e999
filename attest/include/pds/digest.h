/* SPDX-License-Identifier: MIT */
/*
 * SHA-256 as the rest of libpdsattest computes it: OpenSSL's libcrypto (which
 * uses the CPU's SHA extensions where present), libsodium should it fail.  The
 * loader hashes plugin files with it, so that a warm verification costs about
 * what hashing the files costs.
 */
#ifndef PDS_DIGEST_H
#define PDS_DIGEST_H

#include <stddef.h>
#include <stdint.h>

#include <pds/att_diag.h>

#ifdef __cplusplus
extern "C" {
#endif

PDS_API void pds_sha256(const void *data, size_t len, uint8_t out[32]);

#ifdef __cplusplus
}
#endif
#endif
