// SPDX-License-Identifier: MIT
/*
 * Side effects of a PQUIC pluglet against its protoop's spec (pquic-abi.md §3-5).
 *
 * A pluglet reaches host state only through helpers.  Every reachable
 * instruction is visited with the abstract state the interpreter computed for it
 * (kinds and provenance of pointers), so a write on any path counts:
 * - setters need a constant key, and the (setter, key, object) triple must be
 *   one the spec allows; the object is named by provenance: the connection in
 *   r1, or the object passed as protoop input N.  Declared outputs may always be
 *   written through AK_CNX_OUTPUT;
 * - helpers that write through a pointer (my_memcpy, my_memset, snprintf, …)
 *   need a destination proven to lie in the stack or in plugin memory with the
 *   length in bounds;
 * - direct stores may only go to the stack or plugin memory;
 * - plugin_run_protoop needs a constant protoop name the spec allows, and the
 *   caller takes on that protoop's spec'd writes;
 * - helpers that change state or do I/O need the spec's allow-helper.
 * What cannot be decided is reported as undecided ("unknown"), never as allowed.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <pds/effects.h>

#include "bpf/analysis_int.h"

enum hclass {
	H_UNKNOWN = 0,
	H_READ,	     /* reads host state only */
	H_SETTER,    /* set_<object> */
	H_META,	     /* per-plugin slots kept by the host */
	H_MEMORY,    /* plugin memory management */
	H_WRITE_PTR, /* writes through a pointer argument */
	H_PROTOOP,   /* plugin_run_protoop */
	H_STATE,     /* changes host state: needs allow-helper */
	H_IO,	     /* I/O: needs allow-helper */
};

struct helper_rule {
	const char *name;
	enum hclass cls;
	int8_t dst, len; /* H_WRITE_PTR: argument registers of destination and length */
	int16_t fixed;	 /* bytes written when the length is fixed (len < 0) */
};

/* pquic-abi.md §4. */
static const struct helper_rule rules[] = {
	{"my_malloc", H_MEMORY, 0, 0, 0},
	{"my_free", H_MEMORY, 0, 0, 0},
	{"my_realloc", H_MEMORY, 0, 0, 0},
	{"my_memcpy", H_WRITE_PTR, 1, 3, 0},
	{"my_memset", H_WRITE_PTR, 1, 3, 0},
	{"snprintf", H_WRITE_PTR, 1, 2, 0},
	{"strncpy", H_WRITE_PTR, 1, 3, 0},
	{"picoquic_varint_encode", H_WRITE_PTR, 1, 2, 0},
	{"snprintf_bytes", H_WRITE_PTR, 1, 2, 0},
	{"inet_ntop", H_WRITE_PTR, 3, 4, 0},
	{"clock_gettime", H_WRITE_PTR, 2, -1, 16},
	{"picoquic_varint_decode", H_WRITE_PTR, 3, -1, 8},
	{"plugin_run_protoop", H_PROTOOP, 0, 0, 0},
	{"picoquic_current_time", H_READ, 0, 0, 0},
	{"picoquic_varint_skip", H_READ, 0, 0, 0},
	{"picoquic_find_stream", H_READ, 0, 0, 0},
	{"picoquic_parse_stream_header", H_READ, 0, 0, 0},
	{"queue_peek", H_READ, 0, 0, 0},
	{"strlen", H_READ, 0, 0, 0},
	{"strncmp", H_READ, 0, 0, 0},
	{"memcmp", H_READ, 0, 0, 0},
	{"my_htons", H_READ, 0, 0, 0},
	{"my_ntohs", H_READ, 0, 0, 0},
	{"get_errno", H_READ, 0, 0, 0},
	{"plugin_pluglet_exists", H_READ, 0, 0, 0},
	{"picoquic_is_sending_authorized_by_pacing", H_READ, 0, 0, 0},
	{"picoquic_has_booked_plugin_frames", H_READ, 0, 0, 0},
	{"picoquic_getaddrs", H_READ, 0, 0, 0},
	{"reserve_frames", H_STATE, 0, 0, 0},
	{"cancel_head_reservation", H_STATE, 0, 0, 0},
	{"picoquic_set_cnx_state", H_STATE, 0, 0, 0},
	{"picoquic_create_path", H_STATE, 0, 0, 0},
	{"picoquic_register_cnx_id_for_cnx", H_STATE, 0, 0, 0},
	{"picoquic_reinsert_cnx_by_wake_time", H_STATE, 0, 0, 0},
	{"picoquic_update_pacing_data", H_STATE, 0, 0, 0},
	{"picoquic_record_pn_received", H_STATE, 0, 0, 0},
	{"picoquic_decode_frames_without_current_time", H_STATE, 0, 0, 0},
	{"picoquic_frame_fair_reserve", H_STATE, 0, 0, 0},
	{"socket", H_IO, 0, 0, 0},
	{"connect", H_IO, 0, 0, 0},
	{"send", H_IO, 0, 0, 0},
	{"recv", H_IO, 0, 0, 0},
	{"bind", H_IO, 0, 0, 0},
	{"write", H_IO, 0, 0, 0},
	{"close", H_IO, 0, 0, 0},
	{"lseek", H_IO, 0, 0, 0},
	{"ftruncate", H_IO, 0, 0, 0},
	{"setsockopt", H_IO, 0, 0, 0},
	{"dprintf", H_IO, 0, 0, 0},
};

