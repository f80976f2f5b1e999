/* SPDX-License-Identifier: MIT */
/*
 * Result codes of libpdsattest.  0 is success; every other value is a reason.
 * X(name, value, rule id, description); codes are never renumbered.
 * Groups: 1..19 system; 20..99 keys, signed notes, checkpoints, cosignatures,
 * proofs and attestations (note.h, attestation.h); 100..199 the log (tlog.h);
 * 200..299 bundles.
 */
#ifndef PDS_ATT_ERRORS_H
#define PDS_ATT_ERRORS_H

#define PDS_ATT_ERRORS(X)                                                                         \
	X(OK, 0, "ok", "success")                                                                \
	X(E_NOMEM, 1, "sys/nomem", "out of memory")                                              \
	X(E_IO, 2, "sys/io", "input/output error")                                               \
	X(E_INVAL, 3, "sys/invalid-argument", "invalid argument")                               \
	X(E_EXISTS, 4, "sys/exists", "file exists and will not be overwritten")                 \
	X(E_CRYPTO, 5, "sys/crypto", "cryptographic library failure")                           \
	/* 20..99: keys and notes (append below this line within the group) */                   \
	/* 100..199: the log (append below this line within the group) */

enum pds_att_err {
#define PDS_ATT_ERR_ENUM(name, value, rule, desc) PDS_ATT_##name = value,
	PDS_ATT_ERRORS(PDS_ATT_ERR_ENUM)
#undef PDS_ATT_ERR_ENUM
};

#endif
