// SPDX-License-Identifier: MIT
/*
 * The attestation text (docs/formats.md §7): one exact encoding, so that two
 * verifiers who check the same plugin sign the same bytes and a signature
 * cannot be moved to a differently-spelled claim.
 */
#include <stdlib.h>
#include <string.h>

#include <pds/attestation.h>

#include "attest/att_fmt.h"

#define TIME_MAX ((uint64_t)INT64_MAX)
#define MAX_FIELDS 6

static const char *const verdict_names[] = {"unknown", "proven", "budget", "refuted"};

PDS_API const char *pds_att_verdict_name(enum pds_att_verdict v)
{
	return (unsigned)v < ATT_ARRAY_SIZE(verdict_names) ? verdict_names[v] : NULL;
}

/* 1..255 printable ASCII characters, no space or comma, and not "-" alone. */
static int token_ok(const char *s, size_t n)
{
	if (!s || n == 0 || n > PDS_ATT_MAX_TOKEN || (n == 1 && s[0] == '-'))
		return 0;
	for (size_t i = 0; i < n; i++)
		if (s[i] <= 0x20 || s[i] >= 0x7f || s[i] == ',')
			return 0;
	return 1;
}

static int str_token_ok(const char *s)
{
	return s && token_ok(s, strnlen(s, PDS_ATT_MAX_TOKEN + 1));
}

static void list_release(struct pds_att_list *l)
{
	for (size_t i = 0; i < l->count; i++)
		free(l->items[i]);
	free(l->items);
}

PDS_API void pds_att_free(struct pds_attestation *a)
{
	if (!a)
		return;
	for (size_t i = 0; i < a->object_count; i++) {
		struct pds_att_object *o = &a->objects[i];

		free(o->name);
		free(o->anchor);
		free(o->file);
		list_release(&o->writes);
		list_release(&o->helpers);
	}
	free(a->objects);
	free(a->plugin);
	free(a->checker);
	free(a->checker_version);
	free(a->profile);
	list_release(&a->passes);
	free(a);
}

/* ------------------------------------------------------------------ encoding */

static int cmp_str(const void *x, const void *y)
{
	return strcmp(*(char *const *)x, *(char *const *)y);
}

/* Appends "a,b,c" (sorted) or "-"; refuses bad tokens and repeats. */
static int put_list(struct att_buf *b, const struct pds_att_list *l)
{
	char **sorted;
	int err = 0;

	if (l->count > PDS_ATT_MAX_ITEMS)
		return PDS_ATT_E_ATT_SIZE;
	if (l->count == 0) {
		att_buf_add(b, "-", 1);
		return 0;
	}
	if (!l->items)
		return PDS_ATT_E_INVAL;
	sorted = malloc(l->count * sizeof(*sorted));
	if (!sorted)
		return PDS_ATT_E_NOMEM;
	memcpy(sorted, l->items, l->count * sizeof(*sorted));
	qsort(sorted, l->count, sizeof(*sorted), cmp_str);
	for (size_t i = 0; i < l->count && !err; i++) {
		if (!str_token_ok(sorted[i]))
			err = PDS_ATT_E_ATT_VALUE;
		else if (i && !strcmp(sorted[i - 1], sorted[i]))
			err = PDS_ATT_E_ATT_ORDER;
		else {
			if (i)
				att_buf_add(b, ",", 1);
			att_buf_str(b, sorted[i]);
		}
	}
	free(sorted);
	return err;
}

static int put_hex(struct att_buf *b, const char *key, const uint8_t hash[32])
{
	char hex[65];

	att_hex_encode(hash, 32, hex);
	att_buf_str(b, key);
	att_buf_str(b, hex);
	return 0;
}

/* Appends the strings of a NULL-terminated list, tokens of any length. */
static void put_strs(struct att_buf *b, const char *const *strs)
{
	for (; *strs; strs++)
		att_buf_str(b, *strs);
}