static struct helper_rule classify(const char *name)
{
	struct helper_rule r = {name, H_UNKNOWN, 0, 0, 0};

	for (size_t i = 0; i < PDS_ARRAY_SIZE(rules); i++)
		if (!strcmp(rules[i].name, name))
			return rules[i];
	if (!strncmp(name, "rbt_", 4))
		r.cls = H_STATE;
	else if (strstr(name, "_metadata") &&
		 (!strncmp(name, "get_", 4) || !strncmp(name, "set_", 4)))
		r.cls = H_META;
	else if (!strncmp(name, "get_", 4))
		r.cls = H_READ;
	else if (!strncmp(name, "set_", 4))
		r.cls = H_SETTER;
	return r;
}

struct ectx {
	const struct pds_chk_prog *prog;
	const struct pds_chk_effects_opts *opts;
	const struct pds_chk_protoop_spec *spec;
	struct pds_cfg cfg;
	struct pds_absint ai;
	struct pds_quantities quants;
	struct pds_chk_effects_report *rep;
	int err;
};

PDS_API const char *pds_chk_effects_verdict_name(enum pds_chk_effects_verdict v)
{
	static const char *const names[] = {"ok", "unknown", "violation"};

	return (unsigned)v < 3 ? names[v] : "unknown";
}

/* ------------------------------------------------------------------ recording */

static int push(void **v, size_t *n, size_t size)
{
	void *nv = realloc(*v, (*n + 1) * size);

	if (!nv)
		return PDS_CHK_E_NOMEM;
	*v = nv;
	memset((char *)nv + *n * size, 0, size);
	(*n)++;
	return 0;
}

static void add_name(struct ectx *c, char ***v, size_t *n, const char *name)
{
	for (size_t i = 0; i < *n; i++)
		if (!strcmp((*v)[i], name))
			return;
	if (!c->err)
		c->err = push((void **)v, n, sizeof(**v));
	if (!c->err && !((*v)[*n - 1] = pds_strdup(name)))
		c->err = PDS_CHK_E_NOMEM;
}

PDS_PRINTF(5, 6)
static void finding(struct ectx *c, uint32_t slot, bool violation, const char *rule,
		    const char *fmt, ...)
{
	struct pds_chk_finding *f;
	struct pds_loc loc;
	struct pds_srcloc src;
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	for (size_t i = 0; i < c->rep->nfindings; i++) /* one finding per place and rule */
		if (c->rep->findings[i].slot == slot && !strcmp(c->rep->findings[i].rule, rule))
			return;
	if (c->err || (c->err = push((void **)&c->rep->findings, &c->rep->nfindings, sizeof(*f))))
		return;
	f = &c->rep->findings[c->rep->nfindings - 1];
	f->slot = slot;
	f->violation = violation;
	f->rule = rule;
	f->message = pds_strdup(msg);
	f->has_loc = pds_chk_prog_srcloc(c->prog, slot, &f->loc) == 0;
	if (!f->message)
		c->err = PDS_CHK_E_NOMEM;
	pds_prog_loc(c->prog, slot, &loc, &src);
	if (c->opts->diag.fn)
		pds_diag_rule(&c->opts->diag, violation ? PDS_CHK_ERROR : PDS_CHK_WARNING, rule,
			      &loc, "%s", msg);
}

