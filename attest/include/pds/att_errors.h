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

/* one row per code reads better than the formatter's layout */
/* clang-format off */
#define PDS_ATT_ERRORS(X)                                                                         \
	X(OK, 0, "ok", "success")                                                                \
	X(E_NOMEM, 1, "sys/nomem", "out of memory")                                             \
	X(E_IO, 2, "sys/io", "input/output error")                                              \
	X(E_INVAL, 3, "sys/invalid-argument", "invalid argument")                               \
	X(E_EXISTS, 4, "sys/exists", "file exists and will not be overwritten")                 \
	X(E_CRYPTO, 5, "sys/crypto", "cryptographic library failure")                           \
	/* 20..99: keys and notes (append below this line within the group) */                   \
	X(E_KEY_SYNTAX, 20, "key/malformed", "key is not in signed-note key encoding")          \
	X(E_KEY_NAME, 21, "key/bad-name", "key name is empty, too long, or has a space or '+'") \
	X(E_KEY_ID, 22, "key/id-mismatch", "key id does not match the name and public key")     \
	X(E_KEY_TYPE, 23, "key/unsupported-type", "key signature type not supported here")      \
	X(E_NOTE_SIZE, 30, "note/too-large", "note exceeds the size or signature count limit")  \
	X(E_NOTE_UTF8, 31, "note/invalid-utf8", "note is not valid UTF-8")                      \
	X(E_NOTE_CONTROL, 32, "note/control-character", "note has a control character")         \
	X(E_NOTE_TEXT, 33, "note/bad-text", "note text is empty or does not end with a newline") \
	X(E_NOTE_NO_SIGS, 34, "note/no-signatures", "note has no signature lines")              \
	X(E_NOTE_SIG_LINE, 35, "note/malformed-signature-line", "signature line is malformed")  \
	X(E_NOTE_DUP_SIG, 36, "note/duplicate-signature", "two signature lines from the same key") \
	X(E_NOTE_BAD_SIG, 37, "note/bad-signature", "a known key's signature does not verify")  \
	X(E_NOTE_UNVERIFIED, 38, "note/not-enough-signatures", "too few trusted signatures")    \
	X(E_CKPT_LINES, 50, "checkpoint/missing-lines", "checkpoint has under three lines")     \
	X(E_CKPT_ORIGIN, 51, "checkpoint/bad-origin", "checkpoint origin is empty or unexpected") \
	X(E_CKPT_SIZE, 52, "checkpoint/bad-size", "checkpoint tree size is not canonical decimal") \
	X(E_CKPT_HASH, 53, "checkpoint/bad-root-hash", "checkpoint root is not a base64 hash")  \
	X(E_CKPT_EXT, 54, "checkpoint/bad-extension", "empty or too many extension lines")      \
	X(E_COSIG_SYNTAX, 55, "cosignature/malformed", "cosignature is malformed")              \
	X(E_COSIG_TIME, 56, "cosignature/bad-timestamp", "cosignature timestamp exceeds 2^63-1") \
	X(E_PROOF_HEADER, 60, "proof/bad-header", "tlog-proof header line is wrong")            \
	X(E_PROOF_EXTRA, 61, "proof/bad-extra", "tlog-proof extra line is not canonical base64") \
	X(E_PROOF_INDEX, 62, "proof/bad-index", "tlog-proof index line is bad")                 \
	X(E_PROOF_HASH, 63, "proof/bad-hash", "tlog-proof hash line is not base64 of 32 bytes") \
	X(E_PROOF_LENGTH, 64, "proof/too-many-hashes", "tlog-proof has too many hashes")        \
	X(E_PROOF_NO_CHECKPOINT, 65, "proof/missing-checkpoint", "tlog-proof lacks a checkpoint") \
	X(E_PROOF_INCLUSION, 66, "proof/inclusion-failed", "inclusion proof does not verify")   \
	X(E_EVIDENCE_SYNTAX, 67, "evidence/malformed", "evidence is not a note then a tlog-proof") \
	X(E_ATT_VERSION, 70, "attestation/unknown-version", "attestation version line is unknown") \
	X(E_ATT_SYNTAX, 71, "attestation/malformed-line", "attestation line is malformed")      \
	X(E_ATT_ORDER, 72, "attestation/not-canonical-order", "items unsorted or repeated")     \
	X(E_ATT_MISSING, 73, "attestation/missing-line", "attestation lacks a required line")   \
	X(E_ATT_VALUE, 74, "attestation/bad-value", "attestation value not canonically encoded") \
	X(E_ATT_SIZE, 75, "attestation/too-large", "attestation exceeds a size limit")          \
	X(E_WITNESS_REQUEST, 80, "witness/malformed-request", "add-checkpoint request is malformed") \
	X(E_WITNESS_CONFLICT, 81, "witness/old-size-mismatch", "old size is not the last size cosigned") \
	X(E_WITNESS_ROLLBACK, 82, "witness/rollback", "checkpoint is smaller than the old size") \
	/* 100..199: the log (append below this line within the group) */                        \
	X(E_TLOG_INCLUSION, 100, "tlog/bad-inclusion-proof", "inclusion proof does not lead to the tree head") \
	X(E_TLOG_CONSISTENCY, 101, "tlog/bad-consistency-proof", "consistency proof does not link the two tree heads") \
	X(E_TLOG_RANGE, 102, "tlog/out-of-range", "index or tree size beyond the tree")                 \
	X(E_TLOG_TILE, 103, "tlog/bad-tile", "hash tile has the wrong size for its width")              \
	X(E_TLOG_BUNDLE, 104, "tlog/bad-entry-bundle", "entry bundle is malformed or has the wrong entry count") \
	X(E_TLOG_MISSING, 105, "tlog/missing-file", "a tile, entry bundle or checkpoint the tree size requires is missing") \
	X(E_TLOG_CHECKPOINT, 106, "tlog/bad-checkpoint", "checkpoint text is not origin, size and base64 root lines") \
	X(E_TLOG_SIGNATURE, 107, "tlog/checkpoint-signature", "checkpoint is not signed by the log's key") \
	X(E_TLOG_LOCKED, 108, "tlog/locked", "another writer holds the log's lock")                     \
	X(E_TLOG_ENTRY_SIZE, 109, "tlog/entry-too-large", "entry is longer than 65535 bytes")           \
	X(E_TLOG_ROOT, 110, "tlog/root-mismatch", "tiles do not hash to the checkpoint's root")         \
	X(E_TLOG_HASH, 111, "tlog/hash-mismatch", "a stored hash differs from the one recomputed below it") \
	X(E_TLOG_ORIGIN, 112, "tlog/origin-mismatch", "checkpoint names another log")                   \
	X(E_TLOG_PENDING, 113, "tlog/bad-pending", "pending-batch record is malformed")                 \
	X(E_TLOG_READONLY, 114, "tlog/read-only", "log was opened read-only")                           \
	X(E_TLOG_PATH, 115, "tlog/bad-path", "tile path is not in the tlog-tiles encoding")      \
	X(E_TLOG_COSIGNER, 116, "tlog/unknown-cosigner", "cosignature line is not by one of the given witnesses") \
	X(E_TLOG_COSIG_OLDER, 117, "tlog/older-cosignature", "cosignature is older than the witness's line on the checkpoint") \
	/* 200..299: bundles (append below this line within the group) */                        \
	X(E_BND_GZIP, 200, "bundle/bad-gzip", "not the gzip stream pds-bundle writes, or a corrupt one") \
	X(E_BND_TRUNCATED, 201, "bundle/truncated", "archive ends early")                        \
	X(E_BND_TRAILING, 202, "bundle/trailing-data", "data after the end of the archive")      \
	X(E_BND_CHECKSUM, 203, "bundle/bad-checksum", "ustar header checksum does not match")     \
	X(E_BND_HEADER, 204, "bundle/bad-header", "ustar header field is malformed")             \
	X(E_BND_ABSOLUTE, 205, "bundle/absolute-path", "member path is absolute")                \
	X(E_BND_TRAVERSAL, 206, "bundle/path-traversal", "member path has a '..' component")     \
	X(E_BND_PATH, 207, "bundle/bad-path", "member path is empty, too long or not portable")  \
	X(E_BND_LINK, 208, "bundle/link-member", "member is a symbolic or hard link")            \
	X(E_BND_DEVICE, 209, "bundle/device-member", "member is a device or a FIFO")             \
	X(E_BND_TYPE, 210, "bundle/unsupported-member", "member is not a regular file")          \
	X(E_BND_DUPLICATE, 211, "bundle/duplicate-member", "two members have the same path")     \
	X(E_BND_ORDER, 212, "bundle/unsorted-members", "members are not sorted by path")         \
	X(E_BND_CONFLICT, 213, "bundle/path-conflict", "a member path is another member's folder") \
	X(E_BND_MEMBER_SIZE, 214, "bundle/member-too-large", "member is over the size limit")    \
	X(E_BND_TOTAL_SIZE, 215, "bundle/too-large", "archive inflates past the total size limit") \
	X(E_BND_RATIO, 216, "bundle/compression-ratio", "archive inflates past the ratio limit") \
	X(E_BND_COUNT, 217, "bundle/too-many-members", "archive has too many members")           \
	X(E_BND_ENCODING, 218, "bundle/not-canonical", "archive is not in the one encoding pds-bundle writes") \
	X(E_BND_UNSIGNED, 220, "bundle/unsigned", "bundle has no SIGNATURES member")             \
	X(E_BND_SIG_TEXT, 221, "bundle/bad-signatures-text", "SIGNATURES text is malformed")     \
	X(E_BND_MEMBER_MISSING, 222, "bundle/member-missing", "SIGNATURES lists a member the bundle lacks") \
	X(E_BND_MEMBER_UNLISTED, 223, "bundle/member-not-signed", "member is not listed in SIGNATURES") \
	X(E_BND_HASH, 224, "bundle/hash-mismatch", "member's SHA-256 differs from SIGNATURES")   \
	X(E_BND_PACKAGER_BAD, 225, "bundle/bad-packager-signature", "a required packager's signature does not verify") \
	X(E_BND_PACKAGER_MISSING, 226, "bundle/packager-missing", "a required packager has not signed") \
	X(E_BND_STALE, 227, "bundle/signatures-stale", "members changed since SIGNATURES was signed")

/* clang-format on */
enum pds_att_err {
#define PDS_ATT_ERR_ENUM(name, value, rule, desc) PDS_ATT_##name = value,
	PDS_ATT_ERRORS(PDS_ATT_ERR_ENUM)
#undef PDS_ATT_ERR_ENUM
};

#endif
