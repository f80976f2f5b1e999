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
	struct pds_chk_protoop_spec *protoops;
	size_t nprotoops;
	struct pds_chk_fact_range *ranges;
	struct pds_chk_fact_list *lists;
	size_t nranges, nlists;
	char **strings;
	size_t nstrings;
};

struct sctx {
	struct pds_chk_spec *spec;
	struct pds_chk_protoop_spec *cur; /* protoop being declared, or NULL */
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

static const char *const object_kinds[] = {"cnx",	"path",	 "pkt",		"pkt_ctx",
					   "sack_item", "cnxid", "stream_head", "crypto_context",
					   "ph",	"preq"};

static int grow(void **v, size_t n, size_t size)
{
	void *nv = realloc(*v, (n + 1) * size);

	if (!nv)
		return PDS_CHK_E_NOMEM;
	*v = nv;
	memset((char *)nv + n * size, 0, size);
	return 0;
}

static int need_protoop(struct sctx *c, const char *what)
{
	if (!c->cur)
		return serr(c, PDS_CHK_E_SPEC_SYNTAX, "'%s' outside a 'protoop NAME' section",
			    what);
	return 0;
}

static bool valid_name(const char *s)
{
	for (; *s; s++)
		if (!isalnum((unsigned char)*s) && *s != '_' && *s != '-' && *s != '.')
			return false;
	return true;
}

static int parse_protoop(struct sctx *c, char **t, int n)
{
	struct pds_chk_spec *sp = c->spec;

	if (n != 2 || !valid_name(t[1]))
		return serr(c, PDS_CHK_E_SPEC_SYNTAX, "expected 'protoop NAME'");
	for (size_t i = 0; i < sp->nprotoops; i++)
		if (!strcmp(sp->protoops[i].name, t[1]))
			return serr(c, PDS_CHK_E_SPEC_DUPLICATE, "protoop %s declared twice", t[1]);
	if (grow((void **)&sp->protoops, sp->nprotoops, sizeof(*sp->protoops)))
		return serr(c, PDS_CHK_E_NOMEM, "out of memory");
	c->cur = &sp->protoops[sp->nprotoops++];
	c->cur->name = pds_strdup(t[1]);
	return c->cur->name ? 0 : serr(c, PDS_CHK_E_NOMEM, "out of memory");
}

/* input N NAME [KIND] / output N NAME */
static int parse_io(struct sctx *c, char **t, int n, bool input)
{
	struct pds_chk_spec_input **v = input ? &c->cur->inputs : &c->cur->outputs;
	size_t *nv = input ? &c->cur->ninputs : &c->cur->noutputs;
	struct pds_chk_spec_input *e;
	uint64_t idx;
	int err;

	if (n < 3 || n > (input ? 4 : 3) || !valid_name(t[2]))
		return serr(c, PDS_CHK_E_SPEC_SYNTAX, "expected '%s'",
			    input ? "input N NAME [KIND]" : "output N NAME");
	err = parse_u64(c, t[1], 63, &idx);
	if (err)
		return err;
	for (size_t i = 0; i < *nv; i++)
		if ((*v)[i].index == idx)
			return serr(c, PDS_CHK_E_SPEC_DUPLICATE, "%s %llu declared twice", t[0],
				    (unsigned long long)idx);
	if (n == 4) {
		bool known = false;

		for (size_t i = 0; i < PDS_ARRAY_SIZE(object_kinds); i++)
			known |= !strcmp(t[3], object_kinds[i]);
		if (!known)
			return serr(c, PDS_CHK_E_SPEC_SYNTAX, "unknown host object kind '%s'",
				    t[3]);
	}
	if (grow((void **)v, *nv, sizeof(**v)))
		return serr(c, PDS_CHK_E_NOMEM, "out of memory");
	e = &(*v)[(*nv)++];
	e->index = (uint16_t)idx;
	e->name = pds_strdup(t[2]);
	e->kind = n == 4 ? pds_strdup(t[3]) : NULL;
	return e->name && (n != 4 || e->kind) ? 0 : serr(c, PDS_CHK_E_NOMEM, "out of memory");
}

/* allow SETTER KEY on cnx|input N */
static int parse_allow(struct sctx *c, char **t, int n)
{
	struct pds_chk_protoop_spec *p = c->cur;
	struct pds_chk_spec_allow a = {0};
	uint64_t idx = 0, param = 0;
	int err;

	/* allow SETTER KEY param N on …: the param words are taken out first */
	if (n >= 7 && !strcmp(t[3], "param")) {
		err = parse_u64(c, t[4], UINT16_MAX, &param);
		if (err)
			return err;
		a.has_param = 1;
		a.param = (uint16_t)param;
		for (int k = 3; k + 2 < n; k++)
			t[k] = t[k + 2];
		n -= 2;
	}
	if ((n != 5 && n != 6) || strcmp(t[3], "on") || strncmp(t[1], "set_", 4) ||
	    (n == 5 && strcmp(t[4], "cnx")) || (n == 6 && strcmp(t[4], "input")))
		return serr(c, PDS_CHK_E_SPEC_SYNTAX,
			    "expected 'allow SETTER KEY [param N] on cnx' or 'allow SETTER KEY "
			    "[param N] on input N'");
	{
		char getter[64];

		snprintf(getter, sizeof(getter), "get_%s", t[1] + 4);
		err = parse_getter(c, getter);
		if (!err)
			err = parse_key(c, getter, t[2], &a.key);
	}
	if (!err && n == 6)
		err = parse_u64(c, t[5], 63, &idx);
	if (err)
		return err;
	a.object = n == 6 ? PDS_CHK_OBJECT_INPUT : PDS_CHK_OBJECT_CNX;
	a.input = (uint16_t)idx;
	if (grow((void **)&p->allows, p->nallows, sizeof(*p->allows)))
		return serr(c, PDS_CHK_E_NOMEM, "out of memory");
	a.setter = pds_strdup(t[1]);
	a.key_name = pds_strdup(t[2]);
	p->allows[p->nallows++] = a;
	return a.setter && a.key_name ? 0 : serr(c, PDS_CHK_E_NOMEM, "out of memory");
}

static int parse_name_list(struct sctx *c, char **t, int n, char ***v, size_t *nv)
{
	if (n != 2 || (!valid_name(t[1]) && strcmp(t[1], "*")))
		return serr(c, PDS_CHK_E_SPEC_SYNTAX, "expected '%s NAME'", t[0]);
	if (grow((void **)v, *nv, sizeof(**v)))
		return serr(c, PDS_CHK_E_NOMEM, "out of memory");
	(*v)[*nv] = pds_strdup(t[1]);
	return (*v)[(*nv)++] ? 0 : serr(c, PDS_CHK_E_NOMEM, "out of memory");
}

static int parse_protoop_line(struct sctx *c, char **t, int n)
{
	int err = need_protoop(c, t[0]);

	if (err)
		return err;
	if (!strcmp(t[0], "input") || !strcmp(t[0], "output"))
		return parse_io(c, t, n, t[0][0] == 'i');
	if (!strcmp(t[0], "allow"))
		return parse_allow(c, t, n);
	if (!strcmp(t[0], "allow-helper"))
		return parse_name_list(c, t, n, &c->cur->helpers, &c->cur->nhelpers);
	return parse_name_list(c, t, n, &c->cur->protoops, &c->cur->nprotoops);
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
	if (!strcmp(t[0], "protoop"))
		return parse_protoop(c, t, n);
	if (!strcmp(t[0], "input") || !strcmp(t[0], "output") || !strcmp(t[0], "allow") ||
	    !strcmp(t[0], "allow-helper") || !strcmp(t[0], "allow-protoop"))
		return parse_protoop_line(c, t, n);
	return serr(c, PDS_CHK_E_SPEC_SYNTAX,
		    "unknown declaration '%s' (range, list, protoop, input, output, allow, "
		    "allow-helper, allow-protoop)",
		    t[0]);
}

static int parse_into(struct pds_chk_spec *spec, const char *buf, size_t len, const char *name,
		      const struct pds_chk_diag_sink *sink)
{
	struct sctx c = {.spec = spec, .name = name ? name : "<spec>", .sink = sink};
	char line[PDS_CHK_SPEC_MAX_LINE + 1];
	size_t at = 0;
	int err = 0;

	if (len > PDS_CHK_SPEC_MAX_SIZE)
		return serr(&c, PDS_CHK_E_SPEC_TOO_LARGE,
			    "spec of %zu bytes is over the %u allowed", len, PDS_CHK_SPEC_MAX_SIZE);
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
	c.spec->facts.ranges = c.spec->ranges;
	c.spec->facts.nranges = c.spec->nranges;
	c.spec->facts.lists = c.spec->lists;
	c.spec->facts.nlists = c.spec->nlists;
	return err;
}

PDS_API int pds_chk_spec_parse_mem(const char *buf, size_t len, const char *name,
				   const struct pds_chk_diag_sink *sink, struct pds_chk_spec **out)
{
	struct pds_chk_spec *spec;
	int err;

	if (!out || (!buf && len))
		return PDS_CHK_E_INVAL;
	*out = NULL;
	spec = pds_calloc(1, sizeof(*spec));
	if (!spec)
		return PDS_CHK_E_NOMEM;
	err = parse_into(spec, buf, len, name, sink);
	if (err) {
		pds_chk_spec_free(spec);
		return err;
	}
	*out = spec;
	return 0;
}

PDS_API int pds_chk_spec_add_mem(struct pds_chk_spec *spec, const char *buf, size_t len,
				 const char *name, const struct pds_chk_diag_sink *sink)
{
	if (!spec || (!buf && len))
		return PDS_CHK_E_INVAL;
	return parse_into(spec, buf, len, name, sink);
}

PDS_API int pds_chk_spec_add_file(struct pds_chk_spec *spec, const char *path,
				  const struct pds_chk_diag_sink *sink)
{
	void *buf;
	size_t len;
	int err;

	if (!spec)
		return PDS_CHK_E_INVAL;
	err = pds_read_file(path, PDS_CHK_SPEC_MAX_SIZE, PDS_CHK_E_SPEC_TOO_LARGE, &buf, &len,
			    sink);
	if (err)
		return err;
	err = parse_into(spec, buf, len, path, sink);
	free(buf);
	return err;
}

static const char builtin_spec[] = {
#include "pquic_spec.inc"
	0};

PDS_API const char *pds_chk_spec_builtin_text(size_t *len)
{
	if (len)
		*len = sizeof(builtin_spec) - 1;
	return builtin_spec;
}

PDS_API int pds_chk_spec_builtin(const struct pds_chk_diag_sink *sink, struct pds_chk_spec **out)
{
	return pds_chk_spec_parse_mem(builtin_spec, sizeof(builtin_spec) - 1,
				      "<built-in pquic.spec>", sink, out);
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

static void free_names(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

static void free_protoop(struct pds_chk_protoop_spec *p)
{
	for (size_t i = 0; i < p->ninputs; i++) {
		free(p->inputs[i].name);
		free(p->inputs[i].kind);
	}
	for (size_t i = 0; i < p->noutputs; i++)
		free(p->outputs[i].name);
	for (size_t i = 0; i < p->nallows; i++) {
		free(p->allows[i].setter);
		free(p->allows[i].key_name);
	}
	free(p->inputs);
	free(p->outputs);
	free(p->allows);
	free_names(p->helpers, p->nhelpers);
	free_names(p->protoops, p->nprotoops);
	free(p->name);
}

PDS_API const struct pds_chk_protoop_spec *pds_chk_spec_protoop(const struct pds_chk_spec *spec,
								const char *name)
{
	for (size_t i = 0; spec && name && i < spec->nprotoops; i++)
		if (!strcmp(spec->protoops[i].name, name))
			return &spec->protoops[i];
	return NULL;
}

PDS_API void pds_chk_spec_free(struct pds_chk_spec *spec)
{
	if (!spec)
		return;
	for (size_t i = 0; i < spec->nprotoops; i++)
		free_protoop(&spec->protoops[i]);
	free(spec->protoops);
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