static void object_name(const struct pds_av *obj, char *buf, size_t size)
{
	if (obj->kind == PDS_AV_HOST && obj->prov == PDS_PROV_CNX)
		snprintf(buf, size, "cnx");
	else if (obj->prov == PDS_PROV_INPUT)
		snprintf(buf, size, "input%u", obj->prov_arg);
	else
		snprintf(buf, size, "other");
}

static void add_write(struct ectx *c, const char *setter, uint16_t key, const char *object,
		      const char *via)
{
	const struct pds_access_key *ak = pds_access_key_find(setter, key);
	struct pds_chk_write *w;
	char kname[32];

	snprintf(kname, sizeof(kname), "0x%02x", key);
	for (size_t i = 0; i < c->rep->nwrites; i++) {
		w = &c->rep->writes[i];
		if (!strcmp(w->setter, setter) && w->key_value == key && !strcmp(w->object, object))
			return;
	}
	if (c->err || (c->err = push((void **)&c->rep->writes, &c->rep->nwrites, sizeof(*w))))
		return;
	w = &c->rep->writes[c->rep->nwrites - 1];
	w->setter = pds_strdup(setter);
	w->key = pds_strdup(ak ? ak->name : kname);
	w->key_value = key;
	w->object = pds_strdup(object);
	w->via = via ? pds_strdup(via) : NULL;
	if (!w->setter || !w->key || !w->object || (via && !w->via))
		c->err = PDS_CHK_E_NOMEM;
}

/* ------------------------------------------------------------------ checks */

static const char *key_name(const char *setter, uint64_t key, char *buf, size_t size)
{
	const struct pds_access_key *ak = pds_access_key_find(setter, (uint32_t)key);

	if (ak)
		return ak->name;
	snprintf(buf, size, "key 0x%llx", (unsigned long long)key);
	return buf;
}

static bool output_declared(const struct pds_chk_protoop_spec *p, const struct pds_av *param)
{
	uint64_t n;

	if (!pds_av_is_const(param, &n))
		return false;
	for (size_t i = 0; p && i < p->noutputs; i++)
		if (p->outputs[i].index == n)
			return true;
	return false;
}

/* Whether the spec allows setter/key(/param) on the object; *other_object when it does on
 * another object.  An allow line with a param matches only that constant param. */
static bool allowed(const struct pds_chk_protoop_spec *p, const char *setter, uint64_t key,
		    const struct pds_av *param, const struct pds_av *obj, bool *other_object)
{
	uint64_t pv;
	bool param_known = param && pds_av_is_const(param, &pv);

	*other_object = false;
	for (size_t i = 0; p && i < p->nallows; i++) {
		const struct pds_chk_spec_allow *a = &p->allows[i];
		bool same;

		if (strcmp(a->setter, setter) || a->key != key)
			continue;
		if (a->has_param && (!param_known || pv != a->param))
			continue;
		if (a->object == PDS_CHK_OBJECT_CNX)
			same = obj->kind == PDS_AV_HOST && obj->prov == PDS_PROV_CNX;
		else
			same = obj->prov == PDS_PROV_INPUT && obj->prov_arg == a->input;
		if (same)
			return true;
		*other_object = true;
	}
	return false;
}

