// SPDX-License-Identifier: MIT
/*
 * pds_ldr_verify_plugin: the checks a host runs before it loads a plugin
 * (docs/loader.md).  The order is fixed so that each refusal has one reason:
 *
 *   1. read the manifest (size limit) and parse it;
 *   2. read and parse the evidence <manifest>.pds and its attestation;
 *   3. verifiers' signatures on the attestation, then the policy's formula
 *      (nothing in the attestation is trusted before this step);
 *   4. coverage: same plugin id, the manifest's digest, one attested object per
 *      pluglet with the same file, protoop, anchor and param, every object's
 *      digest recomputed from the file;
 *   5. verdicts and the instruction budget;
 *   6. the log: a trusted origin, the log's signature on the checkpoint, the
 *      witnesses' cosignatures against the quorum and the age limit, and the
 *      inclusion of the leaf recomputed from the attestation bytes;
 *   7. the anti-rollback state (state.c).
 *
 * Signatures already verified are remembered in a small table keyed by the
 * SHA-256 of the signed bytes (the attestation note with its signature lines,
 * the checkpoint note with its cosignatures), and checkpoints this policy object
 * accepted are remembered too, so that a repeated verification hashes the files
 * and compares.  Only successes are remembered; a failed check is redone.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <linux/openat2.h>

#include <pds/checkpoint.h>
#include <pds/digest.h>
#include <pds/manifest.h>
#include <pds/proof.h>

#include "loader/policy_internal.h"

/* Largest evidence file: an attestation entry, its cosigner lines, a proof. */
#define EVIDENCE_MAX (PDS_ATT_MAX_TEXT + (64u << 10))
/* Cosignatures dated this far in the future still count as fresh (clock skew). */
#define CLOCK_SKEW 300u

/* ------------------------------------------------------------------ cache */

enum cache_kind {
	CACHE_EMPTY = 0,
	CACHE_ATT = 1,	/* key: the attestation note; mask: verifiers that signed */
	CACHE_CKPT = 2, /* key: the checkpoint note; mask: witnesses; times; log */
	CACHE_SEEN = 3, /* key: log index, size and root of a checkpoint accepted */
};

struct cache_entry {
	uint8_t key[32];
	uint8_t kind;
	unsigned log;
	uint64_t mask;
	uint64_t *times; /* CACHE_CKPT: cosignature time of each witness in mask */
};

#define CACHE_SLOTS 512u /* a power of two; cleared when three quarters full */

/*
 * A plugin accepted before, by manifest path: the exact bytes of its manifest
 * and evidence, the objects' paths and attested digests, and what was
 * accepted.  When both files still hold these bytes, everything derived from
 * them holds too; only the objects are read and hashed again, and the
 * checkpoint's age is judged again at the current time.
 */
struct memo {
	int mem; /* made by pds_ldr_verify_plugin_mem: paths are the manifest's names */
	char *manifest_path;
	char *manifest, *evidence;
	size_t manifest_len, evidence_len;
	size_t nobj;
	char **paths;
	char **protoops;
	unsigned *lines;
	uint8_t (*digests)[32];
	uint64_t wmask, times[PDS_POL_MAX_WITNESSES];
	struct pds_ldr_result *accepted;
};

#define MEMO_SLOTS 64u

struct pds_ldr_cache {
	struct cache_entry slot[CACHE_SLOTS];
	size_t used;
	struct memo memo[MEMO_SLOTS];
	size_t memo_next; /* round-robin replacement */
};

static void memo_clear(struct memo *m)
{
	for (size_t i = 0; i < m->nobj; i++) {
		free(m->paths[i]);
		free(m->protoops[i]);
	}
	free(m->paths);
	free(m->protoops);
	free(m->lines);
	free(m->digests);
	free(m->manifest_path);
	free(m->manifest);
	free(m->evidence);
	free(m->accepted);
	memset(m, 0, sizeof(*m));
}

void pds_ldr_cache_free(struct pds_ldr_cache *c)
{
	if (!c)
		return;
	for (size_t i = 0; i < CACHE_SLOTS; i++)
		free(c->slot[i].times);
	for (size_t i = 0; i < MEMO_SLOTS; i++)
		memo_clear(&c->memo[i]);
	free(c);
}

static size_t cache_home(const uint8_t key[32])
{
	size_t h;

	memcpy(&h, key, sizeof(h));
	return h & (CACHE_SLOTS - 1);
}

static struct cache_entry *cache_find(struct pds_ldr_policy *p, enum cache_kind kind,
				      const uint8_t key[32])
{
	struct pds_ldr_cache *c = p->cache;

	/* no_cache forgets signatures; checkpoints accepted are state, kept. */
	if (!c || (p->no_cache && kind != CACHE_SEEN))
		return NULL;
	for (size_t i = cache_home(key), n = 0; n < CACHE_SLOTS;
	     i = (i + 1) & (CACHE_SLOTS - 1), n++) {
		struct cache_entry *e = &c->slot[i];

		if (e->kind == CACHE_EMPTY)
			return NULL;
		if (e->kind == kind && !memcmp(e->key, key, 32))
			return e;
	}
	return NULL;
}

/* A free slot for key (the table is emptied when it fills up); NULL without memory. */
static struct cache_entry *cache_add(struct pds_ldr_policy *p, enum cache_kind kind,
				     const uint8_t key[32])
{
	struct pds_ldr_cache *c = p->cache;
	size_t i;

	if (p->no_cache && kind != CACHE_SEEN)
		return NULL;
	if (!c && !(c = p->cache = calloc(1, sizeof(*c))))
		return NULL;
	if (c->used >= CACHE_SLOTS / 4 * 3) {
		for (i = 0; i < CACHE_SLOTS; i++) {
			free(c->slot[i].times);
			memset(&c->slot[i], 0, sizeof(c->slot[i]));
		}
		c->used = 0;
	}
	for (i = cache_home(key); c->slot[i].kind != CACHE_EMPTY; i = (i + 1) & (CACHE_SLOTS - 1))
		;
	c->used++;
	memcpy(c->slot[i].key, key, 32);
	c->slot[i].kind = (uint8_t)kind;
	return &c->slot[i];
}

static void seen_key(unsigned log, uint64_t size, const uint8_t root[32], uint8_t key[32])
{
	uint8_t buf[4 + 8 + 32];

	memcpy(buf, &log, 4);
	memcpy(buf + 4, &size, 8);
	memcpy(buf + 12, root, 32);
	pds_sha256(buf, sizeof(buf), key);
}

