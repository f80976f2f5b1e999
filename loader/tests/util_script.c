// SPDX-License-Identifier: MIT
/* The scripted host of the loader tests: scenarios, see util.h. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "loader/tests/util.h"

#define MAX_ITEMS 64
#define MAX_VALS 16
#define MAX_ARGS 4

struct val {
	uint64_t v;
	uint64_t times; /* 0: the last value, repeated forever */
};

struct rule {
	char name[48];
	int nargs;
	uint64_t args[MAX_ARGS];
	struct val vals[MAX_VALS];
	int nvals;
	uint64_t calls; /* calls answered in this run */
};

struct hlist {
	char name[48];
	uint64_t key, len;
	int cyclic; /* the last object links back to the first */
};

struct poke {
	unsigned width; /* bytes; 0 for a plugin-owned list */
	int cyclic;
	uint64_t off, v;
};

struct pds_t_scen {
	struct rule rules[MAX_ITEMS];
	int nrules;
	struct hlist lists[8];
	int nlists;
	struct poke pokes[MAX_ITEMS];
	int npokes;
	struct pds_t_call calls[PDS_T_MAX_CALLS];
	size_t ncalls;
};

/* ------------------------------------------------------------------ parsing */

static int fail(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return -1;
}

static int parse_num(const char **p, uint64_t *v)
{
	char *end;

	if (!strncmp(*p, "arena", 5)) {
		*p += 5;
		*v = PDS_LDR_VM_ARENA_BASE;
		if (**p == '+') {
			(*p)++;
			*v += strtoull(*p, &end, 0);
			if (end == *p)
				return -1;
			*p = end;
		}
		return 0;
	}
	if (**p == '-') {
		*v = (uint64_t)strtoll(*p, &end, 0);
	} else {
		if (**p < '0' || **p > '9')
			return -1;
		*v = strtoull(*p, &end, 0);
	}
	if (end == *p)
		return -1;
	*p = end;
	return 0;
}

static int parse_name(const char **p, char *name, size_t size)
{
	size_t n = 0;

	while (**p && (**p == '_' || (**p >= 'a' && **p <= 'z') || (**p >= 'A' && **p <= 'Z') ||
		       (**p >= '0' && **p <= '9'))) {
		if (n + 1 >= size)
			return -1;
		name[n++] = *(*p)++;
	}
	name[n] = 0;
	return n ? 0 : -1;
}

static int parse_vals(const char *p, struct rule *r)
{
	for (;;) {
		struct val *v;

		if (r->nvals == MAX_VALS || parse_num(&p, &r->vals[r->nvals].v))
			return -1;
		v = &r->vals[r->nvals++];
		v->times = 1;
		if (*p == '*') {
			p++;
			v->times = strtoull(p, (char **)&p, 0);
		}
		if (!*p)
			break;
		if (*p++ != ',')
			return -1;
	}
	r->vals[r->nvals - 1].times = 0;
	return 0;
}

static int parse_rule(struct pds_t_scen *s, const char *p)
{
	struct rule *r = &s->rules[s->nrules];

	if (s->nrules == MAX_ITEMS || parse_name(&p, r->name, sizeof(r->name)))
		return -1;
	r->nargs = -1;
	if (*p == '(') {
		p++;
		r->nargs = 0;
		while (*p != ')') {
			if (r->nargs == MAX_ARGS || parse_num(&p, &r->args[r->nargs++]))
				return -1;
			if (*p == ',')
				p++;
			else if (*p != ')')
				return -1;
		}
		p++;
	}
	if (*p++ != '=' || parse_vals(p, r))
		return -1;
	s->nrules++;
	return 0;
}

static int parse_list(struct pds_t_scen *s, const char *p)
{
	struct hlist *l = &s->lists[s->nlists];

	l->cyclic = *p == 'c';
	p += l->cyclic ? 6 : 5; /* "list(" or "clist(" */
	if (s->nlists == 8 || parse_name(&p, l->name, sizeof(l->name)) || *p++ != ',' ||
	    parse_num(&p, &l->key) || *p++ != ')' || *p++ != '=' || parse_num(&p, &l->len) || *p)
		return -1;
	s->nlists++;
	return 0;
}

static int parse_poke(struct pds_t_scen *s, const char *p)
{
	static const struct {
		const char *pre;
		unsigned width;
		int cyclic;
	} kinds[] = {{"u8@", 1, 0},  {"u16@", 2, 0},   {"u32@", 4, 0},
		     {"u64@", 8, 0}, {"plist@", 0, 0}, {"pcycle@", 0, 1}};
	struct poke *k = &s->pokes[s->npokes];

	if (s->npokes == MAX_ITEMS)
		return -1;
	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
		size_t n = strlen(kinds[i].pre);

		if (strncmp(p, kinds[i].pre, n))
			continue;
		p += n;
		k->width = kinds[i].width;
		k->cyclic = kinds[i].cyclic;
		if (parse_num(&p, &k->off) || *p++ != '=' || parse_num(&p, &k->v) || *p)
			return -1;
		if (k->off + (k->width ? k->width : 16 * k->v) > PDS_T_BLOCK_SIZE)
			return -1;
		s->npokes++;
		return 0;
	}
	return 1;
}

