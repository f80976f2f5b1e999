/* SPDX-License-Identifier: MIT */
/*
 * Result codes of the PDS loader library (libpdsload).
 *
 * 0 is success; every other value is a reason with a stable rule id (what tests
 * and scripts match) and a one-line description.  The list is an X-macro so that
 * the enum, the rule ids and the descriptions cannot drift apart.  Codes are never
 * renumbered: new ones go at the end of their group.
 */
#ifndef PDS_LDR_ERRORS_H
#define PDS_LDR_ERRORS_H

/* X(name, value, rule id, description) */
/* one row per code reads better than the formatter's layout */
/* clang-format off */
#define PDS_LDR_ERRORS(X)                                                                          \
	X(OK, 0, "ok", "success")                                                                  \
	/* system and usage: 1..19 */                                                              \
	X(E_NOMEM, 1, "sys/nomem", "out of memory")                                                \
	X(E_INVAL, 2, "sys/invalid-argument", "invalid argument")                                  \
	X(E_IO, 3, "sys/io", "cannot read or write a file")                                        \
	/* interpreter: 20..59 */                                                                  \
	X(E_VM_BUDGET, 20, "vm/budget", "instruction budget exhausted")                            \
	X(E_VM_MEMORY, 21, "vm/memory-fault",                                                      \
	  "load or store outside the stack, plugin memory and string constants")                   \
	X(E_VM_READ_ONLY, 22, "vm/read-only", "store into a read-only string constant")            \
	X(E_VM_DIV_ZERO, 23, "vm/division-by-zero",                                                \
	  "division or modulo by zero, which stops a PQUIC pluglet")                               \
	X(E_VM_OPCODE, 24, "vm/bad-opcode", "instruction the profile does not run")                \
	X(E_VM_PC, 25, "vm/pc-out-of-range", "control left the program")                           \
	X(E_VM_CALL_DEPTH, 26, "vm/call-depth", "BPF-to-BPF calls nested too deep")                \
	X(E_VM_HELPER, 27, "vm/helper-failed", "the helper callback stopped the run")              \
	X(E_VM_NO_HELPER, 28, "vm/no-helper", "helper call without a helper callback")             \
	X(E_VM_ARENA_FULL, 29, "vm/arena-full", "plugin memory exhausted")                         \
	X(E_VM_BAD_FREE, 30, "vm/bad-free", "free or realloc of an address not allocated")         \
	X(E_VM_UNSUPPORTED, 31, "vm/unsupported-reference",                                        \
	  "reference (global data, callback address) the interpreter does not run")               \
	/* policy file: 100..139 */                                                                \
	X(E_POL_SYNTAX, 100, "policy/syntax", "policy line is malformed")                          \
	X(E_POL_KEYWORD, 101, "policy/unknown-keyword", "policy line starts with an unknown keyword") \
	X(E_POL_KEY, 102, "policy/bad-key", "key is not a valid verifier key of the right type")   \
	X(E_POL_DUPLICATE, 103, "policy/duplicate", "name, key or single-use line given twice")    \
	X(E_POL_UNDEFINED, 104, "policy/undefined-name", "name used before it is defined")         \
	X(E_POL_FORMULA, 105, "policy/bad-formula", "verifier formula is malformed")               \
	X(E_POL_THRESHOLD, 106, "policy/bad-threshold", "group or k-of threshold is out of range")  \
	X(E_POL_MISSING, 107, "policy/missing-line", "policy lacks a required line")               \
	X(E_POL_VALUE, 108, "policy/bad-value", "number, verdict, duration or path is malformed")  \
	X(E_POL_LIMIT, 109, "policy/too-large", "policy exceeds a size or count limit")            \
	X(E_POL_ENCODING, 110, "policy/bad-encoding", "policy is not printable ASCII text ending in a newline") \
	/* plugin files and evidence: 140..159 */                                                  \
	X(E_MANIFEST, 140, "load/bad-manifest", "manifest does not parse")                        \
	X(E_MANIFEST_SIZE, 141, "load/manifest-too-large", "manifest is over the policy's size limit") \
	X(E_OBJECT_SIZE, 142, "load/object-too-large", "object is over the policy's size limit")  \
	X(E_EVIDENCE_MISSING, 143, "load/no-evidence", "no evidence file beside the manifest")     \
	X(E_EVIDENCE, 144, "load/bad-evidence", "evidence file is malformed")                     \
	X(E_ATT_MALFORMED, 145, "load/bad-attestation", "attestation text is malformed")          \
	X(E_ATT_VERSION, 146, "load/attestation-version", "attestation version is not one this loader knows") \
	/* what the attestation covers: 160..169 */                                                \
	X(E_PLUGIN_ID, 160, "load/plugin-id-mismatch", "attestation is for another plugin id")    \
	X(E_MANIFEST_DIGEST, 161, "load/manifest-changed", "manifest differs from the attested one") \
	X(E_OBJECT_DIGEST, 162, "load/object-changed", "object differs from the attested one")    \
	X(E_PLUGLET_MISMATCH, 163, "load/pluglet-mismatch",                                        \
	  "pluglet's protoop, anchor or param differs from the attestation")                       \
	X(E_COVERAGE, 164, "load/coverage", "attestation does not cover exactly the manifest's objects") \
	X(E_LONE_OBJECT, 165, "load/not-a-plugin-attestation", "attestation is for a lone object, not a manifest") \
	/* signatures: 170..179 */                                                                 \
	X(E_ATT_BAD_SIG, 170, "load/forged-signature", "a trusted verifier's signature does not verify") \
	X(E_ATT_UNTRUSTED, 171, "load/no-trusted-signature", "no verifier the policy trusts signed the attestation") \
	X(E_FORMULA, 172, "load/formula-unsatisfied", "the verifiers who signed do not satisfy the policy's formula") \
	/* log, witnesses, rollback: 180..199 */                                                   \
	X(E_LOG_UNKNOWN, 180, "load/unknown-log", "checkpoint is from a log the policy does not trust") \
	X(E_CHECKPOINT_SIG, 181, "load/checkpoint-signature", "checkpoint is not signed by the log's key") \
	X(E_INCLUSION, 182, "load/inclusion-failed", "proof does not lead from the attestation to the checkpoint's root") \
	X(E_WITNESS_BAD_SIG, 183, "load/bad-cosignature", "a trusted witness's cosignature does not verify") \
	X(E_WITNESS_QUORUM, 184, "load/witness-quorum", "trusted witnesses' cosignatures do not satisfy the quorum") \
	X(E_STALE, 185, "load/stale-checkpoint", "checkpoint's cosignatures are older than the policy allows") \
	X(E_ROLLBACK, 186, "load/rollback", "checkpoint is older than the newest one accepted from this log") \
	X(E_SPLIT_VIEW, 187, "load/split-view", "checkpoint has the size of one accepted before but another root") \
	X(E_STATE, 188, "load/bad-state", "anti-rollback state is unreadable or malformed")        \
	X(E_STATE_LOCKED, 189, "load/state-locked", "anti-rollback state is locked by another loader") \
	X(E_UNWITNESSED_ADVANCE, 190, "load/unproven-advance",                                     \
	  "newer checkpoint without a witness quorum or consistency proof")                        \
	X(E_CONSISTENCY, 191, "load/inconsistent", "consistency proof does not link the accepted checkpoint to the new one") \
	X(E_ADVANCE_REQUEST, 192, "load/bad-advance-request", "checkpoint advance request is malformed") \
	/* verdicts and budgets: 200..209 */                                                       \
	X(E_TERMINATION, 200, "load/termination-verdict", "termination verdict is not one the policy accepts") \
	X(E_BOUND, 201, "load/bound-over-budget", "worst-case instruction bound is over the policy's budget") \
	X(E_EFFECTS, 202, "load/effects-verdict", "side-effects verdict is not one the policy accepts") \
	X(E_MEMORY, 203, "load/memory-verdict", "memory-safety verdict is not one the policy accepts") \
	/* bundles: 220..239 */                                                                    \
	X(E_BND_MALFORMED, 220, "load/bundle-malformed", "bundle is not a well-formed pds-bundle archive") \
	X(E_BND_TRAVERSAL, 221, "load/bundle-path-traversal", "bundle member path is absolute or has '..'") \
	X(E_BND_LINK, 222, "load/bundle-link", "bundle member is a link")                          \
	X(E_BND_DEVICE, 223, "load/bundle-device", "bundle member is a device or a FIFO")          \
	X(E_BND_DUPLICATE, 224, "load/bundle-duplicate", "two bundle members have the same path")  \
	X(E_BND_BOMB, 225, "load/bundle-too-large", "bundle inflates past a size, count or ratio limit") \
	X(E_BND_UNSIGNED, 226, "load/bundle-unsigned", "bundle lacks a required packager's signature") \
	X(E_BND_BAD_SIG, 227, "load/bundle-bad-signature", "a packager's signature on the bundle does not verify") \
	X(E_BND_MEMBERS, 228, "load/bundle-members", "bundle members differ from what the packagers signed") \
	X(E_BND_LAYOUT, 229, "load/bundle-layout", "bundle does not hold exactly one manifest with its evidence") \
	X(E_BND_EXTRACT, 230, "load/bundle-extract", "bundle cannot be extracted into the folder") \
	X(E_STORE, 231, "load/outside-store", "manifest is not inside the plugin store")

/* clang-format on */
enum pds_ldr_err {
#define PDS_LDR_ERR_ENUM(name, value, rule, desc) PDS_LDR_##name = value,
	PDS_LDR_ERRORS(PDS_LDR_ERR_ENUM)
#undef PDS_LDR_ERR_ENUM
};

#endif
