// SPDX-License-Identifier: MIT
/*
 * A transparency log in a folder, laid out as C2SP tlog-tiles:
 *
 *   checkpoint               the signed tree head (c2sp.org/tlog-checkpoint)
 *   tile/<L>/<N>[.p/<W>]     hash tiles
 *   tile/entries/<N>[.p/<W>] entry bundles
 *   .lock                    held (flock) by the one writer
 *   .pending                 "pds-tlog-pending/v1\n<old size>\n<new size>\n" while a batch is written
 *
 * Appends go to memory; pds_tlog_checkpoint() writes one batch:
 *   1. the new root is computed and the checkpoint body signed (nothing on disk yet);
 *   2. .pending records the batch's old and new sizes (temp file, fsync, rename, fsync dir);
 *   3. the batch's full tiles and bundles and the new partial ones are written
 *      (temp file, rename) and synced (fdatasync each, then each folder once);
 *   4. the checkpoint is replaced atomically (temp file, fsync, rename, fsync dir);
 *   5. .pending is removed.
 * The checkpoint is the commit: an entry is acknowledged once step 4 is done.
 *
 * Recovery rule, applied by every writer's open: the checkpoint's size is the
 * log's size. If .pending names a batch that ends at that size, the batch was
 * committed and the record is removed. If it names a batch that starts at that
 * size, the batch was not committed: every tile and bundle it may have written
 * (positions beyond the checkpoint up to its new size) is removed, then the record.
 * Any other .pending is refused (tlog/bad-pending). Committed files are never
 * rewritten, so a crash at any point leaves the last checkpoint and everything
 * under it intact, and the checkpoint never regresses.
 *
 * Partial tiles are kept after their full tile appears, so that a reader holding
 * an older checkpoint can still fetch exactly the files it names.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

#include <pds/checkpoint.h>
#include <pds/tlog.h>

#include "att_fmt.h"
#include "tlog_internal.h"

#define TILE_BYTES (PDS_TLOG_TILE_WIDTH * PDS_TLOG_HASH_SIZE)
#define LEVELS 8       /* tile levels 0..7 cover every 64-bit tree size */
#define CACHE_SLOTS 16 /* per tile level: all of level 1 up to 1M entries */
#define CHECKPOINT_MAX 65536
#define BUNDLE_MAX ((size_t)PDS_TLOG_TILE_WIDTH * (2 + PDS_TLOG_MAX_ENTRY))
/* Files written before their group is synced. */
#define SYNC_GROUP 64

/* The rightmost entry bundle. */
struct bundle {
	uint64_t n;
	unsigned count;
	uint8_t *buf;
	size_t len, cap;
};

/*
 * A tile read from disk, or the rightmost tile of a level being extended in
 * memory (the frontier). inner caches the hashes of the seven tree levels inside
 * the tile (level k at offset 256 - 2^(9-k)), computed on first use, so that a
 * tile serves any number of proofs for one pass of hashing.
 */
struct tile_slot {
	uint64_t n;
	unsigned width; /* 0 when empty */
	int inner_ok;
	struct pds_tlog_hash h[PDS_TLOG_TILE_WIDTH];
	struct pds_tlog_hash inner[PDS_TLOG_TILE_WIDTH];
};

/* A file of the batch, written at checkpoint time. */
struct tlog_write {
	struct pds_tlog_tile t;
	uint8_t *data;
	size_t len;
};

struct pds_tlog {
	char *dir;
	int dirfd, lockfd;
	struct pds_tlog_opts opts;
	char *origin;
	uint64_t size; /* checkpointed */
	struct pds_tlog_hash root;
	char *note;
	size_t note_len;
	int damaged; /* nonzero: appends refused until the log is reopened */

	uint64_t next;		     /* size plus the entries of the current batch */
	struct tile_slot lv[LEVELS]; /* the rightmost tile of each level, being extended */
	struct bundle ent;
	struct tlog_write *w;
	size_t nw, capw;

	struct tile_slot cache[LEVELS][CACHE_SLOTS];
	unsigned cache_next[LEVELS];
	unsigned tmp_seq;
};

/* ---------------------------------------------------------------- files */

static int sys_err(int e)
{
	if (e == ENOMEM)
		return PDS_ATT_E_NOMEM;
	return PDS_ATT_E_IO;
}

/* Create the parent folders of rel (a path below the log folder). */
static int mkparents(int dirfd, const char *rel)
{
	char buf[PDS_TLOG_PATH_MAX];
	size_t n = strlen(rel);

	if (n >= sizeof(buf))
		return PDS_ATT_E_INVAL;
	memcpy(buf, rel, n + 1);
	for (char *p = strchr(buf, '/'); p; p = strchr(p + 1, '/')) {
		*p = '\0';
		if (mkdirat(dirfd, buf, 0755) != 0 && errno != EEXIST)
			return sys_err(errno);
		*p = '/';
	}
	return 0;
}

static int write_all(int fd, const void *data, size_t len)
{
	const uint8_t *p = data;

	while (len > 0) {
		ssize_t w = write(fd, p, len);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return sys_err(w < 0 ? errno : EIO);
		p += w;
		len -= (size_t)w;
	}
	return 0;
}

/*
 * Replace rel with data: a temporary file in the log folder, renamed over rel, so
 * that readers see the old file or the new one, never a part. With keep NULL the
 * data is synced before the rename; otherwise *keep receives the open file for the
 * caller to sync.
 */