struct pds_t_scen *pds_t_scen_parse(const char *text, char *err, size_t errlen)
{
	struct pds_t_scen *s = calloc(1, sizeof(*s));
	char item[256];
	const char *p = text;

	if (!s) {
		fail(err, errlen, "out of memory");
		return NULL;
	}
	while (*p) {
		size_t n = strcspn(p, " \t\r\n");
		int rc;

		if (!n) {
			p++;
			continue;
		}
		if (n >= sizeof(item))
			goto bad;
		memcpy(item, p, n);
		item[n] = 0;
		p += n;
		if (!strncmp(item, "list(", 5) || !strncmp(item, "clist(", 6))
			rc = parse_list(s, item);
		else if ((rc = parse_poke(s, item)) > 0)
			rc = parse_rule(s, item);
		if (rc)
			goto bad;
	}
	return s;
bad:
	fail(err, errlen, "malformed scenario item '%s'", item);
	free(s);
	return NULL;
}

void pds_t_scen_free(struct pds_t_scen *s)
{
	free(s);
}

size_t pds_t_scen_calls(const struct pds_t_scen *s, const struct pds_t_call **calls)
{
	*calls = s->calls;
	return s->ncalls;
}

/* ------------------------------------------------------------------ the host */

static int rule_matches(const struct rule *r, const struct pds_ldr_helper_call *c)
{
	if (!c->name || strcmp(r->name, c->name))
		return 0;
	for (int i = 0; i < r->nargs; i++)
		if (c->args[i + 1] != r->args[i])
			return 0;
	return 1;
}

static uint64_t rule_value(struct rule *r)
{
	uint64_t k = r->calls++;

	for (int i = 0; i < r->nvals; i++) {
		if (!r->vals[i].times || k < r->vals[i].times)
			return r->vals[i].v;
		k -= r->vals[i].times;
	}
	return r->vals[r->nvals - 1].v;
}

static int list_next(const struct pds_t_scen *s, const struct pds_ldr_helper_call *c, uint64_t *r0)
{
	for (int i = 0; i < s->nlists; i++) {
		const struct hlist *l = &s->lists[i];
		uint64_t h = c->args[0];

		if (!c->name || strcmp(l->name, c->name) || c->args[1] != l->key)
			continue;
		if (h < PDS_T_LIST_HEAD || h >= PDS_T_LIST_HEAD + l->len)
			continue;
		*r0 = h + 1 < PDS_T_LIST_HEAD + l->len ? h + 1 : l->cyclic ? PDS_T_LIST_HEAD : 0;
		return 1;
	}
	return 0;
}

static int copy_in_vm(struct pds_ldr_vm *vm, uint64_t dst, uint64_t src, uint64_t n)
{
	uint8_t buf[256];
	int err;

	while (n) {
		size_t k = n < sizeof(buf) ? n : sizeof(buf);

		err = pds_ldr_vm_read(vm, src, buf, k);
		if (!err)
			err = pds_ldr_vm_write(vm, dst, buf, k);
		if (err)
			return err;
		src += k;
		dst += k;
		n -= k;
	}
	return 0;
}

static int fill_in_vm(struct pds_ldr_vm *vm, uint64_t dst, int c, uint64_t n)
{
	uint8_t buf[256];
	int err;

	memset(buf, c, sizeof(buf));
	while (n) {
		size_t k = n < sizeof(buf) ? n : sizeof(buf);

		err = pds_ldr_vm_write(vm, dst, buf, k);
		if (err)
			return err;
		dst += k;
		n -= k;
	}
	return 0;
}

/* The built-in behaviour of helpers no scenario item names. */
static int builtin(struct pds_ldr_vm *vm, const struct pds_ldr_helper_call *c, uint64_t *r0)
{
	const char *n = c->name ? c->name : "";
	const uint64_t *a = c->args;
	size_t len;
	int err;

	*r0 = 0;
	if (!strcmp(n, "my_malloc")) {
		/* An exhausted arena is a NULL result, as my_malloc reports it. */
		err = pds_ldr_vm_alloc(vm, (uint32_t)a[1], r0);
		if (err == PDS_LDR_E_VM_ARENA_FULL) {
			*r0 = 0;
			err = 0;
		}
		return err;
	}
	if (!strcmp(n, "my_free"))
		return pds_ldr_vm_release(vm, a[1]);
	if (!strcmp(n, "my_realloc"))
		return pds_ldr_vm_realloc(vm, a[1], (uint32_t)a[2], r0);
	if (!strcmp(n, "my_memcpy") || !strcmp(n, "my_memset")) {
		err = !strcmp(n, "my_memcpy") ? copy_in_vm(vm, a[0], a[1], a[2])
					      : fill_in_vm(vm, a[0], (int)a[1], a[2]);
		*r0 = a[0];
		return err;
	}
	if (!strcmp(n, "strlen")) {
		err = pds_ldr_vm_strnlen(vm, a[0], 1u << 16, &len);
		*r0 = len;
		return err;
	}
	return 0;
}