/* ------------------------------------------------------------------ results */

int pds_ldr_policy_set(struct pds_ldr_policy *p, const struct pds_ldr_opts *o)
{
	if (!p || !o || o->sz < sizeof(*o))
		return PDS_LDR_E_INVAL;
	if (o->state_dir) {
		char *d = strdup(o->state_dir);

		if (!d)
			return PDS_LDR_E_NOMEM;
		free(p->state_dir);
		p->state_dir = d;
		/* Checkpoints accepted against another state say nothing about this one. */
		pds_ldr_cache_free(p->cache);
		p->cache = NULL;
	}
	p->now = o->now;
	p->no_cache = o->no_cache;
	if (o->no_cache) {
		pds_ldr_cache_free(p->cache);
		p->cache = NULL;
	}
	return 0;
}

static const char *verdict_list(unsigned mask, char *buf, size_t size)
{
	static const enum pds_att_verdict all[] = {PDS_ATT_PROVEN, PDS_ATT_BUDGET, PDS_ATT_UNKNOWN,
						   PDS_ATT_REFUTED};
	size_t n = 0;

	buf[0] = 0;
	for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++)
		if (mask >> all[i] & 1 && n < size)
			n += (size_t)snprintf(buf + n, size - n, "%s%s", n ? "," : "",
					      pds_att_verdict_name(all[i]));
	return buf;
}

struct sbuf {
	char *buf;
	size_t size, len;
};

static void __attribute__((format(printf, 2, 3))) sadd(struct sbuf *s, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(s->len < s->size ? s->buf + s->len : NULL,
		      s->len < s->size ? s->size - s->len : 0, fmt, ap);
	va_end(ap);
	if (n > 0)
		s->len += (size_t)n;
}

PDS_API size_t pds_ldr_policy_summary(const struct pds_ldr_policy *p, char *buf, size_t size)
{
	struct sbuf s = {buf, size, 0};
	char v[64];

	if (size)
		buf[0] = 0;
	if (!p)
		return 0;
	for (size_t i = 0; i < p->log_count; i++)
		sadd(&s, "log: %s\n", p->logs[i].key.name);
	for (size_t i = 0; i < p->witness_count; i++)
		sadd(&s, "witness: %s (%s)\n", p->witnesses[i].name, p->witnesses[i].key.name);
	if (p->quorum_kind == PDS_POL_QUORUM_NONE)
		sadd(&s, "quorum: none\n");
	else
		sadd(&s, "quorum: %s\n",
		     p->quorum_kind == PDS_POL_QUORUM_GROUP ? p->groups[p->quorum_index].name
							    : p->witnesses[p->quorum_index].name);
	for (size_t i = 0; i < p->verifier_count; i++)
		sadd(&s, "verifier: %s (%s)\n", p->verifiers[i].name, p->verifiers[i].key.name);
	sadd(&s, "formula: %s\n", p->formula.text ? p->formula.text : "");
	for (size_t i = 0; i < p->packager_count; i++)
		sadd(&s, "packager: %s (%s)\n", p->packagers[i].name, p->packagers[i].key.name);
	if (p->packager_count)
		sadd(&s, "packagers required: %u\n", p->rules.packager_k);
	sadd(&s, "termination: %s\n", verdict_list(p->rules.termination, v, sizeof(v)));
	sadd(&s, "effects: %s\n", verdict_list(p->rules.effects, v, sizeof(v)));
	sadd(&s, "memory: %s\n", verdict_list(p->rules.memory, v, sizeof(v)));
	if (p->rules.has_max_bound)
		sadd(&s, "max-bound: %" PRIu64 "\n", p->rules.max_bound);
	if (p->rules.has_max_age)
		sadd(&s, "max-checkpoint-age: %" PRIu64 "s\n", p->rules.max_age);
	sadd(&s, "max-manifest-size: %" PRIu64 "\nmax-object-size: %" PRIu64 "\n",
	     p->rules.manifest_max, p->rules.object_max);
	sadd(&s, "state: %s\n", p->state_dir ? p->state_dir : "(none: every plugin is refused)");
	return s.len;
}

/* Copies a lower layer's diagnostic into res with the loader's code. */
struct sink_ctx {
	struct pds_ldr_result *res;
	int code;
	int seen;
};

static void att_sink(void *ctx, const struct pds_att_diag *d)
{
	struct sink_ctx *s = ctx;

	if (s->seen++)
		return;
	pds_ldr_fail(s->res, s->code, d->file, d->line, d->col, "%s [%s]", d->msg, d->rule);
	s->res->detail = d->code;
	snprintf(s->res->detail_rule, sizeof(s->res->detail_rule), "%s", d->rule);
}

static void chk_sink(void *ctx, const struct pds_chk_diag *d)
{
	struct sink_ctx *s = ctx;

	if (d->level != PDS_CHK_ERROR || s->seen++)
		return;
	pds_ldr_fail(s->res, s->code, d->file, d->line, 0, "%s [%s]", d->message,
		     d->rule ? d->rule : "");
	s->res->detail = d->code;
	snprintf(s->res->detail_rule, sizeof(s->res->detail_rule), "%s", d->rule ? d->rule : "");
}

/* ------------------------------------------------------------------ files */

/*
 * Reads a regular file of at most max bytes.  Returns 0, ENOENT, EFBIG, or
 * another errno value.
 */
static int read_fd(int fd, uint64_t max, char **buf, size_t *len)
{
	struct stat sb;
	size_t got = 0;
	int err = 0;

	*buf = NULL;
	*len = 0;
	if (fd < 0)
		return errno;
	if (fstat(fd, &sb) != 0) {
		err = errno;
		goto out;
	}
	if (!S_ISREG(sb.st_mode)) {
		err = EINVAL;
		goto out;
	}
	if ((uint64_t)sb.st_size > max) {
		err = EFBIG;
		goto out;
	}
	*buf = malloc((size_t)sb.st_size + 1);
	if (!*buf) {
		err = ENOMEM;
		goto out;
	}
	while (got < (size_t)sb.st_size) {
		ssize_t n = read(fd, *buf + got, (size_t)sb.st_size - got);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			err = n < 0 ? errno : EIO; /* shrank while read */
			goto out;
		}
		got += (size_t)n;
	}
	(*buf)[got] = 0;
	*len = got;
