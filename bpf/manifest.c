// SPDX-License-Identifier: MIT
/*
 * PQUIC plugin manifests: pquic-abi.md §1, the grammar and rule ids in docs/manifest.md.
 *
 * PQUIC reads a manifest in two passes (picoquic/plugin.c): a preprocessor drops the
 * lines that start with '#' and inlines every "<file> include" line, then the first
 * line left is read as "<plugin-id> [option]…" and every other non-empty line as a
 * pluglet, "<protoop> [param N] <anchor> <file>".  Fields are separated by one space;
 * only the last field of a line loses its "\r".  This parser accepts the same language
 * in one pass, and refuses wherever PQUIC is lax or would fail later:
 * - anchors, "param" and "include" match exactly (PQUIC compares prefixes, so "prefix"
 *   reads as "pre" and "inclusive" as "include");
 * - param is decimal or 0x hex (PQUIC's strtoul also takes octal, signs, spaces);
 * - include cycles are refused (PQUIC recurses until it runs out of stack), and so are
 *   includes that leave no text (PQUIC then reads the byte before its buffer);
 * - ids, protoops and names longer than PQUIC's fixed buffers are refused (PQUIC
 *   overflows some of them);
 * - fields after the object file, and blank lines before the id line, are refused
 *   (PQUIC ignores the former and takes an empty plugin id from the latter).
 * The first error ends the parse: PQUIC's insertion is all-or-nothing too.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "bpf/internal.h"

#define MF_NONE SIZE_MAX
#define MF_KEY_NOPARAM (-1) /* table key of a pluglet line without param */
#define MF_KEY_PROTOOP (-2) /* table key of the record for a protoop, whatever its param */
#define MF_MAX_FIELDS 5
/* PQUIC's NO_PARAM is (param_id_t)-1 with a 16-bit param_id_t (picoquic.h), so
 * "param 65535" would silently mean "no param" there. */
#define MF_NO_PARAM 0xffffu

/* What PQUIC's insertion has plugged so far for one protoop (and param). */
struct mf_slot {
	const char *protoop; /* NULL: free slot; points into a pluglet */
	int32_t key;	     /* param, MF_KEY_NOPARAM or MF_KEY_PROTOOP */
	size_t use;	     /* first pluglet of the protoop (protoop records) */
	size_t replace;	     /* first replace or extern (param records) */
	size_t ext;	     /* first extern (protoop records) */
	size_t observer;     /* first pre or post (protoop records) */
};

struct mf_table {
	struct mf_slot *v;
	size_t cap, n;
};

struct mf_parser {
	const struct pds_chk_diag_sink *sink;
	struct pds_chk_manifest *m;
	char *root_real; /* real path of m->dir; NULL without a folder */
	/* real paths of the manifests being read, top first (NULL for one in memory) */
	const char *stack[PDS_CHK_MANIFEST_MAX_DEPTH + 1];
	unsigned depth;
	char **reals; /* real path of each of m->files, so a diamond include is listed once */
	size_t plug_cap, file_cap, reals_cap;
	size_t total; /* bytes of every manifest read */
	unsigned includes;
	bool have_id;
	unsigned id_line;
	char *marker_file; /* where the "-" line was, NULL before it */
	unsigned marker_line;
	struct mf_table tab;
};

/* The manifest being read. */
struct mf_src {
	const char *name; /* as shown in messages and stored in the result */
	const char *dir;  /* folder of its relative names; NULL: none */
};

/* One line, split in place. */
struct mf_line {
	const struct mf_src *src;
	unsigned no;
	char *f[MF_MAX_FIELDS];
	size_t n;
};

static int mf_parse_buf(struct mf_parser *p, const struct mf_src *src, const char *buf, size_t len);

/* ------------------------------------------------------------------ diagnostics */

static int PDS_PRINTF(4, 5)
	mf_err(struct mf_parser *p, const struct mf_line *l, int code, const char *fmt, ...)
{
	struct pds_loc loc = PDS_LOC_FILE(l->src->name);
	va_list ap;

	loc.line = l->no;
	va_start(ap, fmt);
	pds_vdiag(p->sink, PDS_CHK_ERROR, code, NULL, &loc, fmt, ap);
	va_end(ap);
	return code;
}

/* "first declared here" beside a rule broken by a later line. */
static void mf_note_first(struct mf_parser *p, int code, const struct pds_chk_pluglet *first)
{
	struct pds_loc loc = PDS_LOC_FILE(first->manifest);
	char param[16] = "";

	loc.line = first->line;
	if (first->has_param)
		snprintf(param, sizeof(param), " param %u", first->param);
	pds_diag_rule(p->sink, PDS_CHK_NOTE, pds_chk_rule(code), &loc, "'%s%s %s %s' is here",
		      first->protoop, param, pds_chk_anchor_name(first->anchor), first->file);
}

static int mf_nomem(struct mf_parser *p, const struct mf_line *l)
{
	return mf_err(p, l, PDS_CHK_E_NOMEM, "out of memory");
}

/* ------------------------------------------------------------------ small helpers */