static void check_setter(struct ectx *c, uint32_t slot, const char *setter,
			 const struct pds_astate *s)
{
	const struct pds_av *obj = &s->r[1];
	uint64_t key;
	bool other;
	char oname[32], kbuf[32];
	const char *kname;

	if (!pds_av_is_const(&s->r[2], &key)) {
		finding(c, slot, true, "effects/key-not-constant",
			"%s: the access key is not a constant", setter);
		return;
	}
	kname = key_name(setter, key, kbuf, sizeof(kbuf));
	object_name(obj, oname, sizeof(oname));
	if (!c->spec) { /* no spec: the write is reported, the verdict stays unknown */
		add_write(c, setter, (uint16_t)key, oname, NULL);
		return;
	}
	if (!strcmp(setter, "set_cnx") && key == 0x01 && !strcmp(oname, "cnx")) {
		add_write(c, setter, (uint16_t)key, oname, NULL);
		if (!output_declared(c->spec, &s->r[3]))
			finding(c, slot, true, "effects/key-not-allowed",
				"set_cnx AK_CNX_OUTPUT: output %s is not one the protoop declares",
				pds_av_is_const(&s->r[3], NULL) ? "number"
								: "with a variable index");
		return;
	}
	add_write(c, setter, (uint16_t)key, oname, NULL);
	/* set_cnx and set_path take (object, key, param, value); the others no param */
	if (allowed(c->spec, setter, key,
		    !strcmp(setter, "set_cnx") || !strcmp(setter, "set_path") ? &s->r[3] : NULL,
		    obj, &other))
		return;
	if (other)
		finding(c, slot, true, "effects/wrong-object",
			"%s %s on %s: the protoop's spec allows this key only on another object",
			setter, kname, oname);
	else
		finding(c, slot, true, "effects/key-not-allowed",
			"%s %s on %s: the protoop's spec does not allow this write", setter, kname,
			oname);
}

/* Destination of a write of [len_lo, len_hi] bytes must be stack or plugin memory. */
static void check_destination(struct ectx *c, uint32_t slot, const char *what,
			      const struct pds_av *dst, uint64_t len_hi)
{
	int stack = pds_profile_rules(c->ai.profile)->stack_size;

	if (dst->kind == PDS_AV_STACK) {
		if (dst->smin >= -stack && dst->smax <= 0 && len_hi <= (uint64_t)stack &&
		    dst->smax + (int64_t)len_hi <= 0)
			return;
		/* certainly outside: a violation; an offset the analysis lost: undecided */
		finding(c, slot, dst->smin >= 0 || dst->smax < -stack,
			"effects/write-outside-plugin-memory",
			"%s: up to %llu bytes at r10%+lld..%+lld may leave the %d-byte stack", what,
			(unsigned long long)len_hi, (long long)dst->smin, (long long)dst->smax,
			stack);
		return;
	}
	if (dst->kind == PDS_AV_PLUGIN) {
		if (dst->region && dst->smin >= 0 && len_hi <= dst->region &&
		    dst->smax <= (int64_t)(dst->region - len_hi))
			return;
		finding(c, slot, false, "effects/write-outside-plugin-memory",
			"%s: cannot prove that up to %llu bytes stay inside the plugin-memory "
			"allocation",
			what, (unsigned long long)len_hi);
		return;
	}
	if (dst->kind == PDS_AV_HOST || dst->kind == PDS_AV_CTX || dst->kind == PDS_AV_CONST ||
	    dst->prov == PDS_PROV_INPUT || dst->prov == PDS_PROV_GETTER) {
		char oname[32];

		object_name(dst, oname, sizeof(oname));
		finding(c, slot, true, "effects/write-outside-plugin-memory",
			"%s writes into host memory (%s%s)", what,
			dst->prov == PDS_PROV_GETTER ? "a pointer from a getter" : "object ",
			dst->prov == PDS_PROV_GETTER ? "" : oname);
		return;
	}
	finding(c, slot, false, "effects/write-outside-plugin-memory",
		"%s: cannot tell where the destination points", what);
}

static void check_write_ptr(struct ectx *c, uint32_t slot, const struct helper_rule *h,
			    const struct pds_astate *s)
{
	uint64_t len = h->len < 0 ? (uint64_t)h->fixed : s->r[h->len].umax;

	if (h->len >= 0 && s->r[h->len].kind != PDS_AV_SCALAR)
		len = UINT64_MAX;
	check_destination(c, slot, h->name, &s->r[h->dst], len);
}

static const char *const_string(const struct ectx *c, const struct pds_av *v)
{
	const struct pds_insn_ref *r;

	if (v->kind != PDS_AV_CONST || !v->id || v->id > c->prog->nslots)
		return NULL;
	r = &c->prog->refs[v->id - 1];
	return r->kind == PDS_REF_STRING ? r->string : NULL;
}