static int host(void *ctx, struct pds_ldr_vm *vm, const struct pds_ldr_helper_call *c, uint64_t *r0)
{
	struct pds_t_scen *s = ctx;
	int err = 0, i;

	if (!list_next(s, c, r0)) {
		for (i = 0; i < s->nrules; i++)
			if (rule_matches(&s->rules[i], c))
				break;
		if (i < s->nrules)
			*r0 = rule_value(&s->rules[i]);
		else
			err = builtin(vm, c, r0);
	}
	if (s->ncalls < PDS_T_MAX_CALLS) {
		struct pds_t_call *rec = &s->calls[s->ncalls++];

		snprintf(rec->name, sizeof(rec->name), "%s", c->name ? c->name : "?");
		rec->id = c->id;
		memcpy(rec->args, c->args, sizeof(rec->args));
		rec->ret = *r0;
	}
	return err;
}

static int setup_block(struct pds_ldr_vm *vm, const struct pds_t_scen *s)
{
	uint8_t b[8];
	uint64_t base;
	int err = pds_ldr_vm_alloc(vm, PDS_T_BLOCK_SIZE, &base);

	for (int i = 0; !err && i < s->npokes; i++) {
		const struct poke *k = &s->pokes[i];

		for (uint64_t j = 0; !err && !k->width && j < k->v; j++) {
			uint64_t node = base + k->off + 16 * j;
			uint64_t next = j + 1 < k->v ? node + 16 : k->cyclic ? base + k->off : 0;

			for (unsigned x = 0; x < 8; x++)
				b[x] = (uint8_t)(next >> (8 * x));
			err = pds_ldr_vm_write(vm, node, b, 8);
		}
		for (unsigned x = 0; x < k->width; x++)
			b[x] = (uint8_t)(k->v >> (8 * x));
		if (!err && k->width)
			err = pds_ldr_vm_write(vm, base + k->off, b, k->width);
	}
	return err;
}

int pds_t_scen_run(const struct pds_chk_prog *prog, enum pds_chk_profile profile,
		   struct pds_t_scen *s, uint64_t budget, struct pds_ldr_run *run)
{
	struct pds_ldr_vm_opts o = {.sz = sizeof(o), .helper = host, .helper_ctx = s};
	struct pds_ldr_vm *vm = NULL;
	int err;

	s->ncalls = 0;
	for (int i = 0; i < s->nrules; i++)
		s->rules[i].calls = 0;
	err = pds_ldr_vm_new(prog, profile, &o, &vm);
	if (!err)
		err = setup_block(vm, s);
	if (!err)
		err = pds_ldr_vm_run(
			vm, profile == PDS_CHK_PROFILE_PQUIC ? PDS_T_CNX : PDS_LDR_VM_ARENA_BASE,
			budget, run);
	pds_ldr_vm_free(vm);
	return err;
}

/* ------------------------------------------------------------------ test programs */

char *pds_t_obj_path(const char *name)
{
	const char *dir = getenv("PDS_TEST_BPF_DIR");
	char *path;

	if (strchr(name, '.'))
		return strdup(name);
	if (asprintf(&path, "%s/bpf/tests/progs/%s.o", dir ? dir : "build/bpf", name) < 0)
		return NULL;
	return path;
}

static void print_diag(void *ctx, const struct pds_chk_diag *d)
{
	char buf[512];

	(void)ctx;
	pds_chk_diag_format(d, buf, sizeof(buf));
	fprintf(stderr, "%s\n", buf);
}

struct pds_chk_obj *pds_t_open(const char *name, enum pds_chk_profile profile)
{
	struct pds_chk_open_opts o = {.sz = sizeof(o), .profile = profile, .diag = {print_diag}};
	struct pds_chk_obj *obj = NULL;
	char *path = pds_t_obj_path(name);
	int err;

	if (!path)
		return NULL;
	err = pds_chk_obj_open(path, &o, &obj);
	if (err)
		fprintf(stderr, "%s: %s\n", path, pds_chk_strerror(err));
	free(path);
	return obj;
}