static int format_object(const struct pds_att_object *o, char **out)
{
	struct att_buf b = {0};
	int err = 0;

	if (!str_token_ok(o->name) || !str_token_ok(o->file) ||
	    (o->anchor && !str_token_ok(o->anchor)) || !pds_att_verdict_name(o->termination) ||
	    !pds_att_verdict_name(o->effects) || !pds_att_verdict_name(o->memory) ||
	    o->effects == PDS_ATT_BUDGET || o->memory == PDS_ATT_BUDGET)
		return PDS_ATT_E_ATT_VALUE;
	put_hex(&b, "object ", o->sha256);
	put_strs(&b, (const char *const[]){" ", o->name, " ", NULL});
	if (o->has_param)
		att_buf_printf(&b, "%u ", (unsigned)o->param);
	else
		att_buf_str(&b, "- ");
	put_strs(&b,
		 (const char *const[]){o->anchor ? o->anchor : "-", " ", o->file, "\ntermination ",
				       verdict_names[o->termination], " ", NULL});
	if (o->termination == PDS_ATT_PROVEN || o->termination == PDS_ATT_BUDGET)
		att_buf_printf(&b, "%llu", (unsigned long long)o->bound);
	else if (o->bound)
		err = PDS_ATT_E_ATT_VALUE;
	else
		att_buf_str(&b, "-");
	put_strs(&b, (const char *const[]){"\neffects ", verdict_names[o->effects], " ", NULL});
	if (!err)
		err = put_list(&b, &o->writes);
	put_strs(&b,
		 (const char *const[]){"\nmemory ", verdict_names[o->memory], "\nhelpers ", NULL});
	if (!err)
		err = put_list(&b, &o->helpers);
	att_buf_add(&b, "\n", 1);
	if (err) {
		free(b.p);
		return err;
	}
	return att_buf_finish(&b, out, NULL);
}

static int format_header(struct att_buf *b, const struct pds_attestation *a)
{
	if (!str_token_ok(a->plugin) || !str_token_ok(a->checker) ||
	    !str_token_ok(a->checker_version) || !str_token_ok(a->profile) || a->time > TIME_MAX)
		return PDS_ATT_E_ATT_VALUE;
	put_strs(b, (const char *const[]){PDS_ATT_VERSION_LINE "\nplugin ", a->plugin, "\n", NULL});
	if (a->has_manifest)
		put_hex(b, "manifest ", a->manifest);
	else
		att_buf_str(b, "manifest -");
	put_strs(b, (const char *const[]){"\nchecker ", a->checker, " ", a->checker_version,
					  "\nprofile ", a->profile, "\n", NULL});
	put_hex(b, "spec ", a->spec);
	att_buf_str(b, "\npasses ");
	if (a->passes.count == 0)
		return PDS_ATT_E_ATT_MISSING;
	return put_list(b, &a->passes);
}

static void free_blocks(char **blocks, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(blocks[i]);
	free(blocks);
}

PDS_API int pds_att_format(const struct pds_attestation *a, char **out, size_t *len)
{
	struct att_buf b = {0};
	char **blocks = NULL;
	size_t n = 0;
	int err;

	if (!a || !out || (a->object_count && !a->objects))
		return PDS_ATT_E_INVAL;
	if (a->object_count == 0)
		return PDS_ATT_E_ATT_MISSING;
	if (a->object_count > PDS_ATT_MAX_OBJECTS)
		return PDS_ATT_E_ATT_SIZE;
	err = format_header(&b, a);
	att_buf_printf(&b, "\ntime %llu\n", (unsigned long long)a->time);
	blocks = calloc(a->object_count, sizeof(*blocks));
	if (!err && !blocks)
		err = PDS_ATT_E_NOMEM;
	for (; !err && n < a->object_count; n++)
		err = format_object(&a->objects[n], &blocks[n]);
	if (err)
		goto out;
	/* Blocks sort as their object lines do: '\n' is below every token byte. */
	qsort(blocks, n, sizeof(*blocks), cmp_str);
	for (size_t i = 0; i < n && !err; i++) {
		if (i && !strcmp(blocks[i - 1], blocks[i]))
			err = PDS_ATT_E_ATT_ORDER;
		att_buf_str(&b, blocks[i]);
	}
	if (!err && !b.err && b.len > PDS_ATT_MAX_TEXT)
		err = PDS_ATT_E_ATT_SIZE;
out:
	free_blocks(blocks, n);
	if (err) {
		free(b.p);
		return err;
	}
	return att_buf_finish(&b, out, len);
}