static bool list_has(char **v, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(v[i], name) || !strcmp(v[i], "*"))
			return true;
	return false;
}

static void check_protoop_call(struct ectx *c, uint32_t slot, const struct pds_astate *s)
{
	const char *name = const_string(c, &s->r[3]);
	const struct pds_chk_protoop_spec *callee;
	bool ok = c->spec && list_has(c->spec->protoops, c->spec->nprotoops, name ? name : "*");

	if (!c->spec) {
		if (name)
			add_name(c, &c->rep->protoops, &c->rep->nprotoops, name);
		return;
	}
	if (!name) {
		if (!ok)
			finding(c, slot, true, "effects/protoop-not-constant",
				"plugin_run_protoop with a protoop name that is not a constant "
				"string");
		return;
	}
	add_name(c, &c->rep->protoops, &c->rep->nprotoops, name);
	if (!ok) {
		finding(c, slot, true, "effects/protoop-not-allowed",
			"plugin_run_protoop(\"%s\"): the protoop's spec does not allow running it",
			name);
		return;
	}
	callee = pds_chk_spec_protoop(c->opts->spec, name);
	if (!callee) {
		finding(c, slot, false, "effects/protoop-not-allowed",
			"plugin_run_protoop(\"%s\"): no spec says what that protoop writes", name);
		return;
	}
	/* the caller takes on what the callee's spec lets it write, and its own spec
	 * must allow those writes too */
	for (size_t i = 0; i < callee->nallows; i++) {
		const struct pds_chk_spec_allow *a = &callee->allows[i];
		bool cnx = a->object == PDS_CHK_OBJECT_CNX, ok_here = false;

		add_write(c, a->setter, a->key, cnx ? "cnx" : "other", name);
		for (size_t k = 0; k < c->spec->nallows; k++) {
			const struct pds_chk_spec_allow *m = &c->spec->allows[k];

			ok_here |= !strcmp(m->setter, a->setter) && m->key == a->key &&
				   (!cnx || m->object == PDS_CHK_OBJECT_CNX);
		}
		if (!ok_here)
			finding(c, slot, true, "effects/key-not-allowed",
				"plugin_run_protoop(\"%s\") may write %s %s, which this protoop's "
				"spec does not allow",
				name, a->setter, a->key_name);
	}
}

static void check_call(struct ectx *c, uint32_t slot, const struct pds_astate *s)
{
	const struct pds_insn_ref *ref = &c->prog->refs[slot];
	struct helper_rule h;

	if (ref->kind != PDS_REF_HELPER || !ref->name)
		return;
	add_name(c, &c->rep->helpers, &c->rep->nhelpers, ref->name);
	h = classify(ref->name);
	switch (h.cls) {
	case H_SETTER:
		check_setter(c, slot, ref->name, s);
		break;
	case H_WRITE_PTR:
		check_write_ptr(c, slot, &h, s);
		break;
	case H_PROTOOP:
		check_protoop_call(c, slot, s);
		break;
	case H_STATE:
	case H_IO:
		if (c->spec && !list_has(c->spec->helpers, c->spec->nhelpers, ref->name))
			finding(c, slot, true, "effects/helper-not-allowed",
				"%s %s, which the protoop's spec does not grant", ref->name,
				h.cls == H_IO ? "does I/O" : "changes host state");
		break;
	case H_UNKNOWN:
		finding(c, slot, false, "effects/unknown-helper",
			"%s is not a helper whose effects are known", ref->name);
		break;
	default:
		break;
	}
}