/* dir/name; just name in ".", as PQUIC's dirname gives "." for a bare file name. */
static char *mf_join(const char *dir, const char *name)
{
	size_t dl = strlen(dir), nl = strlen(name);
	bool slash = dl && dir[dl - 1] != '/';
	char *s;

	if (!strcmp(dir, "."))
		return pds_strdup(name);
	s = malloc(dl + slash + nl + 1);
	if (!s)
		return NULL;
	memcpy(s, dir, dl);
	if (slash)
		s[dl] = '/';
	memcpy(s + dl + slash, name, nl + 1);
	return s;
}

static char *mf_dirname(const char *path)
{
	const char *slash = strrchr(path, '/');

	if (!slash)
		return pds_strdup(".");
	if (slash == path)
		return pds_strdup("/");
	return pds_strndup(path, (size_t)(slash - path));
}

static bool mf_inside(const char *root, const char *real)
{
	size_t rl = strlen(root);

	if (rl == 1 && root[0] == '/')
		return real[0] == '/' && real[1] != '\0';
	return strncmp(real, root, rl) == 0 && real[rl] == '/';
}

static bool mf_is_alnum(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

static bool mf_grow(void **v, size_t *cap, size_t need, size_t size)
{
	size_t ncap = *cap ? *cap : 8;
	void *nv;

	if (need <= *cap)
		return true;
	while (ncap < need)
		ncap *= 2;
	nv = realloc(*v, ncap * size);
	if (!nv)
		return false;
	*v = nv;
	*cap = ncap;
	return true;
}

/* ------------------------------------------------------------------ rule table */

static size_t mf_hash(const char *s, int32_t key)
{
	uint64_t h = 0xcbf29ce484222325ull; /* FNV-1a */

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 0x100000001b3ull;
	h = (h ^ (uint32_t)key) * 0x100000001b3ull;
	return (size_t)(h ^ (h >> 29));
}

static struct mf_slot *mf_find(struct mf_slot *v, size_t cap, const char *protoop, int32_t key)
{
	size_t i = mf_hash(protoop, key) & (cap - 1);

	while (v[i].protoop && (v[i].key != key || strcmp(v[i].protoop, protoop)))
		i = (i + 1) & (cap - 1);
	return &v[i];
}

/* Room for two more records, so that two lookups in a row keep their pointers. */
static bool mf_table_reserve(struct mf_table *t)
{
	size_t ncap = t->cap ? t->cap * 2 : 64;
	struct mf_slot *nv;

	if ((t->n + 2) * 2 <= t->cap)
		return true;
	nv = calloc(ncap, sizeof(*nv));
	if (!nv)
		return false;
	for (size_t i = 0; i < t->cap; i++)
		if (t->v[i].protoop)
			*mf_find(nv, ncap, t->v[i].protoop, t->v[i].key) = t->v[i];
	free(t->v);
	t->v = nv;
	t->cap = ncap;
	return true;
}

static struct mf_slot *mf_lookup(struct mf_table *t, const char *protoop, int32_t key)
{
	struct mf_slot *s = mf_find(t->v, t->cap, protoop, key);

	if (!s->protoop) {
		*s = (struct mf_slot){.protoop = protoop,
				      .key = key,
				      .use = MF_NONE,
				      .replace = MF_NONE,
				      .ext = MF_NONE,
				      .observer = MF_NONE};
		t->n++;
	}
	return s;
}

/* ------------------------------------------------------------------ field checks */

/* Control characters are refused anywhere (a tab would end up inside a PQUIC field). */
static int mf_check_bytes(struct mf_parser *p, const struct mf_line *l, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == 0)
			return mf_err(p, l, PDS_CHK_E_MF_BYTES, "NUL byte at column %zu", i + 1);
		if (c < 0x20 || c == 0x7f)
			return mf_err(p, l, PDS_CHK_E_MF_BYTES,
				      "control character 0x%02x at column %zu", c, i + 1);
	}
	return 0;
}

/* Hierarchical as PQUIC intends ("be.example.name"); it names a cache folder there. */
static int mf_check_id(struct mf_parser *p, const struct mf_line *l, const char *id)
{
	size_t len = strlen(id), label = 0, dots = 0;

	if (len > PDS_CHK_MANIFEST_MAX_ID)
		return mf_err(p, l, PDS_CHK_E_MF_PLUGIN_ID,
			      "plugin id is %zu characters long, more than the %u allowed", len,
			      PDS_CHK_MANIFEST_MAX_ID);
	for (size_t i = 0; i <= len; i++) {
		unsigned char c = (unsigned char)id[i];

		if (c == '.' || c == '\0') {
			if (label == 0)
				return mf_err(p, l, PDS_CHK_E_MF_PLUGIN_ID,
					      "plugin id '%s' has an empty label at column %zu", id,
					      i + 1);
			dots += c == '.';
			label = 0;
		} else if (mf_is_alnum(c) || c == '_' || c == '-') {
			label++;
		} else {
			return mf_err(
				p, l, PDS_CHK_E_MF_PLUGIN_ID,
				"byte 0x%02x in plugin id at column %zu: use letters, digits, "
				"'_', '-' and '.'",
				c, i + 1);
		}
	}
	if (dots == 0)
		return mf_err(p, l, PDS_CHK_E_MF_PLUGIN_ID,
			      "plugin id '%s' is not hierarchical (e.g. be.example.name)", id);
	return 0;
}