/* ------------------------------------------------------------------ parsing */

struct cursor {
	const struct att_src *src;
	size_t off;  /* next line */
	size_t line; /* offset of the current line */
	size_t len;  /* its length, newline excluded */
	const char *f[MAX_FIELDS];
	size_t fl[MAX_FIELDS];
	size_t nf;
};

static size_t at(const struct cursor *c, unsigned i)
{
	return (size_t)(c->f[i] - c->src->buf);
}

/* Reads the next line "kw f1 … fn", single spaces, exactly n fields after kw. */
static int next_line(struct cursor *c, const char *kw, size_t n)
{
	const struct att_src *src = c->src;
	const char *s, *end, *nl;

	if (c->off >= src->len)
		return att_err(src, c->off, PDS_ATT_E_ATT_MISSING, "expected a \"%s\" line", kw);
	s = src->buf + c->off;
	nl = memchr(s, '\n', src->len - c->off);
	c->line = c->off;
	c->len = (size_t)(nl - s);
	c->off += c->len + 1;
	end = nl;
	c->nf = 0;
	while (c->nf < MAX_FIELDS) {
		const char *sp = memchr(s, ' ', (size_t)(end - s));
		const char *fe = sp ? sp : end;

		c->f[c->nf] = s;
		c->fl[c->nf++] = (size_t)(fe - s);
		if (fe == s)
			return att_err(src, (size_t)(s - src->buf), PDS_ATT_E_ATT_SYNTAX,
				       "empty field (double, leading or trailing space)");
		if (!sp)
			break;
		s = sp + 1;
	}
	if (c->fl[0] != strlen(kw) || memcmp(c->f[0], kw, c->fl[0]))
		return att_err(src, c->line, PDS_ATT_E_ATT_MISSING, "expected a \"%s\" line", kw);
	if (c->nf != n + 1 || c->f[c->nf - 1] + c->fl[c->nf - 1] != end)
		return att_err(src, c->line, PDS_ATT_E_ATT_SYNTAX,
			       "\"%s\" takes %zu field(s) separated by single spaces", kw, n);
	return 0;
}

static int dup_token(struct cursor *c, unsigned i, char **out)
{
	if (!token_ok(c->f[i], c->fl[i]))
		return att_err(c->src, at(c, i), PDS_ATT_E_ATT_VALUE,
			       "not a token (1..%u printable characters, no comma)",
			       PDS_ATT_MAX_TOKEN);
	*out = malloc(c->fl[i] + 1);
	if (!*out)
		return PDS_ATT_E_NOMEM;
	memcpy(*out, c->f[i], c->fl[i]);
	(*out)[c->fl[i]] = '\0';
	return 0;
}

static int get_hex(struct cursor *c, unsigned i, uint8_t out[32])
{
	if (att_parse_hex(c->f[i], c->fl[i], out, 32))
		return att_err(c->src, at(c, i), PDS_ATT_E_ATT_VALUE,
			       "expected 64 lowercase hex digits");
	return 0;
}

static int is_dash(const struct cursor *c, unsigned i)
{
	return c->fl[i] == 1 && c->f[i][0] == '-';
}

static int add_item(struct pds_att_list *l, const char *s, size_t n)
{
	char **items = realloc(l->items, (l->count + 1) * sizeof(*items));

	if (!items)
		return PDS_ATT_E_NOMEM;
	l->items = items;
	items[l->count] = malloc(n + 1);
	if (!items[l->count])
		return PDS_ATT_E_NOMEM;
	memcpy(items[l->count], s, n);
	items[l->count++][n] = '\0';
	return 0;
}