static void check_store(struct ectx *c, uint32_t slot, const struct pds_insn *in,
			const struct pds_astate *s)
{
	const struct pds_av *base = &s->r[in->dst];
	int size = pds_insn_size_bytes(in->code),
	    stack = pds_profile_rules(c->ai.profile)->stack_size;
	struct pds_av at = *base;

	if (base->kind == PDS_AV_PLUGIN)
		return; /* PQUIC's run-time check keeps it inside plugin memory */
	if (base->kind == PDS_AV_STACK) {
		if (!__builtin_add_overflow(at.smin, in->off, &at.smin) &&
		    !__builtin_add_overflow(at.smax, in->off, &at.smax) && at.smin >= -stack &&
		    at.smax + size <= 0)
			return;
		finding(c, slot, at.smin >= 0 || at.smax < -stack, "effects/stack-out-of-bounds",
			"%d-byte store at r10%+lld..%+lld may leave the %d-byte stack", size,
			(long long)at.smin, (long long)at.smax, stack);
		return;
	}
	if (base->kind == PDS_AV_HOST || base->kind == PDS_AV_CTX || base->kind == PDS_AV_CONST ||
	    base->prov == PDS_PROV_INPUT || base->prov == PDS_PROV_GETTER)
		finding(c, slot, true, "effects/host-store",
			"direct store into host memory (PQUIC would stop the pluglet here)");
	else
		finding(c, slot, false, "effects/host-store",
			"store through a pointer whose target is unknown");
}

static void check_uninit_load(struct ectx *c, uint32_t slot, const struct pds_insn *in,
			      const struct pds_astate *s)
{
	const struct pds_av *base = &s->r[in->src];
	int64_t off;

	if (base->kind != PDS_AV_STACK || base->smin != base->smax)
		return;
	off = base->smin + in->off;
	if ((off & 7) == 0 && pds_astate_slot(s, (int32_t)off))
		return;
	if ((off & 7) != 0 && pds_astate_slot(s, (int32_t)(off & ~7ll)))
		return;
	finding(c, slot, false, "effects/uninitialised-read",
		"load from r10%+lld, a stack slot not written on every path before",
		(long long)off);
}

/* Registers the instruction reads, as a bit mask. */
static unsigned regs_read(const struct pds_insn *in, enum pds_op_kind kind)
{
	bool x = BPF_SRC(in->code) == BPF_X;

	switch (kind) {
	case PDS_OP_ALU:
		if (BPF_OP(in->code) == BPF_MOV)
			return x ? 1u << in->src : 0;
		return (1u << in->dst) | (x ? 1u << in->src : 0);
	case PDS_OP_NEG:
	case PDS_OP_END:
	case PDS_OP_BSWAP:
		return 1u << in->dst;
	case PDS_OP_LDX:
		return 1u << in->src;
	case PDS_OP_ST:
		return 1u << in->dst;
	case PDS_OP_STX:
	case PDS_OP_ATOMIC:
		return (1u << in->dst) | (1u << in->src);
	case PDS_OP_JCOND:
		return (1u << in->dst) | (x ? 1u << in->src : 0);
	case PDS_OP_EXIT:
		return 1u << 0;
	default:
		return 0;
	}
}

static void check_uninit_regs(struct ectx *c, uint32_t slot, const struct pds_insn *in,
			      enum pds_op_kind kind, const struct pds_astate *s)
{
	unsigned m = regs_read(in, kind);

	for (int r = 0; r < 11; r++)
		if ((m & (1u << r)) && s->r[r].kind == PDS_AV_UNINIT) {
			finding(c, slot, false, "effects/uninitialised-read",
				"r%d is read before it is written on some path", r);
			return;
		}
}

static void check_insn(struct ectx *c, uint32_t slot, const struct pds_insn *in0,
		       const struct pds_astate *s);

static void check_insn_all(struct ectx *c, uint32_t slot, const struct pds_astate *s)
{
	const struct pds_insn *in = &c->prog->insns[slot];
	const struct pds_op_desc *d = pds_decode_desc(c->ai.profile, in->code);

	if (!d)
		return;
	check_uninit_regs(c, slot, in, (enum pds_op_kind)d->kind, s);
	check_insn(c, slot, in, s);
}

static void check_insn(struct ectx *c, uint32_t slot, const struct pds_insn *in0,
		       const struct pds_astate *s)
{
	const struct pds_insn *in = in0;
	const struct pds_op_desc *d = pds_decode_desc(c->ai.profile, in->code);

	if (!d)
		return;
	switch (d->kind) {
	case PDS_OP_ST:
	case PDS_OP_STX:
	case PDS_OP_ATOMIC:
		check_store(c, slot, in, s);
		break;
	case PDS_OP_LDX:
		check_uninit_load(c, slot, in, s);
		break;
	case PDS_OP_CALL:
		check_call(c, slot, s);
		break;
	default:
		break;
	}
}