static int mf_check_protoop(struct mf_parser *p, const struct mf_line *l, const char *s)
{
	size_t len = strlen(s);

	if (len > PDS_CHK_MANIFEST_MAX_PROTOOP)
		return mf_err(p, l, PDS_CHK_E_MF_PROTOOP,
			      "protoop name is %zu characters long, more than the %u allowed", len,
			      PDS_CHK_MANIFEST_MAX_PROTOOP);
	/* PQUIC reads any line whose first field starts with '-' as the marker line. */
	if (s[0] == '-')
		return mf_err(p, l, PDS_CHK_E_MF_PROTOOP,
			      "protoop '%s' starts with '-', which PQUIC reads as the marker line",
			      s);
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (!mf_is_alnum(c) && c != '_' && c != '-' && c != '.')
			return mf_err(p, l, PDS_CHK_E_MF_PROTOOP,
				      "byte 0x%02x in protoop name at column %zu: use letters, "
				      "digits, '_', '-' and '.'",
				      c, i + 1);
	}
	return 0;
}

/*
 * Decimal without leading zeros (PQUIC's strtoul would read "010" as octal 8) or
 * "0x" and hex digits; no sign, no spaces, no trailing junk, below NO_PARAM.
 */
static int mf_parse_param(struct mf_parser *p, const struct mf_line *l, const char *s,
			  uint16_t *out)
{
	bool hex = s[0] == '0' && s[1] == 'x';
	const char *d = hex ? s + 2 : s;
	uint32_t v = 0;

	if (s[0] == '0' && s[1] == 'X')
		return mf_err(p, l, PDS_CHK_E_MF_PARAM, "param '%s': hex is written 0x, lowercase",
			      s);
	if (!*d)
		return mf_err(p, l, PDS_CHK_E_MF_PARAM, "param '%s' has no digits", s);
	if (!hex && d[0] == '0' && d[1])
		return mf_err(p, l, PDS_CHK_E_MF_PARAM,
			      "param '%s' has a leading zero (PQUIC would read it as octal)", s);
	for (; *d; d++) {
		unsigned c = (unsigned char)*d, digit;

		if (c >= '0' && c <= '9')
			digit = c - '0';
		else if (hex && c >= 'a' && c <= 'f')
			digit = c - 'a' + 10;
		else if (hex && c >= 'A' && c <= 'F')
			digit = c - 'A' + 10;
		else
			return mf_err(p, l, PDS_CHK_E_MF_PARAM,
				      "param '%s' is not a decimal or 0x hex number", s);
		v = v * (hex ? 16 : 10) + digit;
		if (v >= MF_NO_PARAM)
			return mf_err(
				p, l, PDS_CHK_E_MF_PARAM,
				"param '%s' is out of range: at most 65534 (0xfffe; 0xffff is "
				"PQUIC's NO_PARAM)",
				s);
	}
	*out = (uint16_t)v;
	return 0;
}

static int mf_check_name(struct mf_parser *p, const struct mf_line *l, const char *s)
{
	size_t len = strlen(s);

	if (s[0] == '/')
		return mf_err(
			p, l, PDS_CHK_E_MF_ABSOLUTE_PATH,
			"'%s' is an absolute path: names are relative to the manifest's folder", s);
	if (len > PDS_CHK_MANIFEST_MAX_NAME)
		return mf_err(p, l, PDS_CHK_E_MF_BAD_PATH,
			      "file name is %zu characters long, more than the %u allowed", len,
			      PDS_CHK_MANIFEST_MAX_NAME);
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == '/' && (s[i + 1] == '/' || s[i + 1] == '\0'))
			return mf_err(p, l, PDS_CHK_E_MF_BAD_PATH,
				      "file name '%s' has an empty path component", s);
		if (!mf_is_alnum(c) && !strchr("._+-/", c))
			return mf_err(p, l, PDS_CHK_E_MF_BAD_PATH,
				      "byte 0x%02x in file name at column %zu: use letters, digits "
				      "and '._+-/'",
				      c, i + 1);
	}
	return 0;
}

/*
 * Resolves a name against the declaring manifest's folder and checks that it is a
 * regular file inside the plugin's folder.  PQUIC resolves every name, in includes
 * too, against the top manifest's folder: both readings must give the same file,
 * so that what is checked is what PQUIC loads.  *joined (and *real_out, the real
 * path, when asked for) are malloc'ed.
 */