out:
	close(fd);
	if (err) {
		free(*buf);
		*buf = NULL;
	}
	return err;
}

static int read_file(const char *path, uint64_t max, char **buf, size_t *len)
{
	return read_fd(open(path, O_RDONLY | O_CLOEXEC), max, buf, len);
}

/*
 * Opens name beneath the folder dirfd: the kernel refuses any path, "..", or
 * link that leaves it (RESOLVE_BENEATH), so no path is resolved in user space.
 * -1 with errno ENOSYS on kernels without openat2 (Linux < 5.6).
 */
static int open_beneath(int dirfd, const char *name)
{
	struct open_how how = {.flags = O_RDONLY | O_CLOEXEC,
			       .resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS};

	return (int)syscall(SYS_openat2, dirfd, name, &how, sizeof(how));
}

static int file_fail(struct pds_ldr_result *res, int err, const char *path, int size_code,
		     uint64_t max, const char *what)
{
	if (err == EFBIG)
		return pds_ldr_fail(res, size_code, path, 0, 0,
				    "%s is larger than the policy's limit of %" PRIu64 " bytes",
				    what, max);
	if (err == ENOMEM)
		return pds_ldr_fail(res, PDS_LDR_E_NOMEM, path, 0, 0, "out of memory");
	return pds_ldr_fail(res, PDS_LDR_E_IO, path, 0, 0, "cannot read the %s: %s", what,
			    err == EINVAL ? "not a regular file" : strerror(err));
}

/* ------------------------------------------------------------------ one verification */

struct run {
	struct pds_ldr_policy *p;
	struct pds_ldr_result *res;
	const char *manifest_path;
	char evidence_path[PDS_LDR_FILE_MAX];
	char *manifest_buf;
	size_t manifest_len;
	struct pds_chk_manifest *m;
	char *ev_buf;
	size_t ev_len;
	struct pds_evidence *ev;
	struct pds_attestation *att;
	unsigned cached;		   /* signature checks answered by the cache */
	unsigned checks;		   /* signature checks needed */
	size_t match[PDS_ATT_MAX_OBJECTS]; /* the attested object of each pluglet */
	/* a manifest without includes: its folder, opened; objects are opened beneath it */
	int dirfd1; /* the descriptor + 1, 0 when none */
	char *dir;
	/* pds_ldr_verify_plugin_mem: the bytes the caller holds */
	int mem;
	const void *mem_manifest, *mem_evidence;
	size_t mem_manifest_len, mem_evidence_len;
	const struct pds_ldr_file *mem_objects;
	size_t mem_nobjects;
	uint64_t wmask, wtimes[PDS_POL_MAX_WITNESSES];
};

static char *dup_bytes(const void *b, size_t n)
{
	char *d = malloc(n + 1);

	if (d) {
		if (n)
			memcpy(d, b, n);
		d[n] = 0;
	}
	return d;
}

static int load_manifest(struct run *r)
{
	struct pds_ldr_policy *p = r->p;
	struct sink_ctx sc = {r->res, PDS_LDR_E_MANIFEST, 0};
	struct pds_chk_diag_sink sink = {chk_sink, &sc};
	char *dir, *slash;
	int err;

	if (r->mem) {
		if (r->mem_manifest_len > p->rules.manifest_max)
			return file_fail(r->res, EFBIG, r->manifest_path, PDS_LDR_E_MANIFEST_SIZE,
					 p->rules.manifest_max, "manifest");
		r->manifest_buf = dup_bytes(r->mem_manifest, r->mem_manifest_len);
		r->manifest_len = r->mem_manifest_len;
		if (!r->manifest_buf)
			return pds_ldr_fail(r->res, PDS_LDR_E_NOMEM, r->manifest_path, 0, 0,
					    "out of memory");
		/* No folder: includes are refused, objects come from the caller. */
		err = pds_chk_manifest_parse_mem(r->manifest_buf, r->manifest_len, r->manifest_path,
						 NULL, &sink, &r->m);
		goto parsed;
	}
	err = read_file(r->manifest_path, p->rules.manifest_max, &r->manifest_buf,
			&r->manifest_len);
	if (err)
		return file_fail(r->res, err, r->manifest_path, PDS_LDR_E_MANIFEST_SIZE,
				 p->rules.manifest_max, "manifest");
	dir = strdup(r->manifest_path);
	if (!dir)
		return pds_ldr_fail(r->res, PDS_LDR_E_NOMEM, r->manifest_path, 0, 0,
				    "out of memory");
	slash = strrchr(dir, '/');
	if (!slash)
		strcpy(dir, ".");
	else if (slash == dir)
		dir[1] = 0;
	else
		*slash = 0;
	/*
	 * A manifest that includes no other file is parsed without its folder, and
	 * its objects are opened beneath the folder by the kernel (open_beneath):
	 * the same containment as resolving each path here, in one system call.
	 * Anything else (includes, a parse error) takes the parser's own checks.
	 */
	if (pds_chk_manifest_parse_mem(r->manifest_buf, r->manifest_len, r->manifest_path, NULL,
				       NULL, &r->m) == 0) {
		int fd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);

		if (fd >= 0) {
			r->dirfd1 = fd + 1;
			r->dir = dir;
			return 0;
		}
	}
	pds_chk_manifest_free(r->m);
	r->m = NULL;
	err = pds_chk_manifest_parse_mem(r->manifest_buf, r->manifest_len, r->manifest_path, dir,
					 &sink, &r->m);
	free(dir);
parsed:
	if (err && !sc.seen)
		pds_ldr_fail(r->res, PDS_LDR_E_MANIFEST, r->manifest_path, 0, 0,
			     "manifest does not parse");
	return err ? r->res->code : 0;
}