static int visit(struct ectx *c)
{
	struct pds_astate s = {0};
	int err = 0;

	for (uint32_t b = 0; !err && !c->err && b < c->cfg.nblocks; b++) {
		const struct pds_block *blk = &c->cfg.blocks[b];

		if (!blk->reachable)
			continue;
		err = pds_absint_entry(&c->ai, b, &s);
		if (err || !s.reachable)
			continue;
		for (uint32_t i = blk->first; !err && i <= blk->last; i++) {
			if (i > blk->first && pds_insn_is_lddw(&c->prog->insns[i - 1]))
				continue;
			check_insn_all(c, i, &s);
			err = pds_absint_step(&c->ai, &s, i);
		}
	}
	pds_astate_free(&s);
	return err ? err : c->err;
}

/* ------------------------------------------------------------------ report */

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int cmp_write(const void *a, const void *b)
{
	const struct pds_chk_write *x = a, *y = b;
	int r = strcmp(x->setter, y->setter);

	if (!r)
		r = strcmp(x->key, y->key);
	return r ? r : strcmp(x->object, y->object);
}

static void verdict(struct ectx *c)
{
	struct pds_chk_effects_report *r = c->rep;

	r->verdict = c->spec ? PDS_EFFECTS_OK : PDS_EFFECTS_UNKNOWN;
	for (size_t i = 0; i < r->nfindings; i++) {
		if (r->findings[i].violation)
			r->verdict = PDS_EFFECTS_VIOLATION;
		else if (r->verdict == PDS_EFFECTS_OK)
			r->verdict = PDS_EFFECTS_UNKNOWN;
	}
	if (r->nwrites)
		qsort(r->writes, r->nwrites, sizeof(*r->writes), cmp_write);
	if (r->nhelpers)
		qsort(r->helpers, r->nhelpers, sizeof(*r->helpers), cmp_str);
	if (r->nprotoops)
		qsort(r->protoops, r->nprotoops, sizeof(*r->protoops), cmp_str);
}

PDS_API int pds_chk_effects(const struct pds_chk_prog *prog,
			    const struct pds_chk_effects_opts *opts,
			    struct pds_chk_effects_report **out)
{
	struct ectx c = {.prog = prog, .opts = opts};
	int err;

	if (!prog || !opts || opts->sz < sizeof(*opts) || !out)
		return PDS_CHK_E_INVAL;
	*out = NULL;
	c.rep = pds_calloc(1, sizeof(*c.rep));
	if (!c.rep)
		return PDS_CHK_E_NOMEM;
	c.spec = pds_chk_spec_protoop(opts->spec, opts->protoop);
	err = pds_cfg_build(prog, &c.cfg);
	if (!err) {
		c.ai.cfg = &c.cfg;
		c.ai.quants = &c.quants;
		c.ai.facts = pds_chk_spec_facts(opts->spec);
		err = pds_absint_run(&c.ai);
	}
	if (!err)
		err = visit(&c);
	if (!err && !c.spec) {
		finding(&c, 0, false, "effects/no-spec", "no spec describes protoop %s",
			opts->protoop ? opts->protoop : "(none)");
		err = c.err;
	}
	if (!err)
		verdict(&c);
	pds_absint_free(&c.ai);
	pds_quantities_free(&c.quants);
	pds_cfg_free(&c.cfg);
	if (err) {
		pds_chk_effects_report_free(c.rep);
		return err;
	}
	*out = c.rep;
	return 0;
}

PDS_API void pds_chk_effects_report_free(struct pds_chk_effects_report *r)
{
	if (!r)
		return;
	for (size_t i = 0; i < r->nwrites; i++) {
		free(r->writes[i].setter);
		free(r->writes[i].key);
		free(r->writes[i].object);
		free(r->writes[i].via);
	}
	for (size_t i = 0; i < r->nhelpers; i++)
		free(r->helpers[i]);
	for (size_t i = 0; i < r->nprotoops; i++)
		free(r->protoops[i]);
	for (size_t i = 0; i < r->nfindings; i++)
		free(r->findings[i].message);
	free(r->writes);
	free(r->helpers);
	free(r->protoops);
	free(r->findings);
	free(r);
}
