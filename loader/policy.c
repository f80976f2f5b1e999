// SPDX-License-Identifier: MIT
/*
 * The trust policy parser (docs/formats.md §10): C2SP tlog-policy lines (log,
 * witness, group, quorum) plus verifiers and their formula, packagers, verdicts
 * and budgets, and the anti-rollback state folder.  One exact encoding is
 * accepted; every refusal names the line and the column.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "loader/policy_internal.h"

#define MAX_FIELDS 80u /* fields on one line (a group's members) */
#define MAX_FORMULA_DEPTH 64u

/*
 * A refusal carries nothing from an earlier outcome: res is cleared, then
 * filled.  file and the arguments may point into res itself (a caller
 * re-coding an earlier refusal), so both are copied out first.
 */
int pds_ldr_fail(struct pds_ldr_result *res, int code, const char *file, unsigned line,
		 unsigned col, const char *fmt, ...)
{
	char msg[640], name[PDS_LDR_FILE_MAX]; /* 300 + ":L:C: " + 640 fit in message */
	va_list ap;

	if (!res)
		return code;
	snprintf(name, sizeof(name), "%s", file ? file : "");
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	memset(res, 0, sizeof(*res));
	res->code = code;
	memcpy(res->file, name, sizeof(name));
	res->line = line;
	res->col = col;
	/* The place is FILE:LINE:COL, shortened to what is known (line 0: the whole file). */
	if (line && col)
		snprintf(res->message, sizeof(res->message), "%.300s:%u:%u: %s", name, line, col,
			 msg);
	else if (line)
		snprintf(res->message, sizeof(res->message), "%.300s:%u: %s", name, line, msg);
	else
		snprintf(res->message, sizeof(res->message), "%.300s: %s", name, msg);
	return code;
}

/* ------------------------------------------------------------------ lines and fields */

struct field {
	const char *p;
	size_t len;
	unsigned col; /* 1-based */
};

struct parser {
	struct pds_ldr_policy *p;
	struct pds_ldr_result *res;
	const char *file;
	unsigned line;
	struct field f[MAX_FIELDS];
	size_t nf;
	/* single-use lines seen */
	unsigned seen_quorum, seen_require, seen_packagers, seen_bound, seen_age, seen_term,
		seen_eff, seen_mem, seen_manifest, seen_object, seen_state;
	const char *quorum_text; /* resolved at the end: witnesses/groups may follow */
	struct field quorum_field;
	unsigned quorum_line;
	unsigned packagers_line;
	const char *packagers_text;
	size_t packagers_len;
	unsigned packagers_col;
};