static int load_evidence(struct run *r)
{
	struct sink_ctx sc = {r->res, PDS_LDR_E_EVIDENCE, 0};
	struct pds_att_diag_sink sink = {att_sink, &sc};
	int err;

	if ((size_t)snprintf(r->evidence_path, sizeof(r->evidence_path), "%s.pds",
			     r->manifest_path) >= sizeof(r->evidence_path))
		return pds_ldr_fail(r->res, PDS_LDR_E_INVAL, r->manifest_path, 0, 0,
				    "path is too long");
	if (r->mem) {
		err = !r->mem_evidence ? ENOENT : r->mem_evidence_len > EVIDENCE_MAX ? EFBIG : 0;
		if (!err && !(r->ev_buf = dup_bytes(r->mem_evidence, r->mem_evidence_len)))
			err = ENOMEM;
		r->ev_len = r->mem_evidence_len;
	} else {
		err = read_file(r->evidence_path, EVIDENCE_MAX, &r->ev_buf, &r->ev_len);
	}
	if (err == ENOENT)
		return pds_ldr_fail(r->res, PDS_LDR_E_EVIDENCE_MISSING, r->evidence_path, 0, 0,
				    "no evidence for %s: the plugin is not attested",
				    r->manifest_path);
	if (err)
		return file_fail(r->res, err, r->evidence_path, PDS_LDR_E_EVIDENCE, EVIDENCE_MAX,
				 "evidence file");
	if (pds_evidence_parse(r->ev_buf, r->ev_len, r->evidence_path, &sink, &r->ev) != 0)
		return sc.seen ? r->res->code
			       : pds_ldr_fail(r->res, PDS_LDR_E_EVIDENCE, r->evidence_path, 0, 0,
					      "evidence does not parse");
	sc.code = PDS_LDR_E_ATT_MALFORMED;
	sc.seen = 0;
	err = pds_att_parse(r->ev->note->text, r->ev->note->text_len, r->evidence_path, &sink,
			    &r->att);
	if (err == PDS_ATT_E_ATT_VERSION)
		r->res->code = PDS_LDR_E_ATT_VERSION;
	else if (err && !sc.seen)
		pds_ldr_fail(r->res, PDS_LDR_E_ATT_MALFORMED, r->evidence_path, 0, 0,
			     "attestation does not parse");
	return err ? r->res->code : 0;
}

/* The bytes of the evidence file before the proof: the attestation note as shipped. */
static size_t note_region(const struct run *r)
{
	return r->ev->entry_len;
}

/*
 * The logged entry: the note with its first signature line only (cosigners add
 * their lines after logging, docs/formats.md §6).  The parser has checked the
 * framing: text, blank line, signature lines.
 */
static size_t logged_len(const struct run *r)
{
	size_t start = r->ev->note->text_len + 1;
	const char *nl = memchr(r->ev_buf + start, '\n', r->ev->entry_len - start);

	return nl ? (size_t)(nl - r->ev_buf) + 1 : r->ev->entry_len;
}

static void list_verifiers(const struct pds_ldr_policy *p, uint64_t mask,
			   struct pds_ldr_result *res)
{
	size_t n = 0;

	res->verifiers[0] = 0;
	for (size_t i = 0; i < p->verifier_count; i++) {
		if (!(mask >> i & 1))
			continue;
		n += (size_t)snprintf(res->verifiers + n, sizeof(res->verifiers) - n, "%s%s",
				      n ? "," : "", p->verifiers[i].name);
		if (n >= sizeof(res->verifiers))
			break;
	}
}

static int check_signatures(struct run *r)
{
	struct pds_ldr_policy *p = r->p;
	unsigned char ok[PDS_POL_MAX_VERIFIERS] = {0};
	struct pds_note_verifier keys[PDS_POL_MAX_VERIFIERS];
	struct cache_entry *e;
	uint8_t key[32];
	uint64_t mask = 0;
	int err;

	r->checks++;
	pds_sha256(r->ev_buf, note_region(r), key);
	e = cache_find(p, CACHE_ATT, key);
	if (e) {
		r->cached++;
		mask = e->mask;
		for (size_t i = 0; i < p->verifier_count; i++)
			ok[i] = mask >> i & 1;
	} else {
		for (size_t i = 0; i < p->verifier_count; i++)
			keys[i] = p->verifiers[i].key;
		err = pds_note_verify(r->ev->note, keys, p->verifier_count, 1, ok);
		if (err == PDS_ATT_E_NOTE_BAD_SIG) {
			for (size_t i = 0; i < p->verifier_count; i++)
				if (!ok[i] && pds_note_verify(r->ev->note, &keys[i], 1, 1, NULL) ==
						      PDS_ATT_E_NOTE_BAD_SIG)
					return pds_ldr_fail(r->res, PDS_LDR_E_ATT_BAD_SIG,
							    r->evidence_path, 0, 0,
							    "signature of verifier %s does not "
							    "verify: forged or altered attestation",
							    p->verifiers[i].name);
			return pds_ldr_fail(r->res, PDS_LDR_E_ATT_BAD_SIG, r->evidence_path, 0, 0,
					    "a trusted verifier's signature does not verify");
		}
		if (err == PDS_ATT_E_NOTE_UNVERIFIED)
			return pds_ldr_fail(r->res, PDS_LDR_E_ATT_UNTRUSTED, r->evidence_path, 0, 0,
					    "the attestation is signed by no verifier the policy "
					    "trusts");
		if (err)
			return pds_ldr_fail(r->res, PDS_LDR_E_ATT_BAD_SIG, r->evidence_path, 0, 0,
					    "signatures do not verify [%s]", pds_att_rule(err));
		for (size_t i = 0; i < p->verifier_count; i++)
			mask |= (uint64_t)(ok[i] != 0) << i;
		e = cache_add(p, CACHE_ATT, key);
		if (e)
			e->mask = mask;
	}
	list_verifiers(p, mask, r->res);
	if (!pds_pol_formula_eval(&p->formula, ok))
		return pds_ldr_fail(r->res, PDS_LDR_E_FORMULA, r->evidence_path, 0, 0,
				    "signed by {%s}, which does not satisfy the policy's "
				    "formula \"%s\"",
				    r->res->verifiers, p->formula.text ? p->formula.text : "");
	return 0;
}

/* ------------------------------------------------------------------ coverage */

static int same_pluglet(const struct pds_chk_pluglet *pl, const struct pds_att_object *ob)
{
	const char *anchor = pds_chk_anchor_name(pl->anchor);

	return !strcmp(pl->protoop, ob->name) && pl->has_param == ob->has_param &&
	       (!pl->has_param || pl->param == ob->param) && ob->anchor &&
	       !strcmp(anchor, ob->anchor);
}

/* The supplied object the manifest names file; NULL when absent. */
static const struct pds_ldr_file *mem_object(const struct pds_ldr_file *objs, size_t n,
					     const char *file)
{
	for (size_t i = 0; i < n; i++)
		if (objs[i].name && !strcmp(objs[i].name, file))
			return &objs[i];
	return NULL;
}

