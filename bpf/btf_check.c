// SPDX-License-Identifier: MIT
/*
 * Structural check of a .BTF section before libbpf reads it (kernel profile).
 *
 * libbpf trusts type ids found in BTF when it opens an object, so a crafted
 * .BTF can make it read through a NULL type.  Every type record is walked here
 * (kinds of the kernel's btf.h: sizes of each record and of its members), and
 * every type id it refers to must name a type that exists; names must lie in the
 * string section.  An object that fails is refused before libbpf sees it.
 */
#include <string.h>

#include "bpf/internal.h"

#define BTF_MAGIC_LE 0xeB9F

enum {
	K_INT = 1,
	K_PTR,
	K_ARRAY,
	K_STRUCT,
	K_UNION,
	K_ENUM,
	K_FWD,
	K_TYPEDEF,
	K_VOLATILE,
	K_CONST,
	K_RESTRICT,
	K_FUNC,
	K_FUNC_PROTO,
	K_VAR,
	K_DATASEC,
	K_FLOAT,
	K_DECL_TAG,
	K_TYPE_TAG,
	K_ENUM64,
};

struct btf_view {
	const uint8_t *types, *strs;
	uint32_t types_len, strs_len;
	uint32_t ntypes; /* type ids 1..ntypes exist */
};

static uint32_t rd32(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, 4);
	return v;
}

/* Bytes that follow the 12-byte common header of a type of this kind. */
static int64_t trailer(uint32_t kind, uint32_t vlen)
{
	switch (kind) {
	case K_INT:
	case K_VAR:
	case K_DECL_TAG:
		return 4;
	case K_ARRAY:
		return 12;
	case K_STRUCT:
	case K_UNION:
	case K_DATASEC:
	case K_ENUM64:
		return 12ll * vlen;
	case K_ENUM:
	case K_FUNC_PROTO:
		return 8ll * vlen;
	case K_PTR:
	case K_FWD:
	case K_TYPEDEF:
	case K_VOLATILE:
	case K_CONST:
	case K_RESTRICT:
	case K_FUNC:
	case K_FLOAT:
	case K_TYPE_TAG:
		return 0;
	default:
		return -1;
	}
}

static bool refers_to_type(uint32_t kind)
{
	return kind == K_PTR || kind == K_TYPEDEF || kind == K_VOLATILE || kind == K_CONST ||
	       kind == K_RESTRICT || kind == K_FUNC || kind == K_FUNC_PROTO || kind == K_VAR ||
	       kind == K_DECL_TAG || kind == K_TYPE_TAG;
}

/* Counts the types, checking that the records tile the type section exactly. */
static bool count_types(struct btf_view *v)
{
	uint32_t off = 0;

	v->ntypes = 0;
	while (off < v->types_len) {
		uint32_t info, kind, vlen;
		int64_t t;

		if (v->types_len - off < 12)
			return false;
		info = rd32(v->types + off + 4);
		kind = (info >> 24) & 0x1f;
		vlen = info & 0xffff;
		t = trailer(kind, vlen);
		if (t < 0 || (uint64_t)v->types_len - off - 12 < (uint64_t)t)
			return false;
		off += 12 + (uint32_t)t;
		if (++v->ntypes > 1000000)
			return false;
	}
	return true;
}

static bool name_ok(const struct btf_view *v, uint32_t off)
{
	return off < v->strs_len && memchr(v->strs + off, '\0', v->strs_len - off);
}

static bool id_ok(const struct btf_view *v, uint32_t id)
{
	return id <= v->ntypes;
}

/* Member records: (name, type, offset) triples, (name, type) pairs, (type, off, size). */
static bool members_ok(const struct btf_view *v, uint32_t kind, const uint8_t *m, uint32_t vlen)
{
	for (uint32_t i = 0; i < vlen; i++) {
		switch (kind) {
		case K_STRUCT:
		case K_UNION:
			if (!name_ok(v, rd32(m + 12 * i)) || !id_ok(v, rd32(m + 12 * i + 4)))
				return false;
			break;
		case K_FUNC_PROTO:
			if (!name_ok(v, rd32(m + 8 * i)) || !id_ok(v, rd32(m + 8 * i + 4)))
				return false;
			break;
		case K_DATASEC:
			if (!id_ok(v, rd32(m + 12 * i)) || rd32(m + 12 * i) == 0)
				return false;
			break;
		case K_ENUM:
			if (!name_ok(v, rd32(m + 8 * i)))
				return false;
			break;
		case K_ENUM64:
			if (!name_ok(v, rd32(m + 12 * i)))
				return false;
			break;
		default:
			break;
		}
	}
	return true;
}

static bool types_ok(const struct btf_view *v)
{
	uint32_t off = 0;

	for (uint32_t id = 1; id <= v->ntypes; id++) {
		const uint8_t *t = v->types + off;
		uint32_t info = rd32(t + 4), kind = (info >> 24) & 0x1f, vlen = info & 0xffff;
		uint32_t ref = rd32(t + 8);

		if (!name_ok(v, rd32(t)))
			return false;
		if (refers_to_type(kind) && !id_ok(v, ref))
			return false;
		if ((kind == K_FUNC || kind == K_VAR || kind == K_DECL_TAG) && ref == 0)
			return false;
		if (kind == K_ARRAY && (!id_ok(v, rd32(t + 12)) || !id_ok(v, rd32(t + 16))))
			return false;
		if (!members_ok(v, kind, t + 12, vlen))
			return false;
		off += 12 + (uint32_t)trailer(kind, vlen);
	}
	return true;
}

int pds_btf_check(const struct pds_elf *e, const struct pds_chk_diag_sink *sink)
{
	const struct pds_elf_sec *s = pds_elf_sec_by_name(e, ".BTF");
	struct pds_loc loc = PDS_LOC_FILE(e->path);
	struct btf_view v = {0};
	uint32_t hdr_len, type_off, type_len, str_off, str_len;
	uint16_t magic;

	if (!s || !s->data)
		return 0;
	if (s->size < 24)
		goto bad;
	memcpy(&magic, s->data, 2);
	hdr_len = rd32(s->data + 4);
	type_off = rd32(s->data + 8);
	type_len = rd32(s->data + 12);
	str_off = rd32(s->data + 16);
	str_len = rd32(s->data + 20);
	if (magic != BTF_MAGIC_LE || s->data[2] != 1 || hdr_len < 24 || hdr_len > s->size ||
	    (uint64_t)hdr_len + type_off + type_len > s->size ||
	    (uint64_t)hdr_len + str_off + str_len > s->size || (type_off | type_len) & 3 ||
	    str_len == 0)
		goto bad;
	v.types = s->data + hdr_len + type_off;
	v.types_len = type_len;
	v.strs = s->data + hdr_len + str_off;
	v.strs_len = str_len;
	if (v.strs[str_len - 1] != '\0' || !count_types(&v) || !types_ok(&v))
		goto bad;
	return 0;
bad:
	return pds_diag(sink, PDS_CHK_ERROR, PDS_CHK_E_BTF_TYPES, &loc,
			".BTF: malformed type information (a kind, record size, name or type id "
			"is out of range)");
}