static int mf_resolve(struct mf_parser *p, const struct mf_line *l, const char *name, char **joined,
		      char **real_out)
{
	char *real = NULL, *pq = NULL, *pq_real = NULL;
	struct stat st;
	int err = 0;

	*joined = mf_join(l->src->dir, name);
	if (!*joined)
		return mf_nomem(p, l);
	real = realpath(*joined, NULL);
	if (!real) {
		if (errno == ENOMEM)
			err = mf_nomem(p, l);
		else if (errno == ENOENT || errno == ENOTDIR || errno == ELOOP)
			err = mf_err(p, l, PDS_CHK_E_MF_MISSING_FILE, "'%s' does not exist (%s)",
				     *joined, strerror(errno));
		else
			err = mf_err(p, l, PDS_CHK_E_IO, "cannot resolve '%s': %s", *joined,
				     strerror(errno));
		goto out;
	}
	if (!mf_inside(p->root_real, real)) {
		err = mf_err(p, l, PDS_CHK_E_MF_ESCAPE,
			     "'%s' resolves to '%s', outside the plugin's folder '%s'", *joined,
			     real, p->root_real);
		goto out;
	}
	if (stat(real, &st) < 0 || !S_ISREG(st.st_mode)) {
		err = mf_err(p, l, PDS_CHK_E_MF_NOT_FILE, "'%s' is not a regular file", *joined);
		goto out;
	}
	pq = mf_join(p->m->dir, name);
	if (!pq) {
		err = mf_nomem(p, l);
		goto out;
	}
	pq_real = realpath(pq, NULL);
	if (!pq_real || strcmp(pq_real, real))
		err = mf_err(p, l, PDS_CHK_E_MF_PATH_DIFFERS,
			     "'%s' is '%s' here, but PQUIC reads it as '%s'%s", name, *joined, pq,
			     pq_real ? ", another file" : ", which does not exist");
out:
	free(pq_real);
	free(pq);
	if (!err && real_out) {
		*real_out = real;
		real = NULL;
	}
	free(real);
	if (err) {
		free(*joined);
		*joined = NULL;
	}
	return err;
}

/* ------------------------------------------------------------------ results */

static void mf_pluglet_free(struct pds_chk_pluglet *pl)
{
	free(pl->protoop);
	free(pl->file);
	free(pl->path);
	free(pl->manifest);
}

static int mf_add_file(struct mf_parser *p, const struct mf_line *l, const char *name,
		       const char *real)
{
	struct pds_chk_manifest *m = p->m;
	char *n = NULL, *r = NULL;

	for (size_t i = 0; real && i < m->file_count; i++)
		if (p->reals[i] && !strcmp(p->reals[i], real))
			return 0;
	if (!mf_grow((void **)&m->files, &p->file_cap, m->file_count + 1, sizeof(*m->files)) ||
	    !mf_grow((void **)&p->reals, &p->reals_cap, m->file_count + 1, sizeof(*p->reals)))
		goto nomem;
	n = pds_strdup(name);
	r = real ? pds_strdup(real) : NULL;
	if (!n || (real && !r))
		goto nomem;
	m->files[m->file_count] = n;
	p->reals[m->file_count] = r;
	m->file_count++;
	return 0;
nomem:
	free(n);
	free(r);
	if (l)
		return mf_nomem(p, l);
	return PDS_CHK_E_NOMEM;
}

static int mf_add_pluglet(struct mf_parser *p, const struct mf_line *l,
			  const struct pds_chk_pluglet *tmpl)
{
	struct pds_chk_manifest *m = p->m;
	struct pds_chk_pluglet pl = *tmpl;

	if (!mf_grow((void **)&m->pluglets, &p->plug_cap, m->pluglet_count + 1,
		     sizeof(*m->pluglets)))
		return mf_nomem(p, l);
	pl.protoop = pds_strdup(tmpl->protoop);
	pl.file = pds_strdup(tmpl->file);
	pl.path = pds_strdup(tmpl->path);
	pl.manifest = pds_strdup(l->src->name);
	if (!pl.protoop || !pl.file || !pl.path || !pl.manifest) {
		mf_pluglet_free(&pl);
		return mf_nomem(p, l);
	}
	pl.line = l->no;
	pl.negotiated = p->marker_file != NULL;
	m->pluglets[m->pluglet_count++] = pl;
	return 0;
}

/*
 * The conditions under which PQUIC's plugin_plug_elf refuses a pluglet, checked for
 * the whole plugin (pquic-abi.md §1): one replace or extern per (protoop, param); a
 * protoop is either always or never given a param (PQUIC registers it as parametrable
 * or not on first use); an extern protoop has no observer.  PQUIC applies the last
 * rule per param; it is applied here per protoop, whatever the param.
 */