static int fail(struct parser *ps, int code, unsigned col, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static int fail(struct parser *ps, int code, unsigned col, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return pds_ldr_fail(ps->res, code, ps->file, ps->line, col, "%s", msg);
}

static int split(struct parser *ps, const char *s, size_t len)
{
	size_t i = 0;

	ps->nf = 0;
	while (i < len) {
		while (i < len && s[i] == ' ')
			i++;
		if (i == len)
			break;
		if (ps->nf == MAX_FIELDS)
			return fail(ps, PDS_LDR_E_POL_LIMIT, (unsigned)i + 1,
				    "more than %u fields on one line", MAX_FIELDS);
		ps->f[ps->nf].p = s + i;
		ps->f[ps->nf].col = (unsigned)i + 1;
		while (i < len && s[i] != ' ')
			i++;
		ps->f[ps->nf].len = (size_t)(s + i - ps->f[ps->nf].p);
		ps->nf++;
	}
	return 0;
}

static int is(const struct field *f, const char *word)
{
	return f->len == strlen(word) && !memcmp(f->p, word, f->len);
}

static int want_fields(struct parser *ps, size_t lo, size_t hi)
{
	if (ps->nf < lo || ps->nf > hi)
		return fail(ps, PDS_LDR_E_POL_SYNTAX,
			    ps->nf > hi && hi < MAX_FIELDS ? ps->f[hi].col : 1,
			    "%.*s takes %zu%s field%s", (int)ps->f[0].len, ps->f[0].p, lo - 1,
			    hi > lo ? " or more" : "", lo == 2 && hi == lo ? "" : "s");
	return 0;
}

static int once(struct parser *ps, unsigned *seen)
{
	if (*seen)
		return fail(ps, PDS_LDR_E_POL_DUPLICATE, 1, "%.*s was given on line %u already",
			    (int)ps->f[0].len, ps->f[0].p, *seen);
	*seen = ps->line;
	return 0;
}

/* Names: 1..64 of [A-Za-z0-9._-], first a letter or digit; "none" and "of" reserved. */
static int check_name(struct parser *ps, const struct field *f, char *out)
{
	int ok = f->len >= 1 && f->len <= PDS_POL_MAX_NAME;

	for (size_t i = 0; ok && i < f->len; i++) {
		char c = f->p[i];
		int alnum =
			(c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');

		ok = alnum || (i > 0 && (c == '.' || c == '_' || c == '-'));
	}
	if (!ok)
		return fail(ps, PDS_LDR_E_POL_SYNTAX, f->col,
			    "a name is 1 to %u letters, digits, '.', '_' or '-', starting with "
			    "a letter or digit",
			    PDS_POL_MAX_NAME);
	if (is(f, "none") || is(f, "of"))
		return fail(ps, PDS_LDR_E_POL_SYNTAX, f->col, "\"%.*s\" is a reserved word",
			    (int)f->len, f->p);
	memcpy(out, f->p, f->len);
	out[f->len] = 0;
	return 0;
}

static int parse_key(struct parser *ps, const struct field *f, uint8_t type,
		     struct pds_note_verifier *key)
{
	if (pds_note_verifier_parse(f->p, f->len, ps->file, NULL, key) != 0)
		return fail(ps, PDS_LDR_E_POL_KEY, f->col, "not a signed-note verifier key");
	if (key->type != type)
		return fail(ps, PDS_LDR_E_POL_KEY, f->col,
			    "key type 0x%02x, this line needs 0x%02x", key->type, type);
	return 0;
}

static int same_key(const struct pds_note_verifier *a, const struct pds_note_verifier *b)
{
	return a->type == b->type && !memcmp(a->pub, b->pub, 32);
}

/* Decimal 1..2^63-1 without leading zeros; suffix (k, M, s, m, h, d) handled by callers. */
static int parse_u63(const char *p, size_t len, uint64_t *v)
{
	*v = 0;
	if (!len || (len > 1 && p[0] == '0'))
		return -1;
	for (size_t i = 0; i < len; i++) {
		if (p[i] < '0' || p[i] > '9' || *v > (INT64_MAX - 9) / 10)
			return -1;
		*v = *v * 10 + (uint64_t)(p[i] - '0');
	}
	return *v ? 0 : -1;
}

static int scaled(struct parser *ps, const struct field *f, const char *suffixes,
		  const uint64_t *scale, int suffix_required, uint64_t *v)
{
	size_t len = f->len;
	uint64_t mul = 1;
	const char *s;

	if (len && (s = strchr(suffixes, f->p[len - 1])) != NULL && f->p[len - 1]) {
		mul = scale[s - suffixes];
		len--;
	} else if (suffix_required) {
		return fail(ps, PDS_LDR_E_POL_VALUE, f->col,
			    "a duration is a number followed by s, m, h or d");
	}
	if (parse_u63(f->p, len, v) || *v > INT64_MAX / mul)
		return fail(ps, PDS_LDR_E_POL_VALUE, f->col,
			    "not a number from 1 to 2^63-1 without leading zeros");
	*v *= mul;
	return 0;
}

static int parse_verdicts(struct parser *ps, const struct field *f, int allow_budget,
			  unsigned *mask)
{
	static const struct {
		const char *name;
		enum pds_att_verdict v;
	} names[] = {{"proven", PDS_ATT_PROVEN},
		     {"budget", PDS_ATT_BUDGET},
		     {"unknown", PDS_ATT_UNKNOWN},
		     {"refuted", PDS_ATT_REFUTED}};
	const char *p = f->p, *end = f->p + f->len;

	*mask = 0;
	while (p <= end) {
		const char *c = memchr(p, ',', (size_t)(end - p));
		size_t n = (size_t)((c ? c : end) - p), k;

		for (k = 0; k < 4; k++)
			if (strlen(names[k].name) == n && !memcmp(p, names[k].name, n))
				break;
		if (k == 4 || (!allow_budget && names[k].v == PDS_ATT_BUDGET) ||
		    (*mask >> names[k].v & 1))
			return fail(ps, PDS_LDR_E_POL_VALUE, f->col + (unsigned)(p - f->p),
				    "verdicts are proven,%sunknown,refuted, each at most once",
				    allow_budget ? "budget," : "");
		*mask |= 1u << names[k].v;
		if (!c)
			break;
		p = c + 1;
	}
	return 0;
}

/* ------------------------------------------------------------------ witnesses, groups */

/* Index of a witness (is_group 0) or group (1) by name; -1 when unknown. */
static int find_member(const struct pds_ldr_policy *p, const struct field *f, int *is_group)
{
	for (size_t i = 0; i < p->witness_count; i++)
		if (is(f, p->witnesses[i].name)) {
			*is_group = 0;
			return (int)i;
		}
	for (size_t i = 0; i < p->group_count; i++)
		if (is(f, p->groups[i].name)) {
			*is_group = 1;
			return (int)i;
		}
	return -1;
}

static int name_taken(const struct pds_ldr_policy *p, const char *name, int witness_ns)
{
	if (witness_ns) {
		for (size_t i = 0; i < p->witness_count; i++)
			if (!strcmp(p->witnesses[i].name, name))
				return 1;
		for (size_t i = 0; i < p->group_count; i++)
			if (!strcmp(p->groups[i].name, name))
				return 1;
	}
	return 0;
}

static int line_log(struct parser *ps)
{
	struct pds_ldr_policy *p = ps->p;
	struct pds_pol_log *l;
	int err = want_fields(ps, 2, 3);

	if (err)
		return err;
	if (p->log_count == PDS_POL_MAX_LOGS)
		return fail(ps, PDS_LDR_E_POL_LIMIT, 1, "more than %u logs", PDS_POL_MAX_LOGS);
	l = &p->logs[p->log_count];
	err = parse_key(ps, &ps->f[1], PDS_NOTE_ED25519, &l->key);
	if (err)
		return err;
	for (size_t i = 0; i < p->log_count; i++)
		if (!strcmp(p->logs[i].key.name, l->key.name) || same_key(&p->logs[i].key, &l->key))
			return fail(ps, PDS_LDR_E_POL_DUPLICATE, ps->f[1].col,
				    "a log with this origin or key is already listed");
	if (ps->nf == 3 && !(l->url = strndup(ps->f[2].p, ps->f[2].len)))
		return fail(ps, PDS_LDR_E_NOMEM, 1, "out of memory");
	p->log_count++;
	return 0;
}

/* witness, verifier, packager: NAME KEY [URL] */
static int line_named(struct parser *ps, struct pds_pol_named_key *arr, size_t *count, size_t max,
		      uint8_t type, int witness_ns, size_t max_fields)
{
	struct pds_pol_named_key *k;
	int err = want_fields(ps, 3, max_fields);

	if (err)
		return err;
	if (*count == max)
		return fail(ps, PDS_LDR_E_POL_LIMIT, 1, "more than %zu %.*s lines", max,
			    (int)ps->f[0].len, ps->f[0].p);
	k = &arr[*count];
	err = check_name(ps, &ps->f[1], k->name);
	if (!err)
		err = parse_key(ps, &ps->f[2], type, &k->key);
	if (err)
		return err;
	for (size_t i = 0; i < *count; i++) {
		if (!strcmp(arr[i].name, k->name))
			return fail(ps, PDS_LDR_E_POL_DUPLICATE, ps->f[1].col,
				    "%s is already defined", k->name);
		if (same_key(&arr[i].key, &k->key))
			return fail(ps, PDS_LDR_E_POL_DUPLICATE, ps->f[2].col,
				    "this key is already %s's", arr[i].name);
	}
	if (witness_ns && name_taken(ps->p, k->name, 1))
		return fail(ps, PDS_LDR_E_POL_DUPLICATE, ps->f[1].col, "%s is already defined",
			    k->name);
	if (ps->nf == 4 && !(k->url = strndup(ps->f[3].p, ps->f[3].len)))
		return fail(ps, PDS_LDR_E_NOMEM, 1, "out of memory");
	(*count)++;
	return 0;
}

static int parse_threshold(struct parser *ps, const struct field *f, size_t n, unsigned *k)
{
	uint64_t v;

	if (is(f, "all")) {
		*k = (unsigned)n;
		return 0;
	}
	if (is(f, "any")) {
		*k = 1;
		return 0;
	}
	if (parse_u63(f->p, f->len, &v) || v > n)
		return fail(ps, PDS_LDR_E_POL_THRESHOLD, f->col,
			    "the threshold is all, any or a number from 1 to %zu", n);
	*k = (unsigned)v;
	return 0;
}

static int line_group(struct parser *ps)
{
	struct pds_ldr_policy *p = ps->p;
	struct pds_pol_group *g;
	size_t n;
	int err = want_fields(ps, 4, MAX_FIELDS);

	if (err)
		return err;
	if (p->group_count == PDS_POL_MAX_GROUPS)
		return fail(ps, PDS_LDR_E_POL_LIMIT, 1, "more than %u groups", PDS_POL_MAX_GROUPS);
	g = &p->groups[p->group_count];
	err = check_name(ps, &ps->f[1], g->name);
	if (err)
		return err;
	if (name_taken(p, g->name, 1))
		return fail(ps, PDS_LDR_E_POL_DUPLICATE, ps->f[1].col, "%s is already defined",
			    g->name);
	n = ps->nf - 3;
	err = parse_threshold(ps, &ps->f[2], n, &g->k);
	if (err)
		return err;
	g->members = calloc(n, sizeof(*g->members));
	if (!g->members)
		return fail(ps, PDS_LDR_E_NOMEM, 1, "out of memory");
	p->group_count++; /* owns members from here on */
	for (size_t i = 0; i < n; i++) {
		const struct field *f = &ps->f[3 + i];
		int grp, idx = find_member(p, f, &grp);

		if (idx < 0 || (grp && (size_t)idx == p->group_count - 1))
			return fail(ps, PDS_LDR_E_POL_UNDEFINED, f->col,
				    "%.*s is not a witness or group defined above", (int)f->len,
				    f->p);
		for (size_t j = 0; j < i; j++)
			if (g->members[j].is_group == grp && g->members[j].index == (unsigned)idx)
				return fail(ps, PDS_LDR_E_POL_DUPLICATE, f->col,
					    "%.*s is listed twice", (int)f->len, f->p);
		g->members[i].is_group = grp;
		g->members[i].index = (unsigned)idx;
		g->member_count++;
	}
	return 0;
}

static int line_quorum(struct parser *ps)
{
	int err = want_fields(ps, 2, 2);

	if (!err)
		err = once(ps, &ps->seen_quorum);
	if (err)
		return err;
	ps->quorum_field = ps->f[1];
	ps->quorum_line = ps->line;
	return 0;
}

/* ------------------------------------------------------------------ the formula */

struct fparser {
	struct parser *ps;
	const char *s;
	size_t len, pos;
	unsigned col0; /* column of s[0] */
	unsigned depth;
	struct pds_pol_formula *f;
};

static void skip_spaces(struct fparser *fp)
{
	while (fp->pos < fp->len && fp->s[fp->pos] == ' ')
		fp->pos++;
}

static unsigned fcol(const struct fparser *fp)
{
	return fp->col0 + (unsigned)fp->pos;
}

static int new_node(struct fparser *fp, enum pds_pol_op op, unsigned *out)
{
	struct pds_pol_formula *f = fp->f;
	struct pds_pol_node *n;

	if (f->count == PDS_POL_MAX_FORMULA_NODES)
		return fail(fp->ps, PDS_LDR_E_POL_LIMIT, fcol(fp), "formula has more than %u terms",
			    PDS_POL_MAX_FORMULA_NODES);
	n = &f->nodes[f->count];
	memset(n, 0, sizeof(*n));
	n->op = op;
	*out = (unsigned)f->count++;
	return 0;
}

static int fexpr(struct fparser *fp, unsigned *out);

static int is_name_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '.' || c == '_' || c == '-';
}

static int fprimary(struct fparser *fp, unsigned *out)
{
	struct parser *ps = fp->ps;
	size_t start, n;
	int err;

	skip_spaces(fp);
	if (fp->pos == fp->len)
		return fail(ps, PDS_LDR_E_POL_FORMULA, fcol(fp), "the formula ends early");
	if (fp->s[fp->pos] == '(') {
		fp->pos++;
		err = fexpr(fp, out);
		if (err)
			return err;
		skip_spaces(fp);
		if (fp->pos == fp->len || fp->s[fp->pos] != ')')
			return fail(ps, PDS_LDR_E_POL_FORMULA, fcol(fp), "expected ')'");
		fp->pos++;
		return 0;
	}
	start = fp->pos;
	while (fp->pos < fp->len && is_name_char(fp->s[fp->pos]))
		fp->pos++;
	n = fp->pos - start;
	if (!n)
		return fail(ps, PDS_LDR_E_POL_FORMULA, fcol(fp),
			    "expected a verifier name, '(', '!' or \"K of (\"");
	/* K of ( e, e, ... ) */
	if (fp->s[start] >= '0' && fp->s[start] <= '9') {
		size_t save = fp->pos;
		int digits = 1;

		for (size_t i = start; i < start + n; i++)
			digits &= fp->s[i] >= '0' && fp->s[i] <= '9';
		skip_spaces(fp);
		if (digits && fp->len - fp->pos >= 2 && !memcmp(fp->s + fp->pos, "of", 2) &&
		    (fp->pos + 2 == fp->len || !is_name_char(fp->s[fp->pos + 2]))) {
			unsigned kcol = fp->col0 + (unsigned)start, node,
				 kids[PDS_POL_MAX_FORMULA_NODES];
			size_t nk = 0;
			uint64_t k;

			fp->pos += 2;
			skip_spaces(fp);
			if (fp->pos == fp->len || fp->s[fp->pos] != '(')
				return fail(ps, PDS_LDR_E_POL_FORMULA, fcol(fp),
					    "expected '(' after \"of\"");
			fp->pos++;
			for (;;) {
				unsigned kid;

				err = fexpr(fp, &kid);
				if (err)
					return err;
				if (nk == PDS_POL_MAX_FORMULA_NODES)
					return fail(ps, PDS_LDR_E_POL_LIMIT, fcol(fp),
						    "too many terms");
				kids[nk++] = kid;
				skip_spaces(fp);
				if (fp->pos < fp->len && fp->s[fp->pos] == ',') {
					fp->pos++;
					continue;
				}
				if (fp->pos < fp->len && fp->s[fp->pos] == ')') {
					fp->pos++;
					break;
				}
				return fail(ps, PDS_LDR_E_POL_FORMULA, fcol(fp),
					    "expected ',' or ')'");
			}
			if (parse_u63(fp->s + start, n, &k) || k > nk)
				return fail(ps, PDS_LDR_E_POL_THRESHOLD, kcol,
					    "K of (…) needs K from 1 to the %zu terms listed", nk);
			err = new_node(fp, PDS_POL_KOF, &node);
			if (err)
				return err;
			fp->f->nodes[node].k = (unsigned)k;
			fp->f->nodes[node].kids = malloc(nk * sizeof(unsigned));
			if (!fp->f->nodes[node].kids)
				return fail(ps, PDS_LDR_E_NOMEM, kcol, "out of memory");
			memcpy(fp->f->nodes[node].kids, kids, nk * sizeof(unsigned));
			fp->f->nodes[node].nkids = nk;
			*out = node;
			return 0;
		}
		fp->pos = save;
	}
	for (size_t i = 0; i < ps->p->verifier_count; i++) {
		const char *name = ps->p->verifiers[i].name;

		if (strlen(name) == n && !memcmp(name, fp->s + start, n)) {
			err = new_node(fp, PDS_POL_VAR, out);
			if (!err)
				fp->f->nodes[*out].var = (unsigned)i;
			return err;
		}
	}
	return fail(ps, PDS_LDR_E_POL_UNDEFINED, fp->col0 + (unsigned)start,
		    "%.*s is not a verifier defined above", (int)n, fp->s + start);
}

static int funary(struct fparser *fp, unsigned *out)
{
	unsigned node, kid;
	int err;

	skip_spaces(fp);
	if (fp->pos < fp->len && fp->s[fp->pos] == '!') {
		fp->pos++;
		if (++fp->depth > MAX_FORMULA_DEPTH)
			return fail(fp->ps, PDS_LDR_E_POL_LIMIT, fcol(fp),
				    "formula nests too deep");
		err = funary(fp, &kid);
		fp->depth--;
		if (!err)
			err = new_node(fp, PDS_POL_NOT, &node);
		if (err)
			return err;
		fp->f->nodes[node].a = kid;
		*out = node;
		return 0;
	}
	return fprimary(fp, out);
}

static int fbinary(struct fparser *fp, char op, unsigned *out)
{
	unsigned left, right, node;
	int err = op == '|' ? fbinary(fp, '&', &left) : funary(fp, &left);

	while (!err) {
		skip_spaces(fp);
		if (fp->pos == fp->len || fp->s[fp->pos] != op)
			break;
		fp->pos++;
		err = op == '|' ? fbinary(fp, '&', &right) : funary(fp, &right);
		if (!err)
			err = new_node(fp, op == '|' ? PDS_POL_OR : PDS_POL_AND, &node);
		if (!err) {
			fp->f->nodes[node].a = left;
			fp->f->nodes[node].b = right;
			left = node;
		}
	}
	*out = left;
	return err;
}

static int fexpr(struct fparser *fp, unsigned *out)
{
	int err;

	if (++fp->depth > MAX_FORMULA_DEPTH)
		return fail(fp->ps, PDS_LDR_E_POL_LIMIT, fcol(fp), "formula nests too deep");
	err = fbinary(fp, '|', out);
	fp->depth--;
	return err;
}

static int line_require(struct parser *ps, const char *line, size_t len)
{
	struct pds_pol_formula *f = &ps->p->formula;
	struct fparser fp = {.ps = ps, .f = f};
	int err = ps->nf < 2 ? fail(ps, PDS_LDR_E_POL_FORMULA, 1, "require needs a formula") : 0;

	if (!err)
		err = once(ps, &ps->seen_require);
	if (err)
		return err;
	fp.s = ps->f[1].p;
	fp.len = len - (size_t)(ps->f[1].p - line);
	while (fp.len && fp.s[fp.len - 1] == ' ')
		fp.len--;
	fp.col0 = ps->f[1].col;
	f->nodes = calloc(PDS_POL_MAX_FORMULA_NODES, sizeof(*f->nodes));
	f->text = strndup(fp.s, fp.len);
	if (!f->nodes || !f->text)
		return fail(ps, PDS_LDR_E_NOMEM, 1, "out of memory");
	err = fexpr(&fp, &f->root);
	if (!err) {
		skip_spaces(&fp);
		if (fp.pos != fp.len)
			err = fail(ps, PDS_LDR_E_POL_FORMULA, fcol(&fp),
				   "unexpected '%c' after the formula", fp.s[fp.pos]);
	}
	return err;
}

static int eval_node(const struct pds_pol_formula *f, unsigned i, const unsigned char *signed_by)
{
	const struct pds_pol_node *n = &f->nodes[i];
	unsigned count = 0;

	switch (n->op) {
	case PDS_POL_VAR:
		return signed_by[n->var] != 0;
	case PDS_POL_NOT:
		return !eval_node(f, n->a, signed_by);
	case PDS_POL_AND:
		return eval_node(f, n->a, signed_by) && eval_node(f, n->b, signed_by);
	case PDS_POL_OR:
		return eval_node(f, n->a, signed_by) || eval_node(f, n->b, signed_by);
	case PDS_POL_KOF:
		for (size_t k = 0; k < n->nkids; k++)
			count += (unsigned)eval_node(f, n->kids[k], signed_by);
		return count >= n->k;
	}
	return 0;
}

int pds_pol_formula_eval(const struct pds_pol_formula *f, const unsigned char *signed_by)
{
	if (!f || !f->nodes || !f->count)
		return 0;
	return eval_node(f, f->root, signed_by);
}

static int group_ok(const struct pds_ldr_policy *p, unsigned g, const unsigned char *cosigned)
{
	const struct pds_pol_group *gr = &p->groups[g];
	unsigned count = 0;

	for (size_t i = 0; i < gr->member_count; i++) {
		const struct pds_pol_member *m = &gr->members[i];

		/* Members are earlier groups: the recursion ends. */
		count += m->is_group ? (unsigned)group_ok(p, m->index, cosigned)
				     : (unsigned)(cosigned[m->index] != 0);
	}
	return count >= gr->k;
}

int pds_pol_quorum_eval(const struct pds_ldr_policy *p, const unsigned char *cosigned)
{
	switch (p->quorum_kind) {
	case PDS_POL_QUORUM_NONE:
		return 1;
	case PDS_POL_QUORUM_WITNESS:
		return cosigned[p->quorum_index] != 0;
	case PDS_POL_QUORUM_GROUP:
		return group_ok(p, p->quorum_index, cosigned);
	}
	return 0;
}

/* ------------------------------------------------------------------ rules */

static int line_rule(struct parser *ps)
{
	static const uint64_t size_scale[] = {1024, 1024 * 1024};
	static const uint64_t time_scale[] = {1, 60, 3600, 86400};
	static const char *const keywords[] = {
		"max-bound",	      "max-checkpoint-age", "max-manifest-size", "max-object-size",
		"accept-termination", "accept-effects",	    "accept-memory",	 "state",
		"packagers"};
	struct pds_policy_rules *r = &ps->p->rules;
	const struct field *k = &ps->f[0], *v = &ps->f[1];
	int err = 0, known = 0;

	for (size_t i = 0; i < sizeof(keywords) / sizeof(keywords[0]); i++)
		known |= is(k, keywords[i]);
	if (!known)
		return fail(ps, PDS_LDR_E_POL_KEYWORD, 1, "unknown keyword %.*s", (int)k->len,
			    k->p);
	err = want_fields(ps, 2, 2);
	if (err)
		return err;
	if (is(k, "max-bound")) {
		err = once(ps, &ps->seen_bound);
		if (!err)
			err = scaled(ps, v, "", NULL, 0, &r->max_bound);
		r->has_max_bound = 1;
	} else if (is(k, "max-checkpoint-age")) {
		err = once(ps, &ps->seen_age);
		if (!err)
			err = scaled(ps, v, "smhd", time_scale, 1, &r->max_age);
		r->has_max_age = 1;
	} else if (is(k, "max-manifest-size")) {
		err = once(ps, &ps->seen_manifest);
		if (!err)
			err = scaled(ps, v, "kM", size_scale, 0, &r->manifest_max);
	} else if (is(k, "max-object-size")) {
		err = once(ps, &ps->seen_object);
		if (!err)
			err = scaled(ps, v, "kM", size_scale, 0, &r->object_max);
	} else if (is(k, "accept-termination")) {
		err = once(ps, &ps->seen_term);
		if (!err)
			err = parse_verdicts(ps, v, 1, &r->termination);
	} else if (is(k, "accept-effects")) {
		err = once(ps, &ps->seen_eff);
		if (!err)
			err = parse_verdicts(ps, v, 0, &r->effects);
	} else if (is(k, "accept-memory")) {
		err = once(ps, &ps->seen_mem);
		if (!err)
			err = parse_verdicts(ps, v, 0, &r->memory);
	} else if (is(k, "state")) {
		err = once(ps, &ps->seen_state);
		if (!err && (v->p[0] != '/' || v->len >= PDS_LDR_FILE_MAX - 80))
			err = fail(ps, PDS_LDR_E_POL_VALUE, v->col,
				   "the state folder must be an absolute path");
		if (!err && !(ps->p->state_dir = strndup(v->p, v->len)))
			err = fail(ps, PDS_LDR_E_NOMEM, 1, "out of memory");
	} else if (is(k, "packagers")) {
		err = once(ps, &ps->seen_packagers);
		ps->packagers_text = v->p;
		ps->packagers_len = v->len;
		ps->packagers_col = v->col;
	} else {
		err = fail(ps, PDS_LDR_E_POL_KEYWORD, 1, "unknown keyword %.*s", (int)k->len, k->p);
	}
	return err;
}

static int parse_line(struct parser *ps, const char *line, size_t len)
{
	struct pds_ldr_policy *p = ps->p;
	const struct field *k;
	int err;

	if (!len || line[0] == '#')
		return 0;
	err = split(ps, line, len);
	if (err || !ps->nf)
		return err;
	k = &ps->f[0];
	if (k->col != 1)
		return fail(ps, PDS_LDR_E_POL_SYNTAX, 1, "a line starts with its keyword");
	if (is(k, "log"))
		return line_log(ps);
	if (is(k, "witness"))
		return line_named(ps, p->witnesses, &p->witness_count, PDS_POL_MAX_WITNESSES,
				  PDS_NOTE_COSIGNATURE, 1, 4);
	if (is(k, "group"))
		return line_group(ps);
	if (is(k, "quorum"))
		return line_quorum(ps);
	if (is(k, "verifier"))
		return line_named(ps, p->verifiers, &p->verifier_count, PDS_POL_MAX_VERIFIERS,
				  PDS_NOTE_ED25519, 0, 3);
	if (is(k, "packager"))
		return line_named(ps, p->packagers, &p->packager_count, PDS_POL_MAX_PACKAGERS,
				  PDS_NOTE_ED25519, 0, 3);
	if (is(k, "require"))
		return line_require(ps, line, len);
	return line_rule(ps);
}

/* Checks that follow the whole file: required lines, the quorum, packagers. */
static int finish(struct parser *ps)
{
	struct pds_ldr_policy *p = ps->p;
	int grp, idx;

	ps->line = 0;
	if (!p->log_count)
		return fail(ps, PDS_LDR_E_POL_MISSING, 0, "no log line: no log is trusted");
	if (!p->verifier_count)
		return fail(ps, PDS_LDR_E_POL_MISSING, 0, "no verifier line");
	if (!ps->seen_require)
		return fail(ps, PDS_LDR_E_POL_MISSING, 0, "no require line (the verifier formula)");
	if (ps->seen_quorum) {
		ps->line = ps->quorum_line;
		if (is(&ps->quorum_field, "none")) {
			p->quorum_kind = PDS_POL_QUORUM_NONE;
		} else {
			idx = find_member(p, &ps->quorum_field, &grp);
			if (idx < 0)
				return fail(ps, PDS_LDR_E_POL_UNDEFINED, ps->quorum_field.col,
					    "%.*s is not a witness or group",
					    (int)ps->quorum_field.len, ps->quorum_field.p);
			p->quorum_kind = grp ? PDS_POL_QUORUM_GROUP : PDS_POL_QUORUM_WITNESS;
			p->quorum_index = (unsigned)idx;
		}
	} else if (p->witness_count || p->group_count) {
		return fail(ps, PDS_LDR_E_POL_MISSING, 0,
			    "witnesses are listed but no quorum line says how many must cosign");
	}
	p->rules.packager_k = (unsigned)p->packager_count;
	if (ps->seen_packagers) {
		struct field f = {ps->packagers_text, ps->packagers_len, ps->packagers_col};

		ps->line = ps->seen_packagers;
		if (!p->packager_count)
			return fail(ps, PDS_LDR_E_POL_THRESHOLD, f.col,
				    "packagers needs packager lines");
		return parse_threshold(ps, &f, p->packager_count, &p->rules.packager_k);
	}
	return 0;
}

/* ------------------------------------------------------------------ entry points */

PDS_API void pds_ldr_policy_free(struct pds_ldr_policy *p)
{
	if (!p)
		return;
	for (size_t i = 0; i < p->log_count; i++)
		free(p->logs[i].url);
	for (size_t i = 0; i < p->witness_count; i++)
		free(p->witnesses[i].url);
	for (size_t i = 0; i < p->group_count; i++)
		free(p->groups[i].members);
	if (p->formula.nodes)
		for (size_t i = 0; i < p->formula.count; i++)
			free(p->formula.nodes[i].kids);
	free(p->formula.nodes);
	free(p->formula.text);
	free(p->state_dir);
	free(p->file);
	pds_ldr_cache_free(p->cache);
	free(p);
}

static int check_encoding(struct parser *ps, const char *buf, size_t len)
{
	unsigned line = 1, col = 1;

	if (len > PDS_LDR_POLICY_MAX)
		return pds_ldr_fail(ps->res, PDS_LDR_E_POL_LIMIT, ps->file, 0, 0,
				    "policy is larger than %u bytes", PDS_LDR_POLICY_MAX);
	for (size_t i = 0; i < len; i++, col++) {
		unsigned char c = (unsigned char)buf[i];

		if (c == '\n') {
			line++;
			col = 0;
		} else if (c < 0x20 || c > 0x7e) {
			return pds_ldr_fail(ps->res, PDS_LDR_E_POL_ENCODING, ps->file, line, col,
					    "byte 0x%02x: a policy is printable ASCII lines", c);
		}
	}
	if (len && buf[len - 1] != '\n')
		return pds_ldr_fail(ps->res, PDS_LDR_E_POL_ENCODING, ps->file, line, 0,
				    "the last line does not end in a newline");
	return 0;
}

PDS_API int pds_ldr_policy_parse(const char *buf, size_t len, const char *file,
				 struct pds_ldr_policy **out, struct pds_ldr_result *res)
{
	struct parser *ps;
	const char *p, *end;
	int err;

	if (!res)
		return PDS_LDR_E_INVAL;
	memset(res, 0, sizeof(*res));
	if (!out || (!buf && len))
		return pds_ldr_fail(res, PDS_LDR_E_INVAL, file, 0, 0, "invalid argument");
	*out = NULL;
	if (!file)
		file = "<policy>";
	ps = calloc(1, sizeof(*ps));
	if (!ps)
		return pds_ldr_fail(res, PDS_LDR_E_NOMEM, file, 0, 0, "out of memory");
	ps->res = res;
	ps->file = file;
	ps->p = calloc(1, sizeof(*ps->p));
	err = ps->p ? check_encoding(ps, buf, len)
		    : pds_ldr_fail(res, PDS_LDR_E_NOMEM, file, 0, 0, "out of memory");
	if (!err) {
		struct pds_policy_rules *r = &ps->p->rules;

		r->termination = 1u << PDS_ATT_PROVEN;
		r->effects = 1u << PDS_ATT_PROVEN;
		r->memory = 1u << PDS_ATT_PROVEN | 1u << PDS_ATT_UNKNOWN;
		r->manifest_max = PDS_POL_DEFAULT_MANIFEST_MAX;
		r->object_max = PDS_POL_DEFAULT_OBJECT_MAX;
		if (!(ps->p->file = strdup(file)))
			err = pds_ldr_fail(res, PDS_LDR_E_NOMEM, file, 0, 0, "out of memory");
	}
	for (p = buf, end = buf + len; !err && p < end; p++) {
		const char *nl = memchr(p, '\n', (size_t)(end - p)); /* checked: last byte */

		ps->line++;
		err = parse_line(ps, p, (size_t)(nl - p));
		p = nl;
	}
	if (!err)
		err = finish(ps);
	if (err)
		pds_ldr_policy_free(ps->p);
	else
		*out = ps->p;
	free(ps);
	return err;
}

PDS_API int pds_ldr_policy_load(const char *path, struct pds_ldr_policy **out,
				struct pds_ldr_result *res)
{
	struct stat sb;
	char *buf = NULL;
	ssize_t n = 0;
	int fd, err;

	if (!res)
		return PDS_LDR_E_INVAL;
	memset(res, 0, sizeof(*res));
	if (!path || !out)
		return pds_ldr_fail(res, PDS_LDR_E_INVAL, path, 0, 0, "invalid argument");
	*out = NULL;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return pds_ldr_fail(res, PDS_LDR_E_IO, path, 0, 0, "cannot open the policy: %s",
				    strerror(errno));
	if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode)) {
		close(fd);
		return pds_ldr_fail(res, PDS_LDR_E_IO, path, 0, 0,
				    "the policy is not a regular file");
	}
	if (sb.st_size > PDS_LDR_POLICY_MAX) {
		close(fd);
		return pds_ldr_fail(res, PDS_LDR_E_POL_LIMIT, path, 0, 0,
				    "policy is larger than %u bytes", PDS_LDR_POLICY_MAX);
	}
	buf = malloc((size_t)sb.st_size + 1);
	/* read() may return less than asked (signals, some file systems): loop. */
	while (buf && n < sb.st_size) {
		ssize_t got = read(fd, buf + n, (size_t)(sb.st_size - n));

		if (got < 0 && errno == EINTR)
			continue;
		if (got <= 0)
			break;
		n += got;
	}
	close(fd);
	if (!buf || n != sb.st_size) {
		free(buf);
		return pds_ldr_fail(res, buf ? PDS_LDR_E_IO : PDS_LDR_E_NOMEM, path, 0, 0,
				    "cannot read the policy");
	}
	err = pds_ldr_policy_parse(buf, (size_t)n, path, out, res);
	free(buf);
	return err;
}
