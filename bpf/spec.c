// SPDX-License-Identifier: MIT
/* The spec language (docs/spec.md): host facts, one per line. */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <pds/spec.h>

#include "bpf/analysis_int.h"

#define MAX_TOKENS 16

struct pds_chk_spec {
	struct pds_chk_facts facts;
	struct pds_chk_fact_range *ranges;
	struct pds_chk_fact_list *lists;
	size_t nranges, nlists;
	char **strings;
	size_t nstrings;
};

struct sctx {
	struct pds_chk_spec *spec;
	const char *name;
	unsigned line;
	const struct pds_chk_diag_sink *sink;
};

static const char *const objects[] = {"cnx",	   "path",  "pkt",	   "pkt_ctx",
				      "sack_item", "cnxid", "stream_head", "crypto_context",
				      "ph",	   "preq",  "stream_data"};

PDS_PRINTF(3, 4)
static int serr(struct sctx *c, int code, const char *fmt, ...)
{
	struct pds_loc loc = {.file = c->name, .insn = -1, .line = c->line};
	va_list ap;

	va_start(ap, fmt);
	pds_vdiag(c->sink, PDS_CHK_ERROR, code, NULL, &loc, fmt, ap);
	va_end(ap);
	return code;
}

static int parse_u64(struct sctx *c, const char *tok, uint64_t max, uint64_t *out)
{
	char *end;
	unsigned long long v;

	if (!tok || !isdigit((unsigned char)tok[0]) || (tok[0] == '0' && tok[1] && tok[1] != 'x'))
		return serr(c, PDS_CHK_E_SPEC_NUMBER, "'%s' is not a decimal or 0x number",
			    tok ? tok : "");
	errno = 0;
	v = strtoull(tok, &end, tok[1] == 'x' ? 16 : 10);
	if (errno || *end || (tok[1] == 'x' && !tok[2]) || v > max)
		return serr(c, PDS_CHK_E_SPEC_NUMBER, "'%s' is not a number in [0, %llu]", tok,
			    (unsigned long long)max);
	*out = v;
	return 0;
}

static const char *keep(struct sctx *c, const char *s)
{
	char **v = realloc(c->spec->strings, (c->spec->nstrings + 1) * sizeof(*v));

	if (!v)
		return NULL;
	c->spec->strings = v;
	v[c->spec->nstrings] = pds_strdup(s);
	return v[c->spec->nstrings] ? v[c->spec->nstrings++] : NULL;
}

static int parse_getter(struct sctx *c, const char *tok)
{
	if (!strncmp(tok, "get_", 4))
		for (size_t i = 0; i < PDS_ARRAY_SIZE(objects); i++)
			if (!strcmp(tok + 4, objects[i]))
				return 0;
	return serr(c, PDS_CHK_E_SPEC_HELPER, "'%s' is not a PQUIC getter", tok);
}

static int parse_key(struct sctx *c, const char *getter, const char *tok, uint16_t *key)
{
	const struct pds_access_key *ak;
	uint64_t v;
	int err;

	if (!strncmp(tok, "AK_", 3)) {
		ak = pds_access_key_by_name(tok);
		if (!ak || pds_access_key_find(getter, ak->value) != ak)
			return serr(c, PDS_CHK_E_SPEC_KEY, "'%s' is not an access key of %s", tok,
				    getter);
		*key = (uint16_t)ak->value;
		return 0;
	}
	err = parse_u64(c, tok, UINT16_MAX, &v);
	if (!err)
		*key = (uint16_t)v;
	return err;
}