/* "-" or "a,b,c": tokens, strictly increasing. */
static int get_list(struct cursor *c, unsigned i, struct pds_att_list *l)
{
	const char *s = c->f[i], *end = s + c->fl[i];
	const char *prev = NULL;
	size_t prev_len = 0;

	if (is_dash(c, i))
		return 0;
	for (;;) {
		const char *comma = memchr(s, ',', (size_t)(end - s));
		size_t n = (size_t)((comma ? comma : end) - s);
		size_t off = (size_t)(s - c->src->buf);
		int cmp, err;

		if (!token_ok(s, n))
			return att_err(c->src, off, PDS_ATT_E_ATT_VALUE, "bad list item");
		cmp = prev ? memcmp(prev, s, prev_len < n ? prev_len : n) : -1;
		if (prev && (cmp > 0 || (cmp == 0 && prev_len >= n)))
			return att_err(c->src, off, PDS_ATT_E_ATT_ORDER,
				       "list items must be sorted without repeats");
		if (l->count == PDS_ATT_MAX_ITEMS)
			return att_err(c->src, off, PDS_ATT_E_ATT_SIZE, "more than %u items",
				       PDS_ATT_MAX_ITEMS);
		err = add_item(l, s, n);
		if (err)
			return err;
		if (!comma)
			return 0;
		prev = s;
		prev_len = n;
		s = comma + 1;
	}
}

static int get_verdict(struct cursor *c, unsigned i, int allow_budget, enum pds_att_verdict *v)
{
	for (unsigned k = 0; k < ATT_ARRAY_SIZE(verdict_names); k++)
		if (c->fl[i] == strlen(verdict_names[k]) &&
		    !memcmp(c->f[i], verdict_names[k], c->fl[i]) &&
		    (allow_budget || k != PDS_ATT_BUDGET)) {
			*v = (enum pds_att_verdict)k;
			return 0;
		}
	return att_err(c->src, at(c, i), PDS_ATT_E_ATT_VALUE, "unknown verdict");
}

static int get_dec(struct cursor *c, unsigned i, uint64_t max, uint64_t *v)
{
	if (att_parse_dec(c->f[i], c->fl[i], max, v))
		return att_err(c->src, at(c, i), PDS_ATT_E_ATT_VALUE,
			       "expected a decimal without leading zeros, at most %llu",
			       (unsigned long long)max);
	return 0;
}

static int parse_header(struct cursor *c, struct pds_attestation *a)
{
	uint64_t t;
	int err;

	if ((err = next_line(c, "plugin", 1)) || (err = dup_token(c, 1, &a->plugin)))
		return err;
	if ((err = next_line(c, "manifest", 1)))
		return err;
	a->has_manifest = !is_dash(c, 1);
	if (a->has_manifest && (err = get_hex(c, 1, a->manifest)))
		return err;
	if ((err = next_line(c, "checker", 2)) || (err = dup_token(c, 1, &a->checker)) ||
	    (err = dup_token(c, 2, &a->checker_version)))
		return err;
	if ((err = next_line(c, "profile", 1)) || (err = dup_token(c, 1, &a->profile)))
		return err;
	if ((err = next_line(c, "spec", 1)) || (err = get_hex(c, 1, a->spec)))
		return err;
	if ((err = next_line(c, "passes", 1)))
		return err;
	if (is_dash(c, 1))
		return att_err(c->src, at(c, 1), PDS_ATT_E_ATT_MISSING, "no pass ran");
	if ((err = get_list(c, 1, &a->passes)))
		return err;
	if ((err = next_line(c, "time", 1)) || (err = get_dec(c, 1, TIME_MAX, &t)))
		return err;
	a->time = t;
	return 0;
}

static int parse_object_line(struct cursor *c, struct pds_att_object *o)
{
	uint64_t v;
	int err;

	if ((err = next_line(c, "object", 5)) || (err = get_hex(c, 1, o->sha256)) ||
	    (err = dup_token(c, 2, &o->name)))
		return err;
	o->has_param = !is_dash(c, 3);
	if (o->has_param) {
		if ((err = get_dec(c, 3, UINT16_MAX, &v)))
			return err;
		o->param = (uint16_t)v;
	}
	if (!is_dash(c, 4) && (err = dup_token(c, 4, &o->anchor)))
		return err;
	return dup_token(c, 5, &o->file);
}