static int mf_check_rules(struct mf_parser *p, const struct mf_line *l, size_t i)
{
	const struct pds_chk_pluglet *pls = p->m->pluglets, *pl = &pls[i];
	bool observer = pl->anchor == PDS_CHK_ANCHOR_PRE || pl->anchor == PDS_CHK_ANCHOR_POST;
	struct mf_slot *rec, *key;
	size_t first = MF_NONE;
	int code = 0;

	if (!mf_table_reserve(&p->tab))
		return mf_nomem(p, l);
	rec = mf_lookup(&p->tab, pl->protoop, MF_KEY_PROTOOP);
	key = mf_lookup(&p->tab, pl->protoop, pl->has_param ? pl->param : MF_KEY_NOPARAM);
	if (rec->use == MF_NONE)
		rec->use = i;
	if (pls[rec->use].has_param != pl->has_param) {
		code = mf_err(p, l, PDS_CHK_E_MF_PARAM_MIX,
			      "protoop '%s' is used %s param here and %s param before", pl->protoop,
			      pl->has_param ? "with" : "without",
			      pl->has_param ? "without" : "with");
		first = rec->use;
	} else if (observer && rec->ext != MF_NONE) {
		code = mf_err(p, l, PDS_CHK_E_MF_EXTERN_OBSERVED,
			      "%s observer on protoop '%s', which this plugin declares extern",
			      pds_chk_anchor_name(pl->anchor), pl->protoop);
		first = rec->ext;
	} else if (pl->anchor == PDS_CHK_ANCHOR_EXTERN && rec->observer != MF_NONE) {
		code = mf_err(p, l, PDS_CHK_E_MF_EXTERN_OBSERVED,
			      "extern protoop '%s' already has an observer in this plugin",
			      pl->protoop);
		first = rec->observer;
	} else if (!observer && key->replace != MF_NONE) {
		code = mf_err(p, l, PDS_CHK_E_MF_DUPLICATE,
			      "second replace or extern for protoop '%s'%s", pl->protoop,
			      pl->has_param ? " with this param" : "");
		first = key->replace;
	}
	if (code) {
		mf_note_first(p, code, &pls[first]);
		return code;
	}
	if (observer && rec->observer == MF_NONE)
		rec->observer = i;
	if (!observer)
		key->replace = i;
	if (pl->anchor == PDS_CHK_ANCHOR_EXTERN && rec->ext == MF_NONE)
		rec->ext = i;
	return 0;
}

/* ------------------------------------------------------------------ lines */

static const struct {
	const char *name;
	unsigned bit;
} mf_options[] = {
	{"rate_unlimited", PDS_CHK_OPT_RATE_UNLIMITED},
	{"dynamic_memory", PDS_CHK_OPT_DYNAMIC_MEMORY},
	{"negotiate", PDS_CHK_OPT_NEGOTIATE},
};

static const char *const mf_anchor_names[] = {
	[PDS_CHK_ANCHOR_REPLACE] = "replace",
	[PDS_CHK_ANCHOR_PRE] = "pre",
	[PDS_CHK_ANCHOR_POST] = "post",
	[PDS_CHK_ANCHOR_EXTERN] = "extern",
};

PDS_API const char *pds_chk_anchor_name(enum pds_chk_anchor a)
{
	if ((unsigned)a < PDS_ARRAY_SIZE(mf_anchor_names))
		return mf_anchor_names[a];
	return "unknown";
}

static int mf_option(struct mf_parser *p, const struct mf_line *l, const char *tok)
{
	for (size_t i = 0; i < PDS_ARRAY_SIZE(mf_options); i++) {
		if (strcmp(tok, mf_options[i].name))
			continue;
		if (p->m->options & mf_options[i].bit)
			return mf_err(p, l, PDS_CHK_E_MF_OPTION_REPEATED,
				      "option '%s' is given twice", tok);
		p->m->options |= mf_options[i].bit;
		return 0;
	}
	if (!strcmp(tok, "include"))
		return mf_err(p, l, PDS_CHK_E_MF_OPTION,
			      "unknown option 'include': the first line names the plugin, "
			      "includes may follow it");
	return mf_err(p, l, PDS_CHK_E_MF_OPTION,
		      "unknown option '%s': expected rate_unlimited, dynamic_memory or negotiate",
		      tok);
}

/* "<plugin-id> [option]…", the first line that is not a comment (PQUIC's
 * plugin_parse_first_plugin_line). */
static int mf_id_line(struct mf_parser *p, const struct mf_line *l, char *s)
{
	bool first = true;
	int err;

	for (;;) {
		char *sp = strchr(s, ' ');

		if (sp)
			*sp = '\0';
		if (!*s)
			return mf_err(p, l, PDS_CHK_E_MF_SYNTAX,
				      "empty field: fields are separated by exactly one space");
		if (first) {
			err = mf_check_id(p, l, s);
			if (!err) {
				p->m->plugin_id = pds_strdup(s);
				err = p->m->plugin_id ? 0 : mf_nomem(p, l);
			}
		} else {
			err = mf_option(p, l, s);
		}
		if (err)
			return err;
		first = false;
		if (!sp)
			break;
		s = sp + 1;
	}
	p->have_id = true;
	p->id_line = l->no;
	return 0;
}

static int mf_split(struct mf_parser *p, struct mf_line *l, char *s)
{
	for (l->n = 0;;) {
		char *sp = strchr(s, ' ');

		if (sp)
			*sp = '\0';
		if (!*s)
			return mf_err(
				p, l, PDS_CHK_E_MF_SYNTAX,
				"empty field: fields are separated by exactly one space, with "
				"none at either end of the line");
		if (l->n == MF_MAX_FIELDS)
			return mf_err(p, l, PDS_CHK_E_MF_SYNTAX,
				      "more than %d fields (comments must start the line)",
				      MF_MAX_FIELDS);
		l->f[l->n++] = s;
		if (!sp)
			return 0;
		s = sp + 1;
	}
}