/* range GETTER KEY [param N] <= MAX */
static int parse_range(struct sctx *c, char **t, int n)
{
	struct pds_chk_fact_range f = {0};
	uint64_t v;
	int i = 3, err;
	void *nv;

	if (n < 5)
		return serr(c, PDS_CHK_E_SPEC_SYNTAX,
			    "expected 'range GETTER KEY [param N] <= MAX'");
	err = parse_getter(c, t[1]);
	if (!err)
		err = parse_key(c, t[1], t[2], &f.key);
	if (!err && !strcmp(t[3], "param")) {
		if (n != 7)
			return serr(c, PDS_CHK_E_SPEC_SYNTAX,
				    "expected 'range GETTER KEY param N <= MAX'");
		err = parse_u64(c, t[4], UINT16_MAX, &v);
		f.has_param = 1;
		f.param = (uint16_t)v;
		i = 5;
	}
	if (err)
		return err;
	if (n != i + 2 || strcmp(t[i], "<="))
		return serr(c, PDS_CHK_E_SPEC_SYNTAX, "expected '<= MAX' at the end of the range");
	err = parse_u64(c, t[i + 1], UINT64_MAX, &f.max);
	if (err)
		return err;
	for (size_t k = 0; k < c->spec->nranges; k++) {
		const struct pds_chk_fact_range *o = &c->spec->ranges[k];

		if (!strcmp(o->helper, t[1]) && o->key == f.key && o->has_param == f.has_param &&
		    o->param == f.param)
			return serr(c, PDS_CHK_E_SPEC_DUPLICATE, "range of %s %s declared twice",
				    t[1], t[2]);
	}
	f.helper = keep(c, t[1]);
	nv = realloc(c->spec->ranges, (c->spec->nranges + 1) * sizeof(f));
	if (!f.helper || !nv)
		return serr(c, PDS_CHK_E_NOMEM, "out of memory");
	c->spec->ranges = nv;
	c->spec->ranges[c->spec->nranges++] = f;
	return 0;
}

/* list GETTER KEY[:] acyclic[,] length <= MAX, or list GETTER KEY <= MAX */
static int parse_list(struct sctx *c, char **t, int n)
{
	struct pds_chk_fact_list f = {0};
	size_t kl;
	int err;
	void *nv;

	/* short form: a length bound implies the list is acyclic */
	if (n == 5 && !strcmp(t[3], "<=")) {
		t[6] = t[4];
		n = 7;
	} else if (n != 7 || strcmp(t[4], "length") || strcmp(t[5], "<=") ||
		   (strcmp(t[3], "acyclic") && strcmp(t[3], "acyclic,"))) {
		return serr(
			c, PDS_CHK_E_SPEC_SYNTAX,
			"expected 'list GETTER KEY: acyclic, length <= MAX' or 'list GETTER KEY "
			"<= MAX'");
	}
	kl = strlen(t[2]);
	if (kl && t[2][kl - 1] == ':')
		t[2][kl - 1] = '\0';
	err = parse_getter(c, t[1]);
	if (!err)
		err = parse_key(c, t[1], t[2], &f.key);
	if (!err)
		err = parse_u64(c, t[6], UINT64_MAX, &f.max_len);
	if (err)
		return err;
	for (size_t k = 0; k < c->spec->nlists; k++)
		if (!strcmp(c->spec->lists[k].helper, t[1]) && c->spec->lists[k].key == f.key)
			return serr(c, PDS_CHK_E_SPEC_DUPLICATE, "list %s %s declared twice", t[1],
				    t[2]);
	f.helper = keep(c, t[1]);
	nv = realloc(c->spec->lists, (c->spec->nlists + 1) * sizeof(f));
	if (!f.helper || !nv)
		return serr(c, PDS_CHK_E_NOMEM, "out of memory");
	c->spec->lists = nv;
	c->spec->lists[c->spec->nlists++] = f;
	return 0;
}