/* The object's path as the host reads it. */
static void object_path(const struct run *r, const struct pds_chk_pluglet *pl, char *out,
			size_t size)
{
	if (r->dir)
		snprintf(out, size, "%s/%s", r->dir, pl->file);
	else
		snprintf(out, size, "%s", pl->path ? pl->path : pl->file);
}

/*
 * Opens a pluglet's object beneath the plugin's folder; where the kernel has no
 * openat2, the real path must lie inside the folder's real path.  -1 with
 * errno set on failure.
 */
static int open_object(const struct run *r, const struct pds_chk_pluglet *pl)
{
	char path[PDS_LDR_FILE_MAX], *real, *root;
	int fd = open_beneath(r->dirfd1 - 1, pl->file);
	size_t n;

	if (fd >= 0 || errno != ENOSYS)
		return fd;
	object_path(r, pl, path, sizeof(path));
	real = realpath(path, NULL);
	root = realpath(r->dir, NULL);
	n = root ? strlen(root) : 0;
	if (real && root && !strncmp(real, root, n) && real[n] == '/')
		fd = open(real, O_RDONLY | O_CLOEXEC);
	else
		errno = real ? EXDEV : errno;
	free(real);
	free(root);
	return fd;
}

/* The object's bytes: supplied (mem), beneath the folder, or at its resolved path. */
static int object_bytes(struct run *r, const struct pds_chk_pluglet *pl, const char **data,
			size_t *len, char **buf)
{
	uint64_t max = r->p->rules.object_max;
	char path[PDS_LDR_FILE_MAX];
	const struct pds_ldr_file *f;
	int err;

	object_path(r, pl, path, sizeof(path));
	if (r->mem) {
		f = mem_object(r->mem_objects, r->mem_nobjects, pl->file);
		if (!f)
			return pds_ldr_fail(r->res, PDS_LDR_E_COVERAGE, pl->file, 0, 0,
					    "object %s of pluglet %s was not supplied", pl->file,
					    pl->protoop);
		if (f->len > max)
			return file_fail(r->res, EFBIG, pl->file, PDS_LDR_E_OBJECT_SIZE, max,
					 "object");
		*data = f->data;
		*len = f->len;
		return 0;
	}
	if (r->dirfd1) {
		int fd = open_object(r, pl);

		if (fd < 0 &&
		    (errno == ENOENT || errno == EXDEV || errno == ELOOP || errno == ENOTDIR))
			return pds_ldr_fail(r->res, PDS_LDR_E_MANIFEST, pl->manifest, pl->line, 0,
					    "%s %s", pl->file,
					    errno == ENOENT ? "does not exist"
							    : "leaves the plugin's folder");
		err = read_fd(fd, max, buf, len);
	} else {
		err = read_file(path, max, buf, len);
	}
	*data = *buf;
	return err ? file_fail(r->res, err, path, PDS_LDR_E_OBJECT_SIZE, max, "object") : 0;
}

static int check_object_file(struct run *r, const struct pds_chk_pluglet *pl,
			     const struct pds_att_object *ob)
{
	char path[PDS_LDR_FILE_MAX], *buf = NULL;
	const char *data = NULL;
	uint8_t d[32];
	size_t len = 0;
	int err = object_bytes(r, pl, &data, &len, &buf);

	if (err)
		return err;
	pds_sha256(data, len, d);
	free(buf);
	if (memcmp(d, ob->sha256, 32) != 0) {
		object_path(r, pl, path, sizeof(path));
		return pds_ldr_fail(r->res, PDS_LDR_E_OBJECT_DIGEST, path, 0, 0,
				    "object differs from the one attested for %s (%s line %u)",
				    pl->protoop, r->manifest_path, pl->line);
	}
	return 0;
}

/*
 * One attested object per pluglet, same file, protoop, anchor and param
 * (match[i] receives the object of pluglet i); reported before the manifest's
 * digest so that a pluglet moved to another protoop is named as such.
 */
static int match_pluglets(struct run *r, size_t *match)
{
	const struct pds_attestation *a = r->att;
	const struct pds_chk_manifest *m = r->m;
	unsigned char used[PDS_ATT_MAX_OBJECTS] = {0};

	if (a->object_count != m->pluglet_count)
		return pds_ldr_fail(r->res, PDS_LDR_E_COVERAGE, r->manifest_path, 0, 0,
				    "the manifest has %zu pluglets, the attestation %zu objects",
				    m->pluglet_count, a->object_count);
	for (size_t i = 0; i < m->pluglet_count; i++) {
		const struct pds_chk_pluglet *pl = &m->pluglets[i];
		size_t hit = SIZE_MAX, same_file = SIZE_MAX;

		for (size_t j = 0; j < a->object_count && hit == SIZE_MAX; j++) {
			if (used[j] || strcmp(a->objects[j].file, pl->file) != 0)
				continue;
			same_file = j;
			if (same_pluglet(pl, &a->objects[j]))
				hit = j;
		}
		if (hit == SIZE_MAX && same_file == SIZE_MAX)
			return pds_ldr_fail(r->res, PDS_LDR_E_COVERAGE, pl->manifest, pl->line, 0,
					    "pluglet %s (%s) is not covered by the attestation",
					    pl->protoop, pl->file);
		if (hit == SIZE_MAX) {
			const struct pds_att_object *ob = &a->objects[same_file];

			return pds_ldr_fail(r->res, PDS_LDR_E_PLUGLET_MISMATCH, pl->manifest,
					    pl->line, 0,
					    "%s is attested for protoop %s anchor %s, the manifest "
					    "plugs it as %s anchor %s",
					    pl->file, ob->name, ob->anchor ? ob->anchor : "-",
					    pl->protoop, pds_chk_anchor_name(pl->anchor));
		}
		used[hit] = 1;
		match[i] = hit;
	}
	return 0;
}