static int parse_object(struct cursor *c, struct pds_att_object *o)
{
	int err;

	if ((err = parse_object_line(c, o)))
		return err;
	if ((err = next_line(c, "termination", 2)) || (err = get_verdict(c, 1, 1, &o->termination)))
		return err;
	if (o->termination == PDS_ATT_PROVEN || o->termination == PDS_ATT_BUDGET)
		err = get_dec(c, 2, UINT64_MAX, &o->bound);
	else if (!is_dash(c, 2))
		err = att_err(c->src, at(c, 2), PDS_ATT_E_ATT_VALUE,
			      "a bound only goes with proven or budget");
	if (err)
		return err;
	if ((err = next_line(c, "effects", 2)) || (err = get_verdict(c, 1, 0, &o->effects)) ||
	    (err = get_list(c, 2, &o->writes)))
		return err;
	if ((err = next_line(c, "memory", 1)) || (err = get_verdict(c, 1, 0, &o->memory)))
		return err;
	if ((err = next_line(c, "helpers", 1)) || (err = get_list(c, 1, &o->helpers)))
		return err;
	return 0;
}

static int parse_objects(struct cursor *c, struct pds_attestation *a)
{
	size_t prev = 0, prev_len = 0;

	while (c->off < c->src->len) {
		struct pds_att_object *objs;
		size_t start = c->off;
		int err;

		if (a->object_count == PDS_ATT_MAX_OBJECTS)
			return att_err(c->src, start, PDS_ATT_E_ATT_SIZE, "more than %u objects",
				       PDS_ATT_MAX_OBJECTS);
		objs = realloc(a->objects, (a->object_count + 1) * sizeof(*objs));
		if (!objs)
			return PDS_ATT_E_NOMEM;
		a->objects = objs;
		memset(&objs[a->object_count], 0, sizeof(*objs));
		err = parse_object(c, &objs[a->object_count++]);
		if (err)
			return err;
		/* The object line that opened this block is c->f's first line: recompute it. */
		{
			const char *s = c->src->buf + start;
			size_t n = (size_t)((const char *)memchr(s, '\n', c->src->len - start) - s);
			int cmp = memcmp(c->src->buf + prev, s, prev_len < n ? prev_len : n);

			if (a->object_count > 1 && (cmp > 0 || (cmp == 0 && prev_len >= n)))
				return att_err(c->src, start, PDS_ATT_E_ATT_ORDER,
					       "objects must be sorted by their object line, "
					       "without repeats");
			prev = start;
			prev_len = n;
		}
	}
	if (a->object_count == 0)
		return att_err(c->src, c->off, PDS_ATT_E_ATT_MISSING, "no object");
	return 0;
}

static int check_version(const struct att_src *src)
{
	const size_t n = strlen(PDS_ATT_VERSION_LINE);

	if (src->len > n && !memcmp(src->buf, PDS_ATT_VERSION_LINE "\n", n + 1))
		return 0;
	return att_err(src, 0, PDS_ATT_E_ATT_VERSION, "first line must be %s",
		       PDS_ATT_VERSION_LINE);
}

PDS_API int pds_att_parse(const char *text, size_t len, const char *file,
			  const struct pds_att_diag_sink *sink, struct pds_attestation **out)
{
	struct att_src src = {file, text, len, sink};
	struct cursor c = {.src = &src};
	struct pds_attestation *a;
	int err;

	if (!text || !out)
		return PDS_ATT_E_INVAL;
	if (len > PDS_ATT_MAX_TEXT)
		return att_err(&src, 0, PDS_ATT_E_ATT_SIZE, "attestation larger than %u bytes",
			       PDS_ATT_MAX_TEXT);
	for (size_t i = 0; i < len; i++)
		if ((text[i] < 0x20 && text[i] != '\n') || (unsigned char)text[i] >= 0x7f)
			return att_err(&src, i, PDS_ATT_E_ATT_SYNTAX,
				       "only printable ASCII and newlines");
	if (len == 0 || text[len - 1] != '\n')
		return att_err(&src, len, PDS_ATT_E_ATT_SYNTAX, "text must end with a newline");
	err = check_version(&src);
	if (err)
		return err;
	c.off = strlen(PDS_ATT_VERSION_LINE) + 1;
	a = calloc(1, sizeof(*a));
	if (!a)
		return PDS_ATT_E_NOMEM;
	err = parse_header(&c, a);
	if (!err)
		err = parse_objects(&c, a);
	if (err) {
		pds_att_free(a);
		return err;
	}
	*out = a;
	return 0;
}