static int parse_line(struct sctx *c, char *line)
{
	char *t[MAX_TOKENS], *save = NULL, *tok;
	int n = 0;

	for (tok = strtok_r(line, " \t", &save); tok; tok = strtok_r(NULL, " \t", &save)) {
		if (n == MAX_TOKENS)
			return serr(c, PDS_CHK_E_SPEC_SYNTAX, "too many words on one line");
		t[n++] = tok;
	}
	if (n == 0 || t[0][0] == '#')
		return 0;
	if (!strcmp(t[0], "range"))
		return parse_range(c, t, n);
	if (!strcmp(t[0], "list"))
		return parse_list(c, t, n);
	return serr(c, PDS_CHK_E_SPEC_SYNTAX, "unknown declaration '%s' (range, list)", t[0]);
}

PDS_API int pds_chk_spec_parse_mem(const char *buf, size_t len, const char *name,
				   const struct pds_chk_diag_sink *sink, struct pds_chk_spec **out)
{
	struct sctx c = {.name = name ? name : "<spec>", .sink = sink};
	char line[PDS_CHK_SPEC_MAX_LINE + 1];
	size_t at = 0;
	int err = 0;

	if (!out || (!buf && len))
		return PDS_CHK_E_INVAL;
	*out = NULL;
	if (len > PDS_CHK_SPEC_MAX_SIZE)
		return serr(&c, PDS_CHK_E_SPEC_TOO_LARGE,
			    "spec of %zu bytes is over the %u allowed", len, PDS_CHK_SPEC_MAX_SIZE);
	c.spec = pds_calloc(1, sizeof(*c.spec));
	if (!c.spec)
		return PDS_CHK_E_NOMEM;
	while (!err && at < len) {
		const char *nl = memchr(buf + at, '\n', len - at);
		size_t n = nl ? (size_t)(nl - (buf + at)) : len - at;

		c.line++;
		if (n && buf[at + n - 1] == '\r')
			n--;
		if (n > PDS_CHK_SPEC_MAX_LINE) {
			err = serr(&c, PDS_CHK_E_SPEC_TOO_LARGE, "line longer than %u bytes",
				   PDS_CHK_SPEC_MAX_LINE);
			break;
		}
		for (size_t i = 0; !err && i < n; i++)
			if ((unsigned char)buf[at + i] < 0x20 && buf[at + i] != '\t')
				err = serr(&c, PDS_CHK_E_SPEC_BYTES,
					   "control byte 0x%02x at column %zu",
					   (unsigned char)buf[at + i], i + 1);
		if (err)
			break;
		memcpy(line, buf + at, n);
		line[n] = '\0';
		err = parse_line(&c, line);
		/* past the newline; a last line without one (even if it ends in \r) ends the text */
		at = nl ? (size_t)(nl - buf) + 1 : len;
	}
	if (err) {
		pds_chk_spec_free(c.spec);
		return err;
	}
	c.spec->facts.ranges = c.spec->ranges;
	c.spec->facts.nranges = c.spec->nranges;
	c.spec->facts.lists = c.spec->lists;
	c.spec->facts.nlists = c.spec->nlists;
	*out = c.spec;
	return 0;
}

PDS_API int pds_chk_spec_parse(const char *path, const struct pds_chk_diag_sink *sink,
			       struct pds_chk_spec **out)
{
	void *buf;
	size_t len;
	int err;

	if (!out)
		return PDS_CHK_E_INVAL;
	*out = NULL;
	err = pds_read_file(path, PDS_CHK_SPEC_MAX_SIZE, PDS_CHK_E_SPEC_TOO_LARGE, &buf, &len,
			    sink);
	if (err)
		return err;
	err = pds_chk_spec_parse_mem(buf, len, path, sink, out);
	free(buf);
	return err;
}

PDS_API void pds_chk_spec_free(struct pds_chk_spec *spec)
{
	if (!spec)
		return;
	for (size_t i = 0; i < spec->nstrings; i++)
		free(spec->strings[i]);
	free(spec->strings);
	free(spec->ranges);
	free(spec->lists);
	free(spec);
}

PDS_API const struct pds_chk_facts *pds_chk_spec_facts(const struct pds_chk_spec *spec)
{
	return spec ? &spec->facts : NULL;
}
