/* SPDX-License-Identifier: MIT */
/*
 * C2SP signed notes and their keys (c2sp.org/signed-note).
 *
 *   verifier key  <name>+<8 hex key id>+<base64(type || public key)>
 *   signer key    PRIVATE+KEY+<name>+<8 hex key id>+<base64(type || seed)>
 *   key id        first 4 bytes of SHA-256(name || 0x0A || type || public key)
 *
 * Two signature types are supported, both over Ed25519 keys: 0x01 (plain note
 * signatures) and 0x04 (timestamped witness cosignatures, c2sp.org/
 * tlog-cosignature, see checkpoint.h).  A signer's seed and secret key live only
 * in sodium_malloc memory and are wiped when freed.
 *
 * A note is a text ending in a newline, a blank line, and one or more signature
 * lines "— <name> <base64(key id || signature)>" (U+2014).  Parsing applies every
 * rule of the spec plus this library's limits; verification ignores signatures
 * from unknown keys, rejects the note when a known key's signature is bad, and
 * requires a number of distinct known keys to have signed.
 *
 * Memory: the caller owns what it passes in; objects returned through an out
 * parameter belong to the caller and are released with their _free function.
 * Exact formats and limits: docs/formats.md.
 */
#ifndef PDS_NOTE_H
#define PDS_NOTE_H

#include <stddef.h>
#include <stdint.h>

#include <pds/att_diag.h>

#ifdef __cplusplus
extern "C" {
#endif

#define PDS_NOTE_NAME_MAX 255u	     /* bytes in a key name */
#define PDS_NOTE_MAX_SIZE (1u << 20) /* bytes in a whole note */
#define PDS_NOTE_MAX_SIGS 64u	     /* signature lines in a note (spec: at least 16) */
#define PDS_NOTE_MAX_SIG_BYTES 4096u /* decoded signature, key id excluded */
#define PDS_NOTE_KEY_MAX 400u	     /* bytes of an encoded key, NUL included */

enum pds_note_key_type {
	PDS_NOTE_ED25519 = 0x01,     /* signed-note Ed25519 */
	PDS_NOTE_COSIGNATURE = 0x04, /* tlog-cosignature/v1, timestamped Ed25519 */
};

/* A public key, as parsed or derived; plain data, no resources. */
struct pds_note_verifier {
	char name[PDS_NOTE_NAME_MAX + 1];
	uint32_t id;
	uint8_t type; /* enum pds_note_key_type */
	uint8_t pub[32];
};

struct pds_note_signer; /* opaque; secret material in sodium_malloc memory */

/* key id = SHA-256(name || 0x0A || type || pub)[:4], big-endian. */
PDS_API int pds_note_key_id(const char *name, uint8_t type, const uint8_t pub[32], uint32_t *id);

/* A fresh random key (libsodium crypto_sign_keypair). */
PDS_API int pds_note_signer_generate(const char *name, uint8_t type, struct pds_note_signer **out);
/* The key of a 32-byte Ed25519 seed (crypto_sign_seed_keypair): deterministic. */
PDS_API int pds_note_signer_from_seed(const char *name, uint8_t type, const uint8_t seed[32],
				      struct pds_note_signer **out);
/* Parses "PRIVATE+KEY+…" (one optional final newline); checks the key id. */
PDS_API int pds_note_signer_parse(const char *text, size_t len, const char *file,
				  const struct pds_att_diag_sink *sink,
				  struct pds_note_signer **out);
/* Reads a signer key file into sodium_malloc memory and parses it. */
PDS_API int pds_note_signer_load(const char *path, const struct pds_att_diag_sink *sink,
				 struct pds_note_signer **out);
/* NULL-safe; wipes and frees. */
PDS_API void pds_note_signer_free(struct pds_note_signer *s);
PDS_API void pds_note_signer_public(const struct pds_note_signer *s, struct pds_note_verifier *out);

/*
 * Writes the signer key text (no newline) into buf, which the caller should
 * allocate with sodium_malloc and wipe; size must be at least PDS_NOTE_KEY_MAX.
 */
PDS_API int pds_note_signer_encode(const struct pds_note_signer *s, char *buf, size_t size);
/*
 * Creates path holding the signer key and a newline, mode 0600, never
 * replacing an existing file (PDS_ATT_E_EXISTS); crash-safe (docs/formats.md).
 */
PDS_API int pds_note_signer_write(const struct pds_note_signer *s, const char *path);

/* Parses "<name>+<id>+<base64>" (one optional final newline); checks the key id. */
PDS_API int pds_note_verifier_parse(const char *text, size_t len, const char *file,
				    const struct pds_att_diag_sink *sink,
				    struct pds_note_verifier *out);
PDS_API int pds_note_verifier_load(const char *path, const struct pds_att_diag_sink *sink,
				   struct pds_note_verifier *out);
/* Writes the verifier key text (no newline); size at least PDS_NOTE_KEY_MAX. */
PDS_API int pds_note_verifier_encode(const struct pds_note_verifier *v, char *buf, size_t size);
/* Creates path holding the verifier key and a newline, mode 0644, never replacing a file. */
PDS_API int pds_note_verifier_write(const struct pds_note_verifier *v, const char *path);

/* ------------------------------------------------------------------ notes */

struct pds_note_sig {
	char *name;
	uint32_t id;
	uint8_t *sig; /* the bytes after the key id */
	size_t sig_len;
};

struct pds_note {
	char *text; /* NUL-terminated; includes the final newline */
	size_t text_len;
	struct pds_note_sig *sigs;
	size_t sig_count;
};

/* A note with this text and no signature yet; the text must follow the spec's rules. */
PDS_API int pds_note_new(const char *text, size_t len, struct pds_note **out);
/*
 * Parses a whole signed note.  file names the input in diagnostics.  Refuses,
 * with one diagnostic: oversize input, invalid UTF-8, control characters, a
 * text not ending in newline, no signature block, malformed signature lines or
 * key names, non-canonical base64, more than PDS_NOTE_MAX_SIGS signatures and
 * two lines with the same key name and id.
 */
PDS_API int pds_note_parse(const char *buf, size_t len, const char *file,
			   const struct pds_att_diag_sink *sink, struct pds_note **out);
PDS_API void pds_note_free(struct pds_note *n);

/* Appends an Ed25519 (type 0x01) signature line; refuses a second one by the same key. */
PDS_API int pds_note_sign(struct pds_note *n, const struct pds_note_signer *s);

/* Serialises text, blank line, signature lines; *out is malloc'd and NUL-terminated. */
PDS_API int pds_note_encode(const struct pds_note *n, char **out, size_t *len);

/*
 * Verifies n against keys (types 0x01 and 0x04; a 0x04 signature is checked as a
 * cosignature over this note).  Signatures whose (name, id) match no key are
 * ignored.  Any known key whose signature fails rejects the whole note with
 * PDS_ATT_E_NOTE_BAD_SIG.  Otherwise at least min_valid distinct keys (1 when
 * min_valid is 0; nkeys means all of them) must have signed, or the result is
 * PDS_ATT_E_NOTE_UNVERIFIED.  When verified is not NULL, verified[i] is set to
 * 1 for each key i with a good signature, 0 otherwise.  0 is the only accept.
 */
PDS_API int pds_note_verify(const struct pds_note *n, const struct pds_note_verifier *keys,
			    size_t nkeys, size_t min_valid, unsigned char *verified);

#ifdef __cplusplus
}
#endif
#endif