/* The "-" line of a negotiate plugin: the pluglets after it are plugged only once the
 * peer has agreed to the plugin (PQUIC's plugin_insert_post_plugin). */
static int mf_marker(struct mf_parser *p, const struct mf_line *l)
{
	if (!(p->m->options & PDS_CHK_OPT_NEGOTIATE))
		return mf_err(p, l, PDS_CHK_E_MF_MARKER,
			      "'-' line in a plugin without the negotiate option");
	if (p->marker_file)
		return mf_err(p, l, PDS_CHK_E_MF_MARKER_REPEATED,
			      "second '-' line (the first is at %s:%u)", p->marker_file,
			      p->marker_line);
	p->marker_file = pds_strdup(l->src->name);
	if (!p->marker_file)
		return mf_nomem(p, l);
	p->marker_line = l->no;
	return 0;
}

static int mf_anchor(struct mf_parser *p, const struct mf_line *l, const char *s,
		     enum pds_chk_anchor *a)
{
	for (size_t i = 0; i < PDS_ARRAY_SIZE(mf_anchor_names); i++) {
		if (!strcmp(s, mf_anchor_names[i])) {
			*a = (enum pds_chk_anchor)i;
			return 0;
		}
	}
	return mf_err(p, l, PDS_CHK_E_MF_ANCHOR,
		      "unknown anchor '%s': expected replace, pre, post or extern", s);
}

/* "<protoop> [param N] <anchor> <file>" (PQUIC's parse_plugin_line). */
static int mf_pluglet(struct mf_parser *p, const struct mf_line *l)
{
	struct pds_chk_pluglet pl = {.protoop = l->f[0]};
	const char *anchor = l->f[1];
	char *joined = NULL;
	int err;

	pl.file = l->f[l->n - 1];
	if (l->n == 5 && strcmp(l->f[1], "param"))
		return mf_err(p, l, PDS_CHK_E_MF_SYNTAX,
			      "five fields, but the second is '%s', not 'param'", l->f[1]);
	if (l->n == 3 && !strcmp(l->f[1], "param"))
		return mf_err(p, l, PDS_CHK_E_MF_SYNTAX,
			      "'param N' must be followed by an anchor and a file");
	err = mf_check_protoop(p, l, pl.protoop);
	if (!err && l->n == 5) {
		pl.has_param = 1;
		err = mf_parse_param(p, l, l->f[2], &pl.param);
		anchor = l->f[3];
	}
	if (!err)
		err = mf_anchor(p, l, anchor, &pl.anchor);
	if (!err)
		err = mf_check_name(p, l, pl.file);
	if (!err && l->src->dir)
		err = mf_resolve(p, l, pl.file, &joined, NULL);
	if (err)
		return err;
	pl.path = joined ? joined : pl.file;
	err = mf_add_pluglet(p, l, &pl);
	free(joined);
	if (!err)
		err = mf_check_rules(p, l, p->m->pluglet_count - 1);
	return err;
}

static int mf_read_include(struct mf_parser *p, const struct mf_line *l, const char *path,
			   void **buf, size_t *len)
{
	static const struct pds_chk_diag_sink quiet = {0};
	int err = pds_read_file(path, PDS_CHK_MANIFEST_MAX_SIZE, PDS_CHK_E_MF_TOO_LARGE, buf, len,
				&quiet);

	if (err == PDS_CHK_E_MF_TOO_LARGE)
		return mf_err(p, l, err, "'%s' is larger than %u bytes", path,
			      PDS_CHK_MANIFEST_MAX_SIZE);
	if (err)
		return mf_err(p, l, err, "cannot read '%s'", path);
	if (p->total + *len > PDS_CHK_MANIFEST_MAX_TOTAL) {
		free(*buf);
		*buf = NULL;
		return mf_err(p, l, PDS_CHK_E_MF_TOO_LARGE,
			      "the manifests read add up to more than %u bytes",
			      PDS_CHK_MANIFEST_MAX_TOTAL);
	}
	p->total += *len;
	return 0;
}

/* Whether PQUIC's preprocessor leaves nothing of a manifest: no line but comments. */
static bool mf_only_comments(const char *buf, size_t len)
{
	for (size_t pos = 0; pos < len;) {
		const char *nl = memchr(buf + pos, '\n', len - pos);

		if (buf[pos] != '#')
			return false;
		pos = nl ? (size_t)(nl - buf) + 1 : len;
	}
	return true;
}

/* "<file> include": reads another manifest in place (PQUIC's plugin_preprocess_file,
 * which has no cycle guard). */