static int check_coverage(struct run *r)
{
	const struct pds_attestation *a = r->att;
	const struct pds_chk_manifest *m = r->m;
	size_t *match = r->match;
	uint8_t md[32];
	int err;

	if (!a->has_manifest)
		return pds_ldr_fail(r->res, PDS_LDR_E_LONE_OBJECT, r->evidence_path, 0, 0,
				    "the attestation covers a lone object, not the manifest %s",
				    r->manifest_path);
	if (strcmp(a->plugin, m->plugin_id) != 0)
		return pds_ldr_fail(r->res, PDS_LDR_E_PLUGIN_ID, r->evidence_path, 0, 0,
				    "the attestation is for plugin %s, the manifest declares %s",
				    a->plugin, m->plugin_id);
	err = match_pluglets(r, match);
	if (err)
		return err;
	pds_sha256(r->manifest_buf, r->manifest_len, md);
	if (memcmp(md, a->manifest, 32) != 0)
		return pds_ldr_fail(r->res, PDS_LDR_E_MANIFEST_DIGEST, r->manifest_path, 0, 0,
				    "manifest differs from the attested one");
	for (size_t i = 0; i < m->pluglet_count; i++) {
		err = check_object_file(r, &m->pluglets[i], &a->objects[match[i]]);
		if (err)
			return err;
	}
	return 0;
}

/* ------------------------------------------------------------------ verdicts */

static int check_verdicts(struct run *r)
{
	const struct pds_policy_rules *ru = &r->p->rules;
	const struct pds_attestation *a = r->att;
	uint64_t worst = 0;

	for (size_t i = 0; i < a->object_count; i++) {
		const struct pds_att_object *ob = &a->objects[i];

		if (!(ru->termination >> ob->termination & 1))
			return pds_ldr_fail(r->res, PDS_LDR_E_TERMINATION, r->evidence_path, 0, 0,
					    "%s (%s): termination %s is not accepted by the policy",
					    ob->file, ob->name,
					    pds_att_verdict_name(ob->termination));
		if (ob->termination == PDS_ATT_PROVEN || ob->termination == PDS_ATT_BUDGET) {
			if (ru->has_max_bound && ob->bound > ru->max_bound)
				return pds_ldr_fail(r->res, PDS_LDR_E_BOUND, r->evidence_path, 0, 0,
						    "%s (%s): worst case of %" PRIu64
						    " instructions is over the budget of %" PRIu64,
						    ob->file, ob->name, ob->bound, ru->max_bound);
			if (ob->bound > worst)
				worst = ob->bound;
		}
		if (!(ru->effects >> ob->effects & 1))
			return pds_ldr_fail(
				r->res, PDS_LDR_E_EFFECTS, r->evidence_path, 0, 0,
				"%s (%s): side effects %s is not accepted by the policy", ob->file,
				ob->name, pds_att_verdict_name(ob->effects));
		if (!(ru->memory >> ob->memory & 1))
			return pds_ldr_fail(
				r->res, PDS_LDR_E_MEMORY, r->evidence_path, 0, 0,
				"%s (%s): memory safety %s is not accepted by the policy", ob->file,
				ob->name, pds_att_verdict_name(ob->memory));
	}
	r->res->max_bound = worst;
	return 0;
}

/* ------------------------------------------------------------------ log and witnesses */

static int find_log(const struct pds_ldr_policy *p, const char *origin)
{
	for (size_t i = 0; i < p->log_count; i++)
		if (!strcmp(p->logs[i].key.name, origin))
			return (int)i;
	return -1;
}

/* The checkpoint note as shipped: from the blank line after the proof hashes to the end. */
static const char *checkpoint_region(const struct run *r, size_t *len)
{
	size_t start = note_region(r);
	const char *hit = memmem(r->ev_buf + start, r->ev_len - start, "\n\n", 2);

	if (!hit)
		return NULL;
	*len = r->ev_len - (size_t)(hit + 2 - r->ev_buf);
	return hit + 2;
}

/* Verifies the log's signature and every trusted witness's cosignature. */
static int verify_checkpoint(struct run *r, unsigned log, struct cache_entry *out)
{
	struct pds_ldr_policy *p = r->p;
	const struct pds_note *cp = r->ev->proof->checkpoint;
	uint64_t t;
	int err;

	if (pds_note_verify(cp, &p->logs[log].key, 1, 1, NULL) != 0)
		return pds_ldr_fail(r->res, PDS_LDR_E_CHECKPOINT_SIG, r->evidence_path, 0, 0,
				    "checkpoint of %s is not signed by the log's key",
				    p->logs[log].key.name);
	out->log = log;
	for (size_t i = 0; i < p->witness_count; i++) {
		err = pds_cosig_verify(cp, &p->witnesses[i].key, &t);
		if (err == PDS_ATT_E_NOTE_UNVERIFIED)
			continue;
		if (err)
			return pds_ldr_fail(r->res, PDS_LDR_E_WITNESS_BAD_SIG, r->evidence_path, 0,
					    0, "cosignature of witness %s does not verify [%s]",
					    p->witnesses[i].name, pds_att_rule(err));
		out->mask |= 1ull << i;
		out->times[i] = t;
	}
	return 0;
}

/*
 * The witness quorum, then the same quorum counting only cosignatures within
 * the age limit (fresh ones date the checkpoint).
 */
static int judge_witnesses(const struct pds_ldr_policy *p, uint64_t mask, const uint64_t *times,
			   struct pds_ldr_result *res, const char *evidence_path)
{
	unsigned char ok[PDS_POL_MAX_WITNESSES] = {0}, fresh[PDS_POL_MAX_WITNESSES] = {0};
	uint64_t now = p->now ? p->now : (uint64_t)time(NULL), newest = 0;
	size_t count = 0;

	for (size_t i = 0; i < p->witness_count; i++) {
		if (!(mask >> i & 1))
			continue;
		ok[i] = 1;
		count++;
		if (times[i] > newest)
			newest = times[i];
		fresh[i] = !p->rules.has_max_age ||
			   (times[i] <= now + CLOCK_SKEW &&
			    (times[i] >= now || now - times[i] <= p->rules.max_age));
	}
	res->witnesses = count;
	res->checkpoint_time = newest;
	if (!pds_pol_quorum_eval(p, ok))
		return pds_ldr_fail(res, PDS_LDR_E_WITNESS_QUORUM, evidence_path, 0, 0,
				    "checkpoint is cosigned by %zu trusted witness%s, which does "
				    "not satisfy the policy's quorum",
				    count, count == 1 ? "" : "es");
	if (p->rules.has_max_age && p->quorum_kind == PDS_POL_QUORUM_NONE)
		return pds_ldr_fail(res, PDS_LDR_E_STALE, evidence_path, 0, 0,
				    "the policy limits the checkpoint's age but names no "
				    "witness quorum to date it");
	if (!pds_pol_quorum_eval(p, fresh))
		return pds_ldr_fail(res, PDS_LDR_E_STALE, evidence_path, 0, 0,
				    "checkpoint's cosignatures are older than %" PRIu64
				    " seconds (newest %" PRIu64 ", now %" PRIu64 ")",
				    p->rules.max_age, newest, now);
	return 0;
}