static int put_file(struct pds_tlog *log, const char *rel, const void *data, size_t len, int *keep)
{
	char tmp[64];
	int fd, err;

	err = mkparents(log->dirfd, rel);
	if (err)
		return err;
	snprintf(tmp, sizeof(tmp), ".tmp-%ld-%u", (long)getpid(), log->tmp_seq++);
	fd = openat(log->dirfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	if (fd < 0)
		return sys_err(errno);
	err = write_all(fd, data, len);
	if (!err && !keep && fdatasync(fd) != 0)
		err = sys_err(errno);
	if (!err && renameat(log->dirfd, tmp, log->dirfd, rel) != 0)
		err = sys_err(errno);
	if (err)
		unlinkat(log->dirfd, tmp, 0);
	if (!err && keep) {
		*keep = fd;
		return 0;
	}
	if (close(fd) != 0 && !err)
		err = sys_err(errno);
	return err;
}

/* fsync the folder holding rel (the log folder itself when rel has no '/'). */
static int sync_parent(struct pds_tlog *log, const char *rel)
{
	char buf[PDS_TLOG_PATH_MAX];
	const char *slash = strrchr(rel, '/');
	int fd, err = 0;

	if (!slash)
		return fsync(log->dirfd) == 0 ? 0 : sys_err(errno);
	if ((size_t)(slash - rel) >= sizeof(buf))
		return PDS_ATT_E_INVAL;
	memcpy(buf, rel, (size_t)(slash - rel));
	buf[slash - rel] = '\0';
	fd = openat(log->dirfd, buf, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return sys_err(errno);
	if (fsync(fd) != 0)
		err = sys_err(errno);
	close(fd);
	return err;
}

/* Read all of rel (at most max bytes) into a malloc'd buffer. */
static int get_file(struct pds_tlog *log, const char *rel, size_t max, uint8_t **out, size_t *len)
{
	struct stat st;
	uint8_t *buf = NULL;
	size_t got = 0;
	int fd, err = 0;

	fd = openat(log->dirfd, rel, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		err = errno == ENOENT ? PDS_ATT_E_TLOG_MISSING : sys_err(errno);
		return tlog_diag(&log->opts.sink, rel, 0, 0, err, "cannot open: %s",
				 strerror(errno));
	}
	if (fstat(fd, &st) != 0) {
		err = sys_err(errno);
		goto out;
	}
	if ((uint64_t)st.st_size > max) {
		err = tlog_diag(&log->opts.sink, rel, 0, 0, PDS_ATT_E_IO,
				"%lld bytes, more than the %zu allowed", (long long)st.st_size,
				max);
		goto out;
	}
	buf = malloc((size_t)st.st_size + 1);
	if (!buf) {
		err = PDS_ATT_E_NOMEM;
		goto out;
	}
	if (att_read_full(fd, buf, (size_t)st.st_size) != 0) {
		err = errno ? sys_err(errno) : PDS_ATT_E_IO;
		goto out;
	}
	got = (size_t)st.st_size;
	buf[got] = 0;
	*out = buf;
	*len = got;
	buf = NULL;
out:
	free(buf);
	close(fd);
	return err;
}

static int tile_path(const struct pds_tlog_tile *t, char *buf)
{
	return pds_tlog_tile_path(t, buf, PDS_TLOG_PATH_MAX);
}

/* ---------------------------------------------------------------- reading tiles */

/*
 * The hashes of tile (level, n) holding at least need of them: from the frontier
 * when it is that tile (*slot NULL), else from disk at the width the checkpoint
 * gives it, through the level's cache (*slot set; may be NULL).
 */
static int tile_load(struct pds_tlog *log, int level, uint64_t n, unsigned need,
		     const struct pds_tlog_hash **out, struct tile_slot **slot)
{
	struct pds_tlog_tile t = {.level = level, .n = n};
	struct tile_slot *f = &log->lv[level];
	char path[PDS_TLOG_PATH_MAX];
	struct tile_slot *s;
	uint8_t *data = NULL;
	size_t len;
	int err;

	if (slot)
		*slot = NULL;
	if (f->n == n && f->width >= need) {
		*out = f->h;
		if (slot)
			*slot = f;
		return 0;
	}
	t.width = pds_tlog_tile_width(level, n, log->size);
	if (t.width < need)
		return PDS_ATT_E_TLOG_RANGE;
	for (unsigned i = 0; i < CACHE_SLOTS; i++) {
		s = &log->cache[level][i];
		if (s->width == t.width && s->n == n)
			goto hit;
	}
	err = tile_path(&t, path);
	if (!err)
		err = get_file(log, path, TILE_BYTES, &data, &len);
	if (!err)
		err = pds_tlog_tile_parse(path, data, len, t.width, &log->opts.sink);
	if (err) {
		free(data);
		return err;
	}
	s = &log->cache[level][log->cache_next[level]++ % CACHE_SLOTS];
	memcpy(s->h, data, len);
	free(data);
	s->n = n;
	s->width = t.width;
	s->inner_ok = 0;
hit:
	*out = s->h;
	if (slot)
		*slot = s;
	return 0;
}

static int tile_get(struct pds_tlog *log, int level, uint64_t n, unsigned need,
		    const struct pds_tlog_hash **out)
{
	return tile_load(log, level, n, need, out, NULL);
}

static size_t inner_off(int k)
{
	return PDS_TLOG_TILE_WIDTH - ((size_t)2 << (PDS_TLOG_TILE_HEIGHT - k));
}

/* Hash of the subtree of 2^k hashes of a cached tile starting at hash first. */
static void slot_subtree(struct tile_slot *s, int k, unsigned first, struct pds_tlog_hash *out)
{
	if (!s->inner_ok) {
		const struct pds_tlog_hash *row = s->h;

		for (int l = 1; l < PDS_TLOG_TILE_HEIGHT; l++) {
			struct pds_tlog_hash *up = s->inner + inner_off(l);

			for (unsigned j = 0; j < s->width >> l; j++)
				pds_tlog_node_hash(&row[2 * j], &row[2 * j + 1], &up[j]);
			row = up;
		}
		s->inner_ok = 1;
	}
	*out = s->inner[inner_off(k) + (first >> k)];
}

/* pds_tlog_read_fn over the log's tiles. */
static int read_stored(void *ctx, const uint64_t *indexes, size_t count, struct pds_tlog_hash *out)
{
	struct pds_tlog *log = ctx;

	for (size_t i = 0; i < count; i++) {
		const struct pds_tlog_hash *h;
		struct tile_slot *slot;
		uint64_t n, first;
		unsigned off;
		int level, k, err;

		pds_tlog_split_stored_index(indexes[i], &level, &n);
		/* Level b lives in tile level b/8, as a subtree over 2^(b%8) of its hashes. */
		k = level % PDS_TLOG_TILE_HEIGHT;
		first = n << k;
		off = (unsigned)(first % PDS_TLOG_TILE_WIDTH);
		err = tile_load(log, level / PDS_TLOG_TILE_HEIGHT, first / PDS_TLOG_TILE_WIDTH,
				off + (1u << k), &h, &slot);
		if (err)
			return err;
		if (slot && k > 0)
			slot_subtree(slot, k, off, &out[i]);
		else
			tlog_fold_subtree(h + off, (size_t)1 << k, &out[i]);
	}
	return 0;
}

/* ---------------------------------------------------------------- checkpoint */

static int load_checkpoint(struct pds_tlog *log)
{
	uint8_t *note = NULL;
	size_t len;
	char *origin = NULL;
	int err;

	err = get_file(log, "checkpoint", CHECKPOINT_MAX, &note, &len);
	if (err)
		return err;
	if (!(log->opts.flags & PDS_TLOG_NO_VERIFY) &&
	    log->opts.verify(log->opts.verify_ctx, (const char *)note, len) != 0) {
		err = tlog_diag(&log->opts.sink, "checkpoint", 0, 0, PDS_ATT_E_TLOG_SIGNATURE,
				"not signed by the log's key");
		goto out;
	}
	err = pds_tlog_checkpoint_parse("checkpoint", (const char *)note, len, &origin, &log->size,
					&log->root, &log->opts.sink);
	if (err)
		goto out;
	free(log->origin);
	free(log->note);
	log->origin = origin;
	log->note = (char *)note;
	log->note_len = len;
	origin = NULL;
	note = NULL;
out:
	free(origin);
	free(note);
	return err;
}

/* Sign and write a checkpoint for size and root; the log's commit point. */
static int sign_body(struct pds_tlog *log, uint64_t size, const struct pds_tlog_hash *root,
		     char **note, size_t *note_len)
{
	char *body = NULL;
	size_t len;
	int err;

	if (!log->opts.sign)
		return PDS_ATT_E_INVAL;
	err = pds_tlog_checkpoint_body(log->origin, size, root, &body, &len);
	if (!err)
		err = log->opts.sign(log->opts.sign_ctx, body, len, note, note_len);
	free(body);
	return err;
}

static int put_checkpoint(struct pds_tlog *log, const char *note, size_t len)
{
	int err = put_file(log, "checkpoint", note, len, NULL);

	return err ? err : sync_parent(log, "checkpoint");
}

/* ---------------------------------------------------------------- the pending record */

#define PENDING_MAGIC_LINE "pds-tlog-pending/v1"
#define PENDING_MAGIC PENDING_MAGIC_LINE "\n"

static int put_pending(struct pds_tlog *log, uint64_t old, uint64_t new)
{
	char buf[96];
	int n = snprintf(buf, sizeof(buf), PENDING_MAGIC "%" PRIu64 "\n%" PRIu64 "\n", old, new);
	int err = put_file(log, ".pending", buf, (size_t)n, NULL);

	return err ? err : sync_parent(log, ".pending");
}

/* One decimal line, no leading zeros. */
static int pending_number(const char **s, uint64_t *v)
{
	const char *p = *s;
	char *end;

	if (*p < '0' || *p > '9' || (p[0] == '0' && p[1] != '\n'))
		return -1;
	errno = 0;
	*v = strtoull(p, &end, 10);
	if (errno || *end != '\n')
		return -1;
	*s = end + 1;
	return 0;
}

/* The pending record; 0, or the 1-based line at fault (4: trailing bytes or new <= old). */
static unsigned parse_pending(const char *s, size_t len, uint64_t *old, uint64_t *new)
{
	const char *start = s;

	if (strlen(s) != len || strncmp(s, PENDING_MAGIC, strlen(PENDING_MAGIC)) != 0)
		return 1;
	s += strlen(PENDING_MAGIC);
	if (pending_number(&s, old))
		return 2;
	if (pending_number(&s, new))
		return 3;
	if ((size_t)(s - start) != len || *new <= *old)
		return 4;
	return 0;
}

/* Remove one file of an interrupted batch, durably. */
static int discard_file(struct pds_tlog *log, const struct pds_tlog_tile *t)
{
	char path[PDS_TLOG_PATH_MAX];
	int err = tile_path(t, path);

	if (err)
		return err;
	if (unlinkat(log->dirfd, path, 0) != 0)
		return errno == ENOENT ? 0 : sys_err(errno);
	return sync_parent(log, path);
}

/* Remove what a batch from old to new may have written at one level. */
static int discard_level(struct pds_tlog *log, int level, uint64_t old, uint64_t new)
{
	int shift = level == PDS_TLOG_ENTRIES_LEVEL ? 0 : PDS_TLOG_TILE_HEIGHT * level;
	uint64_t c_old = old >> shift, c_new = new >> shift;
	struct pds_tlog_tile t = {.level = level, .width = PDS_TLOG_TILE_WIDTH};
	int err = 0;

	if (c_new == c_old)
		return 0;
	/* Full tiles completed by the batch. */
	for (t.n = c_old / PDS_TLOG_TILE_WIDTH; !err && t.n < c_new / PDS_TLOG_TILE_WIDTH; t.n++)
		err = discard_file(log, &t);
	/* The partial tile it ended with. */
	t.n = c_new / PDS_TLOG_TILE_WIDTH;
	t.width = c_new % PDS_TLOG_TILE_WIDTH;
	return err || t.width == 0 ? err : discard_file(log, &t);
}

static int recover(struct pds_tlog *log)
{
	uint8_t *text = NULL;
	uint64_t old = 0, new = 0;
	unsigned line;
	size_t len;
	int err;

	if (faccessat(log->dirfd, ".pending", F_OK, 0) != 0)
		return errno == ENOENT ? 0 : sys_err(errno);
	err = get_file(log, ".pending", 128, &text, &len);
	if (err)
		return err;
	line = parse_pending((const char *)text, len, &old, &new);
	if (line)
		err = tlog_diag(&log->opts.sink, ".pending", line, 1, PDS_ATT_E_TLOG_PENDING,
				"not '" PENDING_MAGIC_LINE "', old size, larger new size, "
				"one per line");
	else if (log->size != old && log->size != new)
		err = tlog_diag(&log->opts.sink, ".pending", 2, 1, PDS_ATT_E_TLOG_PENDING,
				"batch %" PRIu64 "..%" PRIu64 " neither starts nor ends at the "
				"checkpoint's size %" PRIu64,
				old, new, log->size);
	free(text);
	if (err)
		return err;
	/* An interrupted batch: remove everything it may have written beyond the checkpoint. */
	for (int level = PDS_TLOG_ENTRIES_LEVEL; log->size == old && !err && level < LEVELS;
	     level++)
		err = discard_level(log, level, old, new);
	if (!err && unlinkat(log->dirfd, ".pending", 0) != 0)
		err = sys_err(errno);
	if (!err)
		err = sync_parent(log, ".pending");
	return err;
}

/* Remove temporary files a crashed writer left in the log folder. */
static int remove_temps(struct pds_tlog *log)
{
	int fd = openat(log->dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	struct dirent *de;
	DIR *d;

	if (fd < 0)
		return sys_err(errno);
	d = fdopendir(fd);
	if (!d) {
		close(fd);
		return sys_err(errno);
	}
	while ((de = readdir(d)) != NULL)
		if (strncmp(de->d_name, ".tmp-", 5) == 0)
			unlinkat(log->dirfd, de->d_name, 0);
	closedir(d);
	return 0;
}

/* ---------------------------------------------------------------- open, close */

static int load_frontier(struct pds_tlog *log)
{
	const struct pds_tlog_hash *h;
	struct pds_tlog_hash root;
	uint8_t *data = NULL;
	char path[PDS_TLOG_PATH_MAX];
	struct pds_tlog_tile t;
	size_t len;
	int err;

	for (int level = 0; level < LEVELS; level++) {
		uint64_t c = log->size >> (PDS_TLOG_TILE_HEIGHT * level);
		struct tile_slot *f = &log->lv[level];

		f->n = c / PDS_TLOG_TILE_WIDTH;
		f->width = 0;
		f->inner_ok = 0;
		if (c % PDS_TLOG_TILE_WIDTH == 0)
			continue;
		err = tile_get(log, level, f->n, (unsigned)(c % PDS_TLOG_TILE_WIDTH), &h);
		if (err)
			return err;
		memcpy(f->h, h, sizeof(f->h[0]) * (c % PDS_TLOG_TILE_WIDTH));
		f->width = (unsigned)(c % PDS_TLOG_TILE_WIDTH);
	}
	t.level = PDS_TLOG_ENTRIES_LEVEL;
	t.n = log->size / PDS_TLOG_TILE_WIDTH;
	t.width = (unsigned)(log->size % PDS_TLOG_TILE_WIDTH);
	log->ent.n = t.n;
	log->ent.count = 0;
	log->ent.len = 0;
	if (t.width) {
		err = tile_path(&t, path);
		if (!err)
			err = get_file(log, path, BUNDLE_MAX, &data, &len);
		if (!err)
			err = pds_tlog_bundle_parse(path, data, len, t.width, NULL,
						    &log->opts.sink);
		if (err)
			goto out;
		free(log->ent.buf);
		log->ent.buf = data;
		log->ent.len = len;
		log->ent.cap = len;
		log->ent.count = t.width;
		data = NULL;
	}
	/* A writer must not extend a tree whose right edge does not hash to the checkpoint. */
	err = pds_tlog_tree_hash(log->size, read_stored, log, &root);
	if (!err && sodium_memcmp(root.b, log->root.b, PDS_TLOG_HASH_SIZE) != 0)
		err = tlog_diag(&log->opts.sink, "checkpoint", 3, 1, PDS_ATT_E_TLOG_ROOT,
				"the tiles' tree hash differs from the root");
out:
	free(data);
	return err;
}

static int opts_copy(struct pds_tlog_opts *dst, const struct pds_tlog_opts *src)
{
	memset(dst, 0, sizeof(*dst));
	if (!src)
		return 0;
	if (src->sz < sizeof(size_t))
		return PDS_ATT_E_INVAL;
	memcpy(dst, src, src->sz < sizeof(*dst) ? src->sz : sizeof(*dst));
	dst->sz = sizeof(*dst);
	return 0;
}

static int log_new(const char *dir, const struct pds_tlog_opts *opts, int create,
		   struct pds_tlog **out)
{
	struct pds_tlog *log;
	int err;

	if (sodium_init() < 0)
		return PDS_ATT_E_CRYPTO;
	log = calloc(1, sizeof(*log));
	if (!log)
		return PDS_ATT_E_NOMEM;
	log->dirfd = log->lockfd = -1;
	err = opts_copy(&log->opts, opts);
	if (err)
		goto fail;
	if (!log->opts.verify && !(log->opts.flags & PDS_TLOG_NO_VERIFY)) {
		err = PDS_ATT_E_INVAL;
		goto fail;
	}
	log->dir = strdup(dir);
	if (!log->dir) {
		err = PDS_ATT_E_NOMEM;
		goto fail;
	}
	if (create && mkdir(dir, 0755) != 0 && errno != EEXIST) {
		err = sys_err(errno);
		goto fail;
	}
	log->dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (log->dirfd < 0) {
		err = tlog_diag(&log->opts.sink, dir, 0, 0, PDS_ATT_E_IO, "cannot open: %s",
				strerror(errno));
		goto fail;
	}
	if (!(log->opts.flags & PDS_TLOG_RDONLY)) {
		log->lockfd = openat(log->dirfd, ".lock", O_RDWR | O_CREAT | O_CLOEXEC, 0600);
		if (log->lockfd < 0) {
			err = sys_err(errno);
			goto fail;
		}
		if (flock(log->lockfd, LOCK_EX | LOCK_NB) != 0) {
			err = errno == EWOULDBLOCK
				      ? tlog_diag(&log->opts.sink, dir, 0, 0, PDS_ATT_E_TLOG_LOCKED,
						  "another writer holds .lock")
				      : sys_err(errno);
			goto fail;
		}
	}
	*out = log;
	return 0;
fail:
	pds_tlog_free(log);
	return err;
}

int pds_tlog_init(const char *dir, const char *origin, const struct pds_tlog_opts *opts)
{
	struct pds_tlog *log = NULL;
	struct pds_tlog_hash empty;
	char *note = NULL;
	size_t len;
	int err;

	if (!dir || !origin || !opts || (opts->flags & PDS_TLOG_RDONLY))
		return PDS_ATT_E_INVAL;
	err = log_new(dir, opts, 1, &log);
	if (err)
		return err;
	if (faccessat(log->dirfd, "checkpoint", F_OK, 0) == 0) {
		err = tlog_diag(&log->opts.sink, dir, 0, 0, PDS_ATT_E_EXISTS,
				"already holds a checkpoint");
		goto out;
	}
	log->origin = strdup(origin);
	if (!log->origin) {
		err = PDS_ATT_E_NOMEM;
		goto out;
	}
	crypto_hash_sha256(empty.b, NULL, 0);
	err = sign_body(log, 0, &empty, &note, &len);
	if (!err && mkdirat(log->dirfd, "tile", 0755) != 0 && errno != EEXIST)
		err = sys_err(errno);
	if (!err)
		err = put_checkpoint(log, note, len);
out:
	free(note);
	pds_tlog_free(log);
	return err;
}

int pds_tlog_open(const char *dir, const struct pds_tlog_opts *opts, struct pds_tlog **out)
{
	struct pds_tlog *log = NULL;
	int err;

	if (!dir || !out)
		return PDS_ATT_E_INVAL;
	err = log_new(dir, opts, 0, &log);
	if (err)
		return err;
	err = load_checkpoint(log);
	if (err)
		goto fail;
	if (!(log->opts.flags & PDS_TLOG_RDONLY)) {
		err = recover(log);
		if (!err)
			err = remove_temps(log);
		if (err)
			goto fail;
	}
	log->next = log->size;
	/* A damaged right edge is reported, and blocks appends, but proofs and fsck still run. */
	log->damaged = load_frontier(log);
	if (log->damaged) {
		for (int level = 0; level < LEVELS; level++)
			log->lv[level].width = 0;
		log->lv[0].n = UINT64_MAX;
	}
	*out = log;
	return 0;
fail:
	pds_tlog_free(log);
	return err;
}

static void drop_writes(struct pds_tlog *log)
{
	for (size_t i = 0; i < log->nw; i++)
		free(log->w[i].data);
	log->nw = 0;
}

void pds_tlog_free(struct pds_tlog *log)
{
	if (!log)
		return;
	drop_writes(log);
	free(log->w);
	free(log->ent.buf);
	if (log->lockfd >= 0)
		close(log->lockfd);
	if (log->dirfd >= 0)
		close(log->dirfd);
	free(log->origin);
	free(log->note);
	free(log->dir);
	free(log);
}

uint64_t pds_tlog_size(const struct pds_tlog *log)
{
	return log->size;
}

void pds_tlog_root(const struct pds_tlog *log, struct pds_tlog_hash *root)
{
	*root = log->root;
}

const char *pds_tlog_origin(const struct pds_tlog *log)
{
	return log->origin;
}

const char *pds_tlog_checkpoint_note(const struct pds_tlog *log, size_t *len)
{
	if (len)
		*len = log->note_len;
	return log->note;
}

uint64_t pds_tlog_pending(const struct pds_tlog *log)
{
	return log->next - log->size;
}

/* ---------------------------------------------------------------- appending */

static int queue_write(struct pds_tlog *log, int level, uint64_t n, unsigned width, uint8_t *data,
		       size_t len)
{
	if (log->nw == log->capw) {
		size_t cap = log->capw ? 2 * log->capw : 64;
		struct tlog_write *w = realloc(log->w, cap * sizeof(*w));

		if (!w) {
			free(data);
			return PDS_ATT_E_NOMEM;
		}
		log->w = w;
		log->capw = cap;
	}
	log->w[log->nw].t.level = level;
	log->w[log->nw].t.n = n;
	log->w[log->nw].t.width = width;
	log->w[log->nw].data = data;
	log->w[log->nw].len = len;
	log->nw++;
	return 0;
}

/* Queue a copy of the first width hashes of a tile. */
static int queue_hashes(struct pds_tlog *log, int level, uint64_t n, const struct pds_tlog_hash *h,
			unsigned width)
{
	uint8_t *data = malloc((size_t)width * PDS_TLOG_HASH_SIZE);

	if (!data)
		return PDS_ATT_E_NOMEM;
	memcpy(data, h, (size_t)width * PDS_TLOG_HASH_SIZE);
	return queue_write(log, level, n, width, data, (size_t)width * PDS_TLOG_HASH_SIZE);
}

/* Add a stored hash of level 8*level; a tile that fills is queued and climbs a level. */
static int push_hash(struct pds_tlog *log, int level, const struct pds_tlog_hash *h)
{
	struct tile_slot *f = &log->lv[level];
	struct pds_tlog_hash up;
	int err;

	f->h[f->width++] = *h;
	f->inner_ok = 0;
	if (f->width < PDS_TLOG_TILE_WIDTH)
		return 0;
	err = queue_hashes(log, level, f->n, f->h, PDS_TLOG_TILE_WIDTH);
	if (err)
		return err;
	tlog_fold_subtree(f->h, PDS_TLOG_TILE_WIDTH, &up);
	f->n++;
	f->width = 0;
	return level + 1 < LEVELS ? push_hash(log, level + 1, &up) : 0;
}

static int push_entry(struct pds_tlog *log, const void *entry, size_t len)
{
	struct bundle *b = &log->ent;
	int err;

	if (b->cap - b->len < 2 + len) {
		size_t cap = b->cap ? b->cap : 4096;
		uint8_t *p;

		while (cap - b->len < 2 + len)
			cap *= 2;
		p = realloc(b->buf, cap);
		if (!p)
			return PDS_ATT_E_NOMEM;
		b->buf = p;
		b->cap = cap;
	}
	b->buf[b->len] = (uint8_t)(len >> 8);
	b->buf[b->len + 1] = (uint8_t)len;
	if (len)
		memcpy(b->buf + b->len + 2, entry, len);
	b->len += 2 + len;
	if (++b->count < PDS_TLOG_TILE_WIDTH)
		return 0;
	/* A full bundle: hand its buffer to the write queue and start the next one. */
	err = queue_write(log, PDS_TLOG_ENTRIES_LEVEL, b->n, PDS_TLOG_TILE_WIDTH, b->buf, b->len);
	b->buf = NULL;
	b->len = b->cap = 0;
	b->count = 0;
	b->n++;
	return err;
}

int pds_tlog_append(struct pds_tlog *log, const void *entry, size_t len, uint64_t *index)
{
	struct pds_tlog_hash leaf;
	int err;

	if (log->opts.flags & PDS_TLOG_RDONLY)
		return PDS_ATT_E_TLOG_READONLY;
	if (log->damaged)
		return log->damaged;
	if (len > PDS_TLOG_MAX_ENTRY)
		return PDS_ATT_E_TLOG_ENTRY_SIZE;
	if (!entry && len)
		return PDS_ATT_E_INVAL;
	pds_tlog_leaf_hash(entry ? entry : "", len, &leaf);
	err = push_entry(log, entry, len);
	if (!err)
		err = push_hash(log, 0, &leaf);
	if (err) {
		/* Half an append cannot be undone in memory: drop the batch at reopen. */
		log->damaged = err;
		return err;
	}
	if (index)
		*index = log->next;
	log->next++;
	return 0;
}

/* Queue the partial tiles and bundle the batch ends with. */
static int queue_partials(struct pds_tlog *log)
{
	int err;

	for (int level = 0; level < LEVELS; level++) {
		int shift = PDS_TLOG_TILE_HEIGHT * level;
		const struct tile_slot *f = &log->lv[level];

		if ((log->next >> shift) == (log->size >> shift) || f->width == 0)
			continue;
		err = queue_hashes(log, level, f->n, f->h, f->width);
		if (err)
			return err;
	}
	if (log->ent.count) {
		uint8_t *copy = malloc(log->ent.len);

		if (!copy)
			return PDS_ATT_E_NOMEM;
		memcpy(copy, log->ent.buf, log->ent.len);
		return queue_write(log, PDS_TLOG_ENTRIES_LEVEL, log->ent.n, log->ent.count, copy,
				   log->ent.len);
	}
	return 0;
}

static int cmp_path(const void *a, const void *b)
{
	return strcmp(a, b);
}

/* fsync each folder that received a file of the batch, once. */
static int sync_dirs(struct pds_tlog *log)
{
	char(*dirs)[PDS_TLOG_PATH_MAX] = malloc(log->nw * sizeof(*dirs));
	int err = 0;

	if (!dirs)
		return PDS_ATT_E_NOMEM;
	for (size_t i = 0; !err && i < log->nw; i++) {
		err = tile_path(&log->w[i].t, dirs[i]);
		if (!err)
			*strrchr(dirs[i], '/') = '\0';
	}
	if (!err)
		qsort(dirs, log->nw, sizeof(*dirs), cmp_path);
	for (size_t i = 0; !err && i < log->nw; i++) {
		char file[PDS_TLOG_PATH_MAX + 2];

		if (i > 0 && strcmp(dirs[i], dirs[i - 1]) == 0)
			continue;
		/* sync_parent() wants a path below the folder: give it a name inside. */
		snprintf(file, sizeof(file), "%s/x", dirs[i]);
		err = sync_parent(log, file);
	}
	free(dirs);
	return err;
}

/*
 * Write the batch's files, then sync them. Their order on disk does not matter:
 * until the checkpoint names them, recovery discards them. Writing a group of
 * files before syncing any lets one journal commit cover all their names.
 */
static int write_batch(struct pds_tlog *log)
{
	char path[PDS_TLOG_PATH_MAX];
	int fds[SYNC_GROUP], err = 0;

	for (size_t i = 0; !err && i < log->nw; i += SYNC_GROUP) {
		size_t n = 0;

		for (; !err && n < SYNC_GROUP && i + n < log->nw; n++) {
			const struct tlog_write *w = &log->w[i + n];

			err = tile_path(&w->t, path);
			if (!err)
				err = put_file(log, path, w->data, w->len, &fds[n]);
			if (err)
				break;
		}
		for (size_t k = 0; k < n; k++) {
			if (!err && fdatasync(fds[k]) != 0)
				err = sys_err(errno);
			close(fds[k]);
		}
	}
	return err ? err : sync_dirs(log);
}

int pds_tlog_checkpoint(struct pds_tlog *log)
{
	struct pds_tlog_hash root;
	char *note = NULL;
	size_t len;
	int err;

	if (log->opts.flags & PDS_TLOG_RDONLY)
		return PDS_ATT_E_TLOG_READONLY;
	if (log->damaged)
		return log->damaged;
	err = pds_tlog_tree_hash(log->next, read_stored, log, &root);
	if (!err)
		err = sign_body(log, log->next, &root, &note, &len);
	if (err)
		goto out;
	if (log->next == log->size) {
		err = put_checkpoint(log, note, len);
		goto done;
	}
	err = queue_partials(log);
	if (!err)
		err = put_pending(log, log->size, log->next);
	if (!err)
		err = write_batch(log);
	if (!err)
		err = put_checkpoint(log, note, len);
	if (err) {
		/* Part of the batch may be on disk: only a reopen (recovery) may go on. */
		log->damaged = err;
		goto out;
	}
	if (unlinkat(log->dirfd, ".pending", 0) != 0)
		err = sys_err(errno);
done:
	if (err)
		goto out;
	drop_writes(log);
	free(log->note);
	log->note = note;
	log->note_len = len;
	note = NULL;
	log->size = log->next;
	log->root = root;
out:
	free(note);
	return err;
}

/* ---------------------------------------------------------------- proofs and reads */

int pds_tlog_prove(struct pds_tlog *log, uint64_t n, uint64_t index, struct pds_tlog_hash *proof,
		   size_t *len)
{
	if (n > log->size || index >= n)
		return PDS_ATT_E_TLOG_RANGE;
	return pds_tlog_prove_inclusion(n, index, read_stored, log, proof, len);
}

int pds_tlog_prove_tree(struct pds_tlog *log, uint64_t n, uint64_t m, struct pds_tlog_hash *proof,
			size_t *len)
{
	if (n > log->size || m > n)
		return PDS_ATT_E_TLOG_RANGE;
	return pds_tlog_prove_consistency(n, m, read_stored, log, proof, len);
}

int pds_tlog_hash_at(struct pds_tlog *log, uint64_t n, struct pds_tlog_hash *root)
{
	if (n > log->size)
		return PDS_ATT_E_TLOG_RANGE;
	return pds_tlog_tree_hash(n, read_stored, log, root);
}

int pds_tlog_leaf_at(struct pds_tlog *log, uint64_t index, struct pds_tlog_hash *leaf)
{
	uint64_t i = pds_tlog_stored_index(0, index);

	if (index >= log->size)
		return PDS_ATT_E_TLOG_RANGE;
	return read_stored(log, &i, 1, leaf);
}

/* Read and parse bundle n of the checkpointed tree; offsets has 257 slots. */
static int read_bundle(struct pds_tlog *log, uint64_t n, uint8_t **data, size_t *len,
		       unsigned *count, size_t *offsets, char *path)
{
	struct pds_tlog_tile t = {.level = PDS_TLOG_ENTRIES_LEVEL, .n = n};
	int err;

	t.width = pds_tlog_tile_width(PDS_TLOG_ENTRIES_LEVEL, n, log->size);
	if (t.width == 0)
		return PDS_ATT_E_TLOG_RANGE;
	err = tile_path(&t, path);
	if (!err)
		err = get_file(log, path, BUNDLE_MAX, data, len);
	if (err)
		return err;
	err = pds_tlog_bundle_parse(path, *data, *len, t.width, offsets, &log->opts.sink);
	if (err) {
		free(*data);
		*data = NULL;
	}
	*count = t.width;
	return err;
}

int pds_tlog_entry(struct pds_tlog *log, uint64_t index, uint8_t **entry, size_t *len)
{
	size_t offsets[PDS_TLOG_TILE_WIDTH + 1], blen, i = index % PDS_TLOG_TILE_WIDTH, n;
	char path[PDS_TLOG_PATH_MAX];
	uint8_t *data;
	unsigned count;
	int err;

	if (index >= log->size)
		return PDS_ATT_E_TLOG_RANGE;
	err = read_bundle(log, index / PDS_TLOG_TILE_WIDTH, &data, &blen, &count, offsets, path);
	if (err)
		return err;
	n = offsets[i + 1] - offsets[i] - (i + 1 < count ? 2 : 0);
	*entry = malloc(n ? n : 1);
	if (!*entry) {
		free(data);
		return PDS_ATT_E_NOMEM;
	}
	memcpy(*entry, data + offsets[i], n);
	*len = n;
	free(data);
	return 0;
}

/* ---------------------------------------------------------------- fsck */

/* Entry bundle n against the level-0 tile n. */
static int fsck_bundle(struct pds_tlog *log, uint64_t n)
{
	size_t offsets[PDS_TLOG_TILE_WIDTH + 1], blen;
	char path[PDS_TLOG_PATH_MAX], tpath[PDS_TLOG_PATH_MAX];
	struct pds_tlog_tile t = {.level = 0, .n = n};
	const struct pds_tlog_hash *h;
	uint8_t *data;
	unsigned count;
	int err;

	err = read_bundle(log, n, &data, &blen, &count, offsets, path);
	if (err)
		return err;
	t.width = count;
	err = tile_get(log, 0, n, count, &h);
	if (!err)
		err = tile_path(&t, tpath);
	for (unsigned i = 0; !err && i < count; i++) {
		struct pds_tlog_hash leaf;
		size_t elen = offsets[i + 1] - offsets[i] - (i + 1 < count ? 2 : 0);

		pds_tlog_leaf_hash(data + offsets[i], elen, &leaf);
		if (sodium_memcmp(leaf.b, h[i].b, PDS_TLOG_HASH_SIZE) != 0)
			err = tlog_diag(&log->opts.sink, tpath, 0, 0, PDS_ATT_E_TLOG_HASH,
					"at byte %u: hash %u is not the leaf hash of entry %" PRIu64
					" in %s",
					i * PDS_TLOG_HASH_SIZE, i, n * PDS_TLOG_TILE_WIDTH + i,
					path);
	}
	free(data);
	return err;
}

/* Tile (level, n) against the full tiles of the level below. */
static int fsck_tile(struct pds_tlog *log, int level, uint64_t n, unsigned width)
{
	struct pds_tlog_hash copy[PDS_TLOG_TILE_WIDTH];
	const struct pds_tlog_hash *h, *below;
	struct pds_tlog_tile t = {.level = level, .n = n, .width = width};
	char path[PDS_TLOG_PATH_MAX];
	int err;

	err = tile_get(log, level, n, width, &h);
	if (err)
		return err;
	/* The cache may evict h while the tiles below are read. */
	memcpy(copy, h, width * sizeof(*h));
	err = tile_path(&t, path);
	for (unsigned i = 0; !err && i < width; i++) {
		struct pds_tlog_hash want;

		err = tile_get(log, level - 1, n * PDS_TLOG_TILE_WIDTH + i, PDS_TLOG_TILE_WIDTH,
			       &below);
		if (err)
			break;
		tlog_fold_subtree(below, PDS_TLOG_TILE_WIDTH, &want);
		if (sodium_memcmp(want.b, copy[i].b, PDS_TLOG_HASH_SIZE) != 0)
			err = tlog_diag(&log->opts.sink, path, 0, 0, PDS_ATT_E_TLOG_HASH,
					"at byte %u: hash %u is not the hash of the tile below",
					i * PDS_TLOG_HASH_SIZE, i);
	}
	return err;
}

int pds_tlog_fsck(struct pds_tlog *log)
{
	struct pds_tlog_hash root;
	int first = 0, err;

	/* The frontier may hold appends not yet checkpointed: check the disk only. */
	if (log->next != log->size)
		return PDS_ATT_E_INVAL;
	for (int level = 0; level < LEVELS; level++)
		log->lv[level].n = UINT64_MAX;
	for (uint64_t n = 0; n * PDS_TLOG_TILE_WIDTH < log->size; n++) {
		err = fsck_bundle(log, n);
		first = first ? first : err;
	}
	for (int level = 1; level < LEVELS; level++) {
		uint64_t c = log->size >> (PDS_TLOG_TILE_HEIGHT * level);

		for (uint64_t n = 0; n * PDS_TLOG_TILE_WIDTH < c; n++) {
			err = fsck_tile(log, level, n, pds_tlog_tile_width(level, n, log->size));
			first = first ? first : err;
		}
	}
	err = pds_tlog_tree_hash(log->size, read_stored, log, &root);
	if (!err && sodium_memcmp(root.b, log->root.b, PDS_TLOG_HASH_SIZE) != 0)
		err = tlog_diag(&log->opts.sink, "checkpoint", 3, 1, PDS_ATT_E_TLOG_ROOT,
				"the tiles' tree hash differs from the root");
	first = first ? first : err;
	/* Bring the frontier back for appends. */
	if (!log->damaged)
		log->damaged = load_frontier(log);
	return first;
}

/* ---------------------------------------------------------------- witness cosignatures */

static const struct pds_note_verifier *cosigner_of(const struct pds_note_sig *sig,
						   const struct pds_note_verifier *w, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (w[i].type == PDS_NOTE_COSIGNATURE && w[i].id == sig->id &&
		    !strcmp(w[i].name, sig->name))
			return &w[i];
	return NULL;
}

/* Checks every new line; *replace[i] is the index of the old line it replaces or -1. */
static int check_cosignatures(const struct pds_note *cur, const struct pds_note *add,
			      const struct pds_note_verifier *w, size_t nw, long *replace)
{
	for (size_t i = 0; i < add->sig_count; i++) {
		const struct pds_note_verifier *k = cosigner_of(&add->sigs[i], w, nw);
		struct pds_note one = *add;
		uint64_t t, old_t;
		int err;

		if (!k)
			return PDS_ATT_E_TLOG_COSIGNER;
		one.sigs = &add->sigs[i];
		one.sig_count = 1;
		err = pds_cosig_verify(&one, k, &t);
		if (err)
			return err;
		replace[i] = -1;
		for (size_t j = 0; j < cur->sig_count; j++) {
			if (cur->sigs[j].id != k->id || strcmp(cur->sigs[j].name, k->name) != 0)
				continue;
			if (pds_cosig_time(&cur->sigs[j], &old_t) == 0 && old_t > t)
				return PDS_ATT_E_TLOG_COSIG_OLDER;
			replace[i] = (long)j;
		}
	}
	return 0;
}

PDS_API int pds_tlog_add_cosignatures(struct pds_tlog *log, const char *lines, size_t len,
				      const struct pds_note_verifier *witnesses, size_t nwitnesses,
				      size_t *added)
{
	struct pds_note *cur = NULL, *add = NULL, merged;
	struct pds_note_sig *sigs = NULL;
	char *buf = NULL, *note = NULL;
	long *replace = NULL;
	size_t note_len, n = 0;
	int err;

	if (added)
		*added = 0;
	if (!log || !lines || !len || (!witnesses && nwitnesses))
		return PDS_ATT_E_INVAL;
	if (log->opts.flags & PDS_TLOG_RDONLY)
		return PDS_ATT_E_TLOG_READONLY;
	/* After a failed batch the file may hold a newer checkpoint than log->note. */
	if (log->damaged)
		return log->damaged;
	err = pds_note_parse(log->note, log->note_len, "checkpoint", &log->opts.sink, &cur);
	if (err)
		return err;
	/* The new lines under the same text make a note of their own to check. */
	buf = malloc(cur->text_len + 1 + len);
	err = buf ? 0 : PDS_ATT_E_NOMEM;
	if (!err) {
		memcpy(buf, cur->text, cur->text_len);
		buf[cur->text_len] = '\n';
		memcpy(buf + cur->text_len + 1, lines, len);
		err = pds_note_parse(buf, cur->text_len + 1 + len, "cosignatures", &log->opts.sink,
				     &add);
	}
	if (!err && !(replace = calloc(add->sig_count, sizeof(*replace))))
		err = PDS_ATT_E_NOMEM;
	if (!err)
		err = check_cosignatures(cur, add, witnesses, nwitnesses, replace);
	if (!err && !(sigs = calloc(cur->sig_count + add->sig_count, sizeof(*sigs))))
		err = PDS_ATT_E_NOMEM;
	if (!err) {
		for (size_t j = 0; j < cur->sig_count; j++) {
			int replaced = 0;

			for (size_t i = 0; i < add->sig_count; i++)
				replaced |= replace[i] == (long)j;
			if (!replaced)
				sigs[n++] = cur->sigs[j];
		}
		for (size_t i = 0; i < add->sig_count; i++)
			sigs[n++] = add->sigs[i];
		merged = *cur;
		merged.sigs = sigs;
		merged.sig_count = n;
		err = pds_note_encode(&merged, &note, &note_len);
	}
	if (!err)
		err = put_checkpoint(log, note, note_len);
	if (!err) {
		free(log->note);
		log->note = note;
		log->note_len = note_len;
		note = NULL;
		if (added)
			*added = add->sig_count;
	}
	free(note);
	free(sigs);
	free(replace);
	free(buf);
	pds_note_free(add);
	pds_note_free(cur);
	return err;
}