static int mf_include(struct mf_parser *p, const struct mf_line *l)
{
	const char *name = l->f[0];
	char *joined = NULL, *real = NULL, *dir = NULL;
	struct mf_src sub;
	void *buf = NULL;
	size_t len = 0;
	int err;

	if (!l->src->dir)
		return mf_err(p, l, PDS_CHK_E_MF_INCLUDE_REFUSED,
			      "include of '%s' in a manifest parsed without a folder", name);
	err = mf_check_name(p, l, name);
	if (err)
		return err;
	if (++p->includes > PDS_CHK_MANIFEST_MAX_INCLUDES)
		return mf_err(p, l, PDS_CHK_E_MF_TOO_MANY_INCLUDES,
			      "more than %u include lines followed", PDS_CHK_MANIFEST_MAX_INCLUDES);
	if (p->depth + 1 > PDS_CHK_MANIFEST_MAX_DEPTH)
		return mf_err(p, l, PDS_CHK_E_MF_INCLUDE_DEPTH, "includes nested more than %u deep",
			      PDS_CHK_MANIFEST_MAX_DEPTH);
	err = mf_resolve(p, l, name, &joined, &real);
	if (err)
		return err;
	for (unsigned i = 0; i <= p->depth; i++) {
		if (p->stack[i] && !strcmp(p->stack[i], real)) {
			err = mf_err(p, l, PDS_CHK_E_MF_INCLUDE_CYCLE,
				     "'%s' is already being read: include cycle", joined);
			goto out;
		}
	}
	err = mf_read_include(p, l, joined, &buf, &len);
	/* PQUIC reads the byte before an empty inlined text (subfile_content[-1]). */
	if (!err && mf_only_comments(buf, len))
		err = mf_err(p, l, PDS_CHK_E_MF_EMPTY_INCLUDE,
			     "'%s' is empty or only comments, which PQUIC reads out of bounds",
			     joined);
	if (!err)
		err = mf_add_file(p, l, joined, real);
	if (err)
		goto out;
	dir = mf_dirname(joined);
	if (!dir) {
		err = mf_nomem(p, l);
		goto out;
	}
	sub = (struct mf_src){.name = joined, .dir = dir};
	p->stack[++p->depth] = real;
	err = mf_parse_buf(p, &sub, buf, len);
	p->depth--;
out:
	free(buf);
	free(dir);
	free(real);
	free(joined);
	return err;
}

static int mf_fields(struct mf_parser *p, struct mf_line *l, char *s)
{
	int err = mf_split(p, l, s);

	if (err)
		return err;
	switch (l->n) {
	case 1:
		if (!strcmp(l->f[0], "-"))
			return mf_marker(p, l);
		return mf_err(p, l, PDS_CHK_E_MF_SYNTAX,
			      "one field: expected '<protoop> [param N] <anchor> <file>' or "
			      "'<file> include'");
	case 2:
		if (!strcmp(l->f[1], "include"))
			return mf_include(p, l);
		return mf_err(p, l, PDS_CHK_E_MF_SYNTAX,
			      "two fields, but the second is '%s', not 'include' (a pluglet line "
			      "needs an anchor and a file)",
			      l->f[1]);
	case 3:
	case 5:
		return mf_pluglet(p, l);
	default:
		return mf_err(p, l, PDS_CHK_E_MF_SYNTAX, "%s",
			      strcmp(l->f[1], "param") ? "four fields: one too many for a pluglet "
							 "line without param"
						       : "'param N' must be followed by an anchor "
							 "and a file");
	}
}

static int mf_line(struct mf_parser *p, const struct mf_src *src, unsigned no, const char *s,
		   size_t n)
{
	char buf[PDS_CHK_MANIFEST_MAX_LINE + 1];
	struct mf_line l = {.src = src, .no = no};
	bool cr = n && s[n - 1] == '\r';
	int err;

	n -= cr;
	if (n > PDS_CHK_MANIFEST_MAX_LINE)
		return mf_err(p, &l, PDS_CHK_E_MF_LINE_TOO_LONG,
			      "line is %zu bytes long, more than the %u allowed", n,
			      PDS_CHK_MANIFEST_MAX_LINE);
	err = mf_check_bytes(p, &l, s, n);
	if (err)
		return err;
	if (n == 0) {
		/* PQUIC skips "\n" but reads "\r\n" as a pluglet line, and fails. */
		if (cr)
			return mf_err(p, &l, PDS_CHK_E_MF_SYNTAX,
				      "blank line ending in CR, which PQUIC refuses");
		if (!p->have_id)
			return mf_err(p, &l, PDS_CHK_E_MF_PLUGIN_ID,
				      "blank line where the plugin id is expected");
		return 0;
	}
	/* Only a '#' in the first column starts a comment (PQUIC's preprocessor). */
	if (s[0] == '#')
		return 0;
	memcpy(buf, s, n);
	buf[n] = '\0';
	if (!p->have_id)
		return mf_id_line(p, &l, buf);
	return mf_fields(p, &l, buf);
}

static int mf_parse_buf(struct mf_parser *p, const struct mf_src *src, const char *buf, size_t len)
{
	size_t pos = 0;
	unsigned no = 0;
	int err = 0;

	while (!err && pos < len) {
		const char *s = buf + pos;
		const char *nl = memchr(s, '\n', len - pos);
		size_t n = nl ? (size_t)(nl - s) : len - pos;

		pos += n + (nl != NULL);
		err = mf_line(p, src, ++no, s, n);
	}
	return err;
}

/* ------------------------------------------------------------------ entry points */