static int check_witnesses(struct run *r, const struct cache_entry *c)
{
	r->wmask = c->mask;
	memcpy(r->wtimes, c->times, sizeof(r->wtimes));
	return judge_witnesses(r->p, c->mask, c->times, r->res, r->evidence_path);
}

static int check_log(struct run *r)
{
	struct pds_ldr_policy *p = r->p;
	const struct pds_proof *pr = r->ev->proof;
	struct cache_entry tmp = {.kind = CACHE_CKPT}, *c;
	uint64_t times[PDS_POL_MAX_WITNESSES] = {0};
	struct pds_tlog_hash leaf, root;
	const char *cp;
	uint8_t key[32];
	size_t cp_len = 0;
	int log = find_log(p, pr->body.origin), err;

	if (log < 0)
		return pds_ldr_fail(r->res, PDS_LDR_E_LOG_UNKNOWN, r->evidence_path, 0, 0,
				    "checkpoint is from log %s, which the policy does not trust",
				    pr->body.origin);
	snprintf(r->res->origin, sizeof(r->res->origin), "%s", pr->body.origin);
	r->checks++;
	cp = checkpoint_region(r, &cp_len);
	if (cp)
		pds_sha256(cp, cp_len, key);
	c = cp ? cache_find(p, CACHE_CKPT, key) : NULL;
	if (c && c->log == (unsigned)log) {
		r->cached++;
	} else {
		tmp.times = times;
		err = verify_checkpoint(r, (unsigned)log, &tmp);
		if (err)
			return err;
		c = &tmp;
	}
	err = check_witnesses(r, c);
	if (err)
		return err;
	if (c == &tmp && cp) {
		struct cache_entry *e = cache_add(p, CACHE_CKPT, key);

		if (e) {
			e->log = tmp.log;
			e->mask = tmp.mask;
			e->times = malloc(sizeof(times));
			if (e->times)
				memcpy(e->times, times, sizeof(times));
			else
				e->kind = CACHE_EMPTY, p->cache->used--;
		}
	}
	/* RFC 9162 §2.1.3.2 with the leaf recomputed from the logged bytes. */
	pds_tlog_leaf_hash(r->ev_buf, logged_len(r), &leaf);
	memcpy(root.b, pr->body.root, 32);
	if (pds_tlog_verify_inclusion(pr->body.size, pr->index, &leaf, pr->hashes, pr->hash_count,
				      &root) != 0)
		return pds_ldr_fail(r->res, PDS_LDR_E_INCLUSION, r->evidence_path, 0, 0,
				    "the proof does not lead from this attestation (index %" PRIu64
				    ") to the root of the checkpoint of size %" PRIu64,
				    pr->index, pr->body.size);
	r->res->index = pr->index;
	r->res->tree_size = pr->body.size;
	return 0;
}

static int check_state(struct run *r)
{
	struct pds_ldr_policy *p = r->p;
	const struct pds_proof *pr = r->ev->proof;
	int log = find_log(p, pr->body.origin), err;
	uint8_t key[32];

	seen_key((unsigned)log, pr->body.size, pr->body.root, key);
	if (cache_find(p, CACHE_SEEN, key))
		return 0;
	/* A witness quorum vouches that the log showed them one history. */
	err = pds_ldr_state_check(p->state_dir, pr->body.origin, pr->body.size, pr->body.root,
				  p->quorum_kind != PDS_POL_QUORUM_NONE, r->res, r->evidence_path);
	if (err)
		return err;
	cache_add(p, CACHE_SEEN, key);
	return 0;
}

static void accepted_message(struct pds_ldr_result *res, const char *manifest_path)
{
	int n = snprintf(res->message, sizeof(res->message),
			 "%.512s: plugin %.128s accepted: %zu objects, bound %" PRIu64
			 ", entry %" PRIu64 " of %.128s (size %" PRIu64 "), signed by ",
			 manifest_path, res->plugin, res->objects, res->max_bound, res->index,
			 res->origin, res->tree_size);

	if (n > 0 && (size_t)n < sizeof(res->message))
		snprintf(res->message + n, sizeof(res->message) - (size_t)n, "%.*s",
			 (int)(sizeof(res->message) - (size_t)n - 1), res->verifiers);
}

static void run_free(struct run *r)
{
	if (r->dirfd1)
		close(r->dirfd1 - 1);
	free(r->dir);
	free(r->manifest_buf);
	pds_chk_manifest_free(r->m);
	free(r->ev_buf);
	pds_evidence_free(r->ev);
	pds_att_free(r->att);
}

/* ------------------------------------------------------------------ the memo */

static struct memo *memo_find(struct pds_ldr_policy *p, const char *manifest_path, int mem)
{
	if (!p->cache || p->no_cache)
		return NULL;
	for (size_t i = 0; i < MEMO_SLOTS; i++)
		if (p->cache->memo[i].manifest_path && p->cache->memo[i].mem == mem &&
		    !strcmp(p->cache->memo[i].manifest_path, manifest_path))
			return &p->cache->memo[i];
	return NULL;
}

