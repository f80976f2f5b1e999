// SPDX-License-Identifier: MIT
/* Result codes, rule ids and the diagnostic sink. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bpf/internal.h"

struct err_info {
	int code;
	const char *rule;
	const char *desc;
};

static const struct err_info err_table[] = {
#define PDS_CHK_ERR_ROW(name, value, rule, desc) {value, rule, desc},
	PDS_CHK_ERRORS(PDS_CHK_ERR_ROW)
#undef PDS_CHK_ERR_ROW
};

static const struct err_info *err_lookup(int err)
{
	for (size_t i = 0; i < PDS_ARRAY_SIZE(err_table); i++)
		if (err_table[i].code == err)
			return &err_table[i];
	return NULL;
}

PDS_API const char *pds_chk_strerror(int err)
{
	const struct err_info *e = err_lookup(err);

	return e ? e->desc : "unknown error";
}

PDS_API const char *pds_chk_rule(int err)
{
	const struct err_info *e = err_lookup(err);

	return e ? e->rule : "unknown";
}

static const char *const level_names[] = {"note", "warning", "error"};

static int format_loc(const struct pds_chk_diag *d, char *buf, size_t size)
{
	const char *file = d->file ? d->file : "<input>";

	if (d->src_file && d->src_line)
		return snprintf(buf, size, "%s:%u:%u", d->src_file, d->src_line, d->src_col);
	if (d->section && d->insn >= 0)
		return snprintf(buf, size, "%s:%s+0x%llx: insn %lld", file, d->section,
				(unsigned long long)d->sec_off, (long long)d->insn);
	if (d->line)
		return snprintf(buf, size, "%s:%u", file, d->line);
	return snprintf(buf, size, "%s", file);
}

PDS_API int pds_chk_diag_format(const struct pds_chk_diag *d, char *buf, size_t size)
{
	char loc[1024];
	unsigned lvl = d->level <= PDS_CHK_ERROR ? (unsigned)d->level : PDS_CHK_ERROR;

	format_loc(d, loc, sizeof(loc));
	return snprintf(buf, size, "%s: %s: %s [%s]", loc, level_names[lvl],
			d->message ? d->message : "", d->rule ? d->rule : "unknown");
}

int pds_vdiag(const struct pds_chk_diag_sink *sink, enum pds_chk_level level, int code,
	      const char *rule, const struct pds_loc *loc, const char *fmt, va_list ap)
{
	struct pds_chk_diag d = {.level = level, .code = code, .insn = -1};
	char msg[1024];

	if (!sink || !sink->fn)
		return code;
	vsnprintf(msg, sizeof(msg), fmt, ap);
	d.rule = rule ? rule : pds_chk_rule(code);
	d.message = msg;
	if (loc) {
		d.file = loc->file;
		d.section = loc->section;
		d.insn = loc->insn;
		d.sec_off = loc->sec_off;
		d.line = loc->line;
		if (loc->src && loc->src->file) {
			d.src_file = loc->src->file;
			d.src_line = loc->src->line;
			d.src_col = loc->src->col;
		}
	}
	sink->fn(sink->ctx, &d);
	return code;
}

int pds_diag(const struct pds_chk_diag_sink *sink, enum pds_chk_level level, int code,
	     const struct pds_loc *loc, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	pds_vdiag(sink, level, code, NULL, loc, fmt, ap);
	va_end(ap);
	return code;
}

void pds_diag_rule(const struct pds_chk_diag_sink *sink, enum pds_chk_level level, const char *rule,
		   const struct pds_loc *loc, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	pds_vdiag(sink, level, 0, rule, loc, fmt, ap);
	va_end(ap);
}

PDS_API const char *pds_chk_profile_name(enum pds_chk_profile p)
{
	switch (p) {
	case PDS_CHK_PROFILE_PQUIC:
		return "pquic";
	case PDS_CHK_PROFILE_KERNEL:
		return "kernel";
	}
	return "unknown";
}

PDS_API int pds_chk_profile_parse(const char *name, enum pds_chk_profile *out)
{
	if (!name || !out)
		return PDS_CHK_E_INVAL;
	if (!strcmp(name, "pquic"))
		*out = PDS_CHK_PROFILE_PQUIC;
	else if (!strcmp(name, "kernel"))
		*out = PDS_CHK_PROFILE_KERNEL;
	else
		return PDS_CHK_E_PROFILE;
	return 0;
}