PDS_API void pds_chk_manifest_free(struct pds_chk_manifest *m)
{
	if (!m)
		return;
	for (size_t i = 0; i < m->pluglet_count; i++)
		mf_pluglet_free(&m->pluglets[i]);
	for (size_t i = 0; i < m->file_count; i++)
		free(m->files[i]);
	free(m->pluglets);
	free(m->files);
	free(m->plugin_id);
	free(m->dir);
	free(m->path);
	free(m);
}

static void mf_parser_free(struct mf_parser *p)
{
	if (p->reals)
		for (size_t i = 0; i < p->m->file_count; i++)
			free(p->reals[i]);
	free(p->reals);
	free(p->tab.v);
	free(p->marker_file);
	free(p->root_real);
}

static int mf_whole(struct mf_parser *p, const char *name, int code, unsigned line, const char *msg)
{
	struct pds_loc loc = PDS_LOC_FILE(name);

	loc.line = line;
	return pds_diag(p->sink, PDS_CHK_ERROR, code, &loc, "%s", msg);
}

/* Fills p->m from the top manifest; real is its real path (NULL for one in memory). */
static int mf_top(struct mf_parser *p, const char *buf, size_t len, const char *name,
		  const char *real)
{
	struct pds_chk_manifest *m = p->m;
	struct mf_src top = {.name = name, .dir = m->dir};
	int err;

	if (len > PDS_CHK_MANIFEST_MAX_SIZE)
		return mf_whole(p, name, PDS_CHK_E_MF_TOO_LARGE, 0,
				"manifest is larger than the limit");
	if (m->dir) {
		p->root_real = realpath(m->dir, NULL);
		if (!p->root_real)
			return mf_whole(p, name, PDS_CHK_E_IO, 0,
					"cannot resolve the manifest's folder");
	}
	err = mf_add_file(p, NULL, name, real);
	if (err)
		return mf_whole(p, name, err, 0, "out of memory");
	p->stack[0] = real;
	p->total = len;
	err = mf_parse_buf(p, &top, buf, len);
	if (err)
		return err;
	if (!p->have_id)
		return mf_whole(p, name, PDS_CHK_E_MF_EMPTY, 0,
				"no plugin id line: the manifest is empty or only comments");
	if (m->pluglet_count == 0)
		return mf_whole(p, name, PDS_CHK_E_MF_NO_PLUGLETS, p->id_line,
				"the plugin names no pluglet");
	return 0;
}

static int mf_run(const char *buf, size_t len, const char *name, const char *dir, const char *real,
		  const struct pds_chk_diag_sink *sink, struct pds_chk_manifest **out)
{
	struct mf_parser p = {.sink = sink};
	int err;

	p.m = pds_calloc(1, sizeof(*p.m));
	if (!p.m)
		return mf_whole(&p, name, PDS_CHK_E_NOMEM, 0, "out of memory");
	p.m->path = pds_strdup(name);
	p.m->dir = dir ? pds_strdup(dir) : NULL;
	if (!p.m->path || (dir && !p.m->dir))
		err = mf_whole(&p, name, PDS_CHK_E_NOMEM, 0, "out of memory");
	else
		err = mf_top(&p, buf, len, name, real);
	mf_parser_free(&p);
	if (err) {
		pds_chk_manifest_free(p.m);
		return err;
	}
	*out = p.m;
	return 0;
}

PDS_API int pds_chk_manifest_parse(const char *path, const struct pds_chk_diag_sink *sink,
				   struct pds_chk_manifest **out)
{
	struct pds_loc loc = PDS_LOC_FILE(path);
	char *dir = NULL, *real = NULL;
	void *buf = NULL;
	size_t len = 0;
	int err;

	if (!out)
		return PDS_CHK_E_INVAL;
	*out = NULL;
	if (!path)
		return pds_diag(sink, PDS_CHK_ERROR, PDS_CHK_E_INVAL, &loc, "no manifest path");
	err = pds_read_file(path, PDS_CHK_MANIFEST_MAX_SIZE, PDS_CHK_E_MF_TOO_LARGE, &buf, &len,
			    sink);
	if (err)
		return err;
	real = realpath(path, NULL);
	dir = mf_dirname(path);
	if (!real || !dir)
		err = pds_diag(sink, PDS_CHK_ERROR, real ? PDS_CHK_E_NOMEM : PDS_CHK_E_IO, &loc,
			       "cannot resolve the manifest's path");
	else
		err = mf_run(buf, len, path, dir, real, sink, out);
	free(real);
	free(dir);
	free(buf);
	return err;
}

PDS_API int pds_chk_manifest_parse_mem(const char *buf, size_t len, const char *name,
				       const char *dir, const struct pds_chk_diag_sink *sink,
				       struct pds_chk_manifest **out)
{
	if (!out)
		return PDS_CHK_E_INVAL;
	*out = NULL;
	if (!name)
		name = "<manifest>";
	if (!buf && len) {
		struct pds_loc loc = PDS_LOC_FILE(name);

		return pds_diag(sink, PDS_CHK_ERROR, PDS_CHK_E_INVAL, &loc, "no manifest text");
	}
	return mf_run(buf ? buf : "", len, name, dir, NULL, sink, out);
}