/* Remembers an accepted plugin whose manifest includes no other file. */
static void memo_store(struct run *r)
{
	struct pds_ldr_policy *p = r->p;
	const struct pds_chk_manifest *m = r->m;
	struct memo *e;
	size_t n = m->pluglet_count;

	if (p->no_cache || !p->cache || m->file_count != 1)
		return;
	e = memo_find(p, r->manifest_path, r->mem);
	if (!e) {
		e = &p->cache->memo[p->cache->memo_next];
		p->cache->memo_next = (p->cache->memo_next + 1) % MEMO_SLOTS;
	}
	memo_clear(e);
	e->mem = r->mem;
	e->manifest_path = strdup(r->manifest_path);
	e->manifest = dup_bytes(r->manifest_buf, r->manifest_len);
	e->evidence = dup_bytes(r->ev_buf, r->ev_len);
	e->paths = calloc(n ? n : 1, sizeof(*e->paths));
	e->protoops = calloc(n ? n : 1, sizeof(*e->protoops));
	e->lines = calloc(n ? n : 1, sizeof(*e->lines));
	e->digests = calloc(n ? n : 1, sizeof(*e->digests));
	e->accepted = malloc(sizeof(*e->accepted));
	if (!e->manifest_path || !e->manifest || !e->evidence || !e->paths || !e->protoops ||
	    !e->lines || !e->digests || !e->accepted)
		goto fail;
	for (size_t i = 0; i < n; i++, e->nobj++) {
		char path[PDS_LDR_FILE_MAX];

		object_path(r, &m->pluglets[i], path, sizeof(path));
		e->paths[i] = strdup(r->mem ? m->pluglets[i].file : path);
		e->protoops[i] = strdup(m->pluglets[i].protoop);
		if (!e->paths[i] || !e->protoops[i]) {
			e->nobj++;
			goto fail;
		}
		e->lines[i] = m->pluglets[i].line;
		memcpy(e->digests[i], r->att->objects[r->match[i]].sha256, 32);
	}
	e->manifest_len = r->manifest_len;
	e->evidence_len = r->ev_len;
	e->wmask = r->wmask;
	memcpy(e->times, r->wtimes, sizeof(e->times));
	memcpy(e->accepted, r->res, sizeof(*e->accepted));
	return;
fail:
	memo_clear(e);
}

/* 1 when path holds exactly the len bytes at want (read under the limit max). */
static int same_file(const char *path, uint64_t max, const char *want, size_t len)
{
	char *buf;
	size_t n;
	int same = 0;

	if (read_file(path, max, &buf, &n) == 0) {
		same = n == len && !memcmp(buf, want, len);
		free(buf);
	}
	return same;
}

/*
 * The warm path: 1 when the memo does not apply (files changed, or a failure
 * the full path reports better), else the verdict on the objects.
 */
static int memo_verify(struct pds_ldr_policy *p, struct memo *e, const struct run *r,
		       struct pds_ldr_result *res)
{
	char ev[PDS_LDR_FILE_MAX];
	uint8_t d[32];

	if ((size_t)snprintf(ev, sizeof(ev), "%s.pds", e->manifest_path) >= sizeof(ev))
		return 1;
	if (r->mem ? r->mem_manifest_len != e->manifest_len ||
			     memcmp(r->mem_manifest, e->manifest, e->manifest_len) ||
			     !r->mem_evidence || r->mem_evidence_len != e->evidence_len ||
			     memcmp(r->mem_evidence, e->evidence, e->evidence_len)
		   : !same_file(e->manifest_path, p->rules.manifest_max, e->manifest,
				e->manifest_len) ||
			     !same_file(ev, EVIDENCE_MAX, e->evidence, e->evidence_len))
		return 1;
	if (judge_witnesses(p, e->wmask, e->times, res, ev)) {
		memset(res, 0, sizeof(*res));
		return 1;
	}
	for (size_t i = 0; i < e->nobj; i++) {
		const struct pds_ldr_file *f = NULL;
		char *buf = NULL;
		size_t len;

		if (r->mem) {
			f = mem_object(r->mem_objects, r->mem_nobjects, e->paths[i]);
			if (!f || f->len > p->rules.object_max)
				return 1;
			pds_sha256(f->data, f->len, d);
		} else {
			if (read_file(e->paths[i], p->rules.object_max, &buf, &len))
				return 1;
			pds_sha256(buf, len, d);
			free(buf);
		}
		if (memcmp(d, e->digests[i], 32) != 0)
			return pds_ldr_fail(
				res, PDS_LDR_E_OBJECT_DIGEST, e->paths[i], 0, 0,
				"object differs from the one attested for %s (%s line %u)",
				e->protoops[i], e->manifest_path, e->lines[i]);
	}
	memcpy(res, e->accepted, sizeof(*res));
	res->cached_signatures = 1;
	return 0;
}

static int verify(struct run *r)
{
	struct pds_ldr_policy *p = r->p;
	struct pds_ldr_result *res = r->res;
	struct memo *e;
	int err;

	e = memo_find(p, r->manifest_path, r->mem);
	if (e) {
		err = memo_verify(p, e, r, res);
		if (err != 1)
			return err;
		memset(res, 0, sizeof(*res));
	}
	err = load_manifest(r);
	if (!err)
		err = load_evidence(r);
	if (!err)
		err = check_signatures(r);
	if (!err)
		err = check_coverage(r);
	if (!err)
		err = check_verdicts(r);
	if (!err)
		err = check_log(r);
	if (!err)
		err = check_state(r);
	if (!err) {
		res->code = PDS_LDR_OK;
		snprintf(res->file, sizeof(res->file), "%s", r->manifest_path);
		snprintf(res->plugin, sizeof(res->plugin), "%s", r->att->plugin);
		res->objects = r->att->object_count;
		res->cached_signatures = r->checks && r->cached == r->checks;
		accepted_message(res, r->manifest_path);
		memo_store(r);
	}
	run_free(r);
	return err;
}

PDS_API int pds_ldr_verify_plugin(struct pds_ldr_policy *p, const char *manifest_path,
				  struct pds_ldr_result *res)
{
	struct run r = {.p = p, .res = res, .manifest_path = manifest_path};

	if (!res)
		return PDS_LDR_E_INVAL;
	memset(res, 0, sizeof(*res));
	if (!p || !manifest_path)
		return pds_ldr_fail(res, PDS_LDR_E_INVAL, "", 0, 0, "no policy or no manifest");
	return verify(&r);
}

PDS_API int pds_ldr_verify_plugin_mem(struct pds_ldr_policy *p, const char *manifest_name,
				      const void *manifest, size_t manifest_len,
				      const void *evidence, size_t evidence_len,
				      const struct pds_ldr_file *objects, size_t nobjects,
				      struct pds_ldr_result *res)
{
	struct run r = {.p = p,
			.res = res,
			.manifest_path = manifest_name,
			.mem = 1,
			.mem_manifest = manifest,
			.mem_manifest_len = manifest_len,
			.mem_evidence = evidence,
			.mem_evidence_len = evidence_len,
			.mem_objects = objects,
			.mem_nobjects = nobjects};

	if (!res)
		return PDS_LDR_E_INVAL;
	memset(res, 0, sizeof(*res));
	if (!p || !manifest_name || (!manifest && manifest_len) || (!objects && nobjects))
		return pds_ldr_fail(res, PDS_LDR_E_INVAL, "", 0, 0, "invalid argument");
	return verify(&r);
}
